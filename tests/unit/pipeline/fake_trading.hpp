#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "tradebot/core/clock.hpp"
#include "tradebot/pipeline/entry_decider.hpp"
#include "tradebot/pipeline/trading_port.hpp"
#include "unit/signals/signals_test_support.hpp"

namespace tradebot::pipeline::test {

using namespace core::literals;

// Venues in memory: what each read answers is set by the test; open() records the intent and
// answers `next_open` (a protected entry adds the position).
class fake_trading final : public trading_port {
public:
    explicit fake_trading(const core::clock& clock) : clock_{clock} {}

    std::map<signals::instrument_key, exchange::instrument_rules> instruments;
    std::map<signals::instrument_key, core::decimal> marks;
    std::map<signals::instrument_key, exchange::market_stats_state> stats;  // absent: the read fails
    std::map<signals::instrument_key, exchange::book_top_state> books;     // absent: the read fails
    std::vector<quote_wait> quote_waits;                                    // one per book_top() call
    std::optional<core::decimal> free_usdt = "10000"_d;                      // nullopt: the read fails
    core::decimal pnl_today;
    signals::key_set positions;
    trading::open_result_kind next_open = trading::open_result_kind::protected_;
    std::vector<trading::entry_intent> opened;
    std::vector<signals::instrument_key> stats_reads;
    int balance_reads = 0;
    std::map<core::exchange_id, int> balance_reads_of;

    boost::asio::awaitable<trading::open_result> open(trading::entry_intent intent) override {
        trading::open_result r;
        r.kind = next_open;
        r.entry_sent = clock_.steady_now();
        if (r.kind == trading::open_result_kind::protected_) {
            r.position_id = 100 + static_cast<std::int64_t>(opened.size());
            positions.insert({intent.exchange, intent.symbol});
        }
        opened.push_back(std::move(intent));
        co_return r;
    }
    boost::asio::awaitable<exchange::result<exchange::mark_price_state>> mark(core::exchange_id venue,
                                                                              core::symbol symbol) override {
        const auto it = marks.find({venue, symbol});
        if (it == marks.end()) {
            co_return failure(venue);
        }
        co_return exchange::mark_price_state{symbol, it->second, 0};
    }
    boost::asio::awaitable<exchange::result<exchange::market_stats_state>> market_stats(
        core::exchange_id venue, exchange::market_stats_request request) override {
        const signals::instrument_key key{venue, request.symbol};
        stats_reads.push_back(key);
        const auto it = stats.find(key);
        if (it == stats.end()) {
            co_return failure(venue);
        }
        co_return it->second;
    }
    boost::asio::awaitable<exchange::result<exchange::book_top_state>> book_top(core::exchange_id venue,
                                                                               core::symbol symbol,
                                                                               quote_wait wait) override {
        quote_waits.push_back(wait);
        const auto it = books.find({venue, symbol});
        if (it == books.end()) {
            co_return failure(venue);
        }
        co_return it->second;
    }
    boost::asio::awaitable<exchange::result<std::vector<exchange::balance_state>>> balances(
        core::exchange_id venue) override {
        ++balance_reads;
        ++balance_reads_of[venue];
        if (!free_usdt) {
            co_return failure(venue);
        }
        co_return std::vector<exchange::balance_state>{{"USDT", *free_usdt, *free_usdt, {}}};
    }
    boost::asio::awaitable<db::result<core::decimal>> realized_pnl_since(core::clock::time_point) override {
        co_return pnl_today;
    }
    std::uint64_t pnl_generation() const override { return 0; }
    const exchange::instrument_rules* rules(core::exchange_id venue, const core::symbol& s) const override {
        const auto it = instruments.find({venue, s});
        return it == instruments.end() ? nullptr : &it->second;
    }
    std::vector<trading::position_exposure> exposures() const override {
        std::vector<trading::position_exposure> out;
        for (const auto& k : positions) {
            out.push_back({k.exchange, k.symbol, "200"_d});
        }
        return out;
    }
    void open_keys(signals::key_set& out) const override { out = positions; }
    std::vector<core::exchange_id> venues() const override {
        return {core::exchange_id::binance, core::exchange_id::bybit};
    }

    // An instrument with a 0.001 step and a 20 USD minimum at `price`, with market numbers that
    // pass the default filters and a book quoting `price` on both sides.
    void add(core::exchange_id venue, const char* symbol, core::decimal price) {
        const signals::instrument_key key{venue, core::symbol::from_string(symbol)};
        instruments[key] = signals::test::instrument(symbol);
        marks[key] = price;
        books[key] = exchange::book_top_state{key.symbol, price, price, 0};
        stats[key] = exchange::market_stats_state{key.symbol, "5000000"_d, "100000"_d, "0.5"_d};
    }

private:
    static exchange::error failure(core::exchange_id venue) {
        exchange::error e;
        e.venue = venue;
        e.message = "down";
        return e;
    }

    const core::clock& clock_;
};

// Records every decision and answers claims from `claimable` (all when empty).
class recording_sink final : public decision_sink {
public:
    struct entry {
        std::int64_t id;
        decision d;
    };
    std::vector<entry> decisions;
    std::vector<std::int64_t> claims;
    std::optional<std::vector<std::int64_t>> claimable;

    boost::asio::awaitable<bool> claim(const signals::signal& s) override {
        claims.push_back(s.id);
        co_return !claimable || std::find(claimable->begin(), claimable->end(), s.id) != claimable->end();
    }
    boost::asio::awaitable<void> decided(const signals::signal& s, const decision& d) override {
        decisions.push_back({s.id, d});
        co_return;
    }

    [[nodiscard]] const decision* of(std::int64_t id) const {
        for (const auto& e : decisions) {
            if (e.id == id) {
                return &e.d;
            }
        }
        return nullptr;
    }
};

// Runs `make()`'s coroutine to its end on a fresh io_context; failures come out as exceptions.
template <typename Make>
void run(Make make) {
    boost::asio::io_context io;
    boost::asio::co_spawn(io, make(), [](const std::exception_ptr& e) {
        if (e) {
            std::rethrow_exception(e);
        }
    });
    io.run();
}

}  // namespace tradebot::pipeline::test
