#pragma once

// The trading core against the paper venue (the sim engine in process) and a real PostgreSQL:
// a market-data venue whose marks the test sets, a decorator that injects venue failures, and
// position managers built the way the daemon builds them.

#include <functional>
#include <future>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>
#include <pqxx/pqxx>
#include <prometheus/registry.h>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/db/event_log.hpp"
#include "tradebot/db/order_journal.hpp"
#include "tradebot/db/position_repository.hpp"
#include "tradebot/db/trade_repository.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/exchange/paper/client.hpp"
#include "tradebot/trading/position_manager.hpp"
#include "tradebot_test/instrument_rules.hpp"
#include "tradebot_test/market_venue.hpp"
#include "tradebot_test/pg_fixture.hpp"

namespace tradebot::trading::test {

using namespace core::literals;
namespace ex = tradebot::exchange;

using tradebot::test::btc;
using tradebot::test::eth;

using tradebot::test::rules_for;

// The venue's (only) protective stop trigger.
inline core::decimal stop_trigger(const std::vector<ex::stop_state>& stops) {
    EXPECT_EQ(stops.size(), 1U);
    return stops.empty() ? core::decimal{} : stops.front().trigger_price.value_or(core::decimal{});
}

using tradebot::test::market_venue;

// Forwards to the paper venue, failing chosen calls the way a real venue can.
class faulty_venue final : public ex::venue_client {
public:
    explicit faulty_venue(ex::venue_client& inner) : inner_{inner} {}

    int reject_stops = 0;            // the next N place_stop calls are refused (invalid_request)
    // The next place_stop waits this long before it reaches the venue: an open held mid-way.
    std::chrono::milliseconds stop_delay{0};
    bool empty_positions_once = false;
    // Symbols whose position (and so a Bybit position stop) the venue's lists leave out, as Bybit
    // does for 5-24 s after a fill (original-bot.md §11 #16).
    std::set<core::symbol> hidden;
    // Stop orders a person placed: listed beside ours, without our client id; cancels counted.
    std::vector<ex::stop_state> foreign_stops;
    int foreign_cancels = 0;
    int lost_entry_answers = 0;      // the next N market orders are carried out, then "timed out"
    int lost_lookups = 0;            // the next N order lookups by client id time out too
    int refused_entries = 0;         // the next N market orders are refused: -4140, symbol not open
    // Runs before a market order reaches the venue: what happens on the venue while it is in flight.
    std::function<void(const ex::market_order_request&)> before_market_order;
    int place_stop_calls = 0;
    int market_orders = 0;
    int position_reads = 0;
    int leverage_calls = 0;
    bool refuse_leverage = false;
    int margin_calls = 0;
    // The priorities the leverage and margin mode were set at, in call order.
    std::vector<ex::request_priority> setting_priorities;
    // What symbol_settings() answers (the venue's per-symbol leverage and margin mode read in one
    // request, as Binance's symbolConfig); nullopt: the paper venue's answer (none).
    std::optional<std::vector<ex::symbol_setting>> listed_settings;
    // The positions list reports this mark instead of the current one (a venue's list lags).
    std::optional<core::decimal> listed_mark;

    [[nodiscard]] core::exchange_id venue() const noexcept override { return inner_.venue(); }
    task<std::vector<ex::instrument_rules>> load_instruments() override { return inner_.load_instruments(); }
    task<std::int64_t> server_time() override { return inner_.server_time(); }
    task<ex::mark_price_state> mark_price(core::symbol s, ex::request_priority p) override {
        return inner_.mark_price(s, p);
    }
    task<std::vector<ex::mark_price_state>> mark_prices(ex::request_priority p) override {
        return inner_.mark_prices(p);
    }
    task<ex::market_stats_state> market_stats(ex::market_stats_request r, ex::request_priority p) override {
        return inner_.market_stats(std::move(r), p);
    }
    task<std::vector<ex::balance_state>> balances() override { return inner_.balances(); }
    task<std::vector<ex::position_state>> positions(ex::request_priority p) override {
        ++position_reads;
        if (empty_positions_once) {
            empty_positions_once = false;
            co_return std::vector<ex::position_state>{};
        }
        auto all = co_await inner_.positions(p);
        if (all) {
            std::erase_if(*all, [this](const ex::position_state& s) { return hidden.contains(s.symbol); });
            for (auto& s : *all) {
                s.mark_price = listed_mark.value_or(s.mark_price);
            }
        }
        co_return all;
    }
    task<std::vector<ex::order_state>> open_orders(std::optional<core::symbol> s) override {
        return inner_.open_orders(s);
    }
    task<std::vector<ex::stop_state>> open_stops(std::optional<core::symbol> s) override {
        auto all = co_await inner_.open_stops(s);
        if (all) {
            std::erase_if(*all, [this](const ex::stop_state& st) { return hidden.contains(st.symbol); });
            for (const auto& f : foreign_stops) {
                if (!s || f.symbol == *s) {
                    all->push_back(f);
                }
            }
        }
        co_return all;
    }
    task<void> set_leverage(core::symbol s, int l, ex::request_priority p) override {
        ++leverage_calls;
        setting_priorities.push_back(p);
        if (refuse_leverage) {
            ex::error e;
            e.kind = ex::error_kind::invalid_request;
            e.message = "leverage refused (injected)";
            co_return e;
        }
        co_return co_await inner_.set_leverage(s, l, p);
    }
    task<void> set_margin_mode(core::symbol s, ex::margin_mode m, ex::request_priority p) override {
        ++margin_calls;
        setting_priorities.push_back(p);
        return inner_.set_margin_mode(s, m, p);
    }
    task<std::vector<ex::symbol_setting>> symbol_settings(ex::request_priority p) override {
        if (listed_settings) {
            co_return *listed_settings;
        }
        co_return co_await inner_.symbol_settings(p);
    }
    task<void> set_one_way_mode() override { return inner_.set_one_way_mode(); }
    task<ex::order_ack> place_market_order(ex::market_order_request r, ex::request_priority p) override {
        ++market_orders;
        if (refused_entries > 0) {
            --refused_entries;
            co_return ex::binance_error(400, -4140, "Invalid symbol status for opening position.");
        }
        if (before_market_order) {
            std::exchange(before_market_order, {})(r);
        }
        auto ack = co_await inner_.place_market_order(std::move(r), p);
        if (lost_entry_answers > 0 && ack) {
            --lost_entry_answers;
            ex::error e;
            e.kind = ex::error_kind::unknown_outcome;
            e.message = "timeout after send (injected)";
            co_return e;
        }
        co_return ack;
    }
    task<ex::order_ack> place_limit_order(ex::limit_order_request r, ex::request_priority p) override {
        return inner_.place_limit_order(std::move(r), p);
    }
    task<ex::order_state> query_order(core::symbol s, core::client_order_id id) override {
        if (lost_lookups > 0) {
            --lost_lookups;
            ex::error e;
            e.kind = ex::error_kind::unknown_outcome;
            e.message = "lookup timed out (injected)";
            co_return e;
        }
        co_return co_await inner_.query_order(s, id);
    }
    task<void> cancel_order(core::symbol s, core::client_order_id id, ex::request_priority p) override {
        return inner_.cancel_order(s, id, p);
    }
    task<ex::stop_state> place_stop(ex::stop_request r) override {
        ++place_stop_calls;
        if (stop_delay.count() > 0) {
            boost::asio::steady_timer pause{co_await boost::asio::this_coro::executor, std::exchange(stop_delay, {})};
            co_await pause.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        }
        if (reject_stops > 0) {
            --reject_stops;
            ex::error e;
            e.kind = ex::error_kind::invalid_request;
            e.venue_code = -4003;
            e.message = "stop refused (injected)";
            co_return e;
        }
        co_return co_await inner_.place_stop(std::move(r));
    }
    task<ex::stop_state> amend_stop(ex::stop_state c, ex::stop_request r) override {
        return inner_.amend_stop(std::move(c), std::move(r));
    }
    task<void> cancel_stop(ex::stop_state s) override {
        for (const auto& f : foreign_stops) {
            if (!f.venue_id.empty() && f.venue_id == s.venue_id) {
                ++foreign_cancels;
                co_return ex::result<void>{};
            }
        }
        co_return co_await inner_.cancel_stop(std::move(s));
    }

private:
    ex::venue_client& inner_;
};

class trading_test : public db::test::migrated_pg_test {
protected:
    void SetUp() override {
        migrated_pg_test::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        market_.clock = &clock_;
        settings_.app.mode = core::mode::test;
        settings_.trading.reconcile_interval_seconds = std::chrono::seconds{3600};
        ex::paper::paper_options po;
        paper_ = std::make_unique<ex::paper::client>(clock_, market_, po, &router_);
        faulty_ = std::make_unique<faulty_venue>(*paper_);
        positions_ = std::make_unique<db::position_repository>(*db_);
        journal_ = std::make_unique<db::order_journal>(*db_);
        audit_ = std::make_unique<db::event_log>(*db_);
        trades_ = std::make_unique<db::trade_repository>(*db_);
        ASSERT_TRUE(await(paper_->load_instruments()));
        mark(btc, "60000.00"_d);
        mark(eth, "3000.00"_d);
    }

    void TearDown() override {
        if (manager_ && !HasFatalFailure()) {
            check_invariants();
        }
        stop_manager();
        migrated_pg_test::TearDown();
    }

    void stop_manager() {
        if (!manager_) {
            return;
        }
        manager_->stop();
        for (int i = 0; i < 500 && !manager_->idle(); ++i) {
            io_.restart();
            io_.run_for(std::chrono::milliseconds{10});
        }
        ASSERT_TRUE(manager_->idle());
        manager_.reset();
    }

    // What every scenario must leave true (DESIGN.md rules 3 and 4): each protected position the
    // manager holds has a live stop on the venue, and no position ever had two entry orders.
    void check_invariants() {
        for (const auto& [symbol, pos] : manager_->live()) {
            if (pos.state == db::position_state::protected_ && !pos.busy) {
                EXPECT_FALSE(venue_stops(symbol).empty()) << "no live stop for " << symbol.str();
            }
        }
        pqxx::connection conn{url_};
        pqxx::work tx{conn};
        tx.exec("SET search_path TO \"" + schema_ + "\"");
        const auto twice = tx.exec(
            "SELECT count(*) FROM (SELECT position_id FROM orders WHERE purpose = 'entry' "
            "GROUP BY position_id HAVING count(*) > 1) x");
        EXPECT_EQ(twice[0][0].as<int>(), 0) << "a position with two entry orders";
    }

    // A positions row as a crash right after its creation leaves it (pending_entry).
    std::int64_t pending_row(core::symbol s) {
        db::new_position n;
        n.exchange = core::exchange_id::binance;
        n.symbol = s;
        n.side = core::position_side::long_;
        n.mode = settings_.app.mode;
        n.leverage = "10"_d;
        auto id = await(positions_->create_pending(n));
        EXPECT_TRUE(id);
        return id ? *id : 0;
    }

    // The position's entry, filled on the venue with the client id the executor would have used.
    void fill_entry(core::symbol s, core::decimal qty, std::int64_t position) {
        ex::market_order_request m;
        m.symbol = s;
        m.side = core::side::buy;
        m.quantity = qty;
        m.client_id = core::client_order_id{position, core::order_purpose::entry, 0, true};
        ASSERT_TRUE(await(paper_->place_market_order(m, ex::request_priority::normal)));
    }

    // An ETH position opened outside the manager (its entry under `client_position`'s client id),
    // which the start adopts while the venue refuses its stop and its close: it stays live bare.
    void start_with_a_bare_eth_position(std::int64_t client_position) {
        ex::market_order_request m;
        m.symbol = eth;
        m.side = core::side::buy;
        m.quantity = "0.500"_d;
        m.client_id = core::client_order_id{client_position, core::order_purpose::entry, 0, true};
        ASSERT_TRUE(await(paper_->place_market_order(m, ex::request_priority::normal)));
        faulty_->reject_stops = 100;
        faulty_->refused_entries = 100;
        start_manager();
    }

    // A fresh position manager over the same venue and database (a restart).
    void make_manager() {
        stop_manager();
        manager_ = std::make_unique<position_manager>(io_.get_executor(), *faulty_, *positions_, *journal_, *audit_,
                                                      *trades_, router_, metrics_, settings_, clock_);
    }

    // Starts the manager; the start-up's second read (of a position absent from the first) comes
    // after a pause of the manual clock, which run_until() moves.
    void start_manager() {
        make_manager();
        auto started = boost::asio::co_spawn(io_, manager_->start(), boost::asio::use_future);
        run_until([&] { return started.wait_for(std::chrono::seconds{0}) == std::future_status::ready; });
        ASSERT_EQ(started.wait_for(std::chrono::seconds{0}), std::future_status::ready);
        ASSERT_TRUE(started.get());
    }

    // Runs until `done()`, moving the manual clock one second whenever nothing else is left to do:
    // the trading core's pauses (follow-ups, a flat report's second read, the start-up's second
    // pass) are in the clock's time (core::timer), so a test moves time instead of sleeping.
    // Returns the clock time it took; gives up after `limit`.
    template <class Done>
    std::chrono::seconds run_until(Done done, std::chrono::seconds limit = std::chrono::seconds{60}) {
        std::chrono::seconds waited{0};
        settle();
        while (!done() && waited < limit) {
            clock_.advance(std::chrono::seconds{1});
            waited += std::chrono::seconds{1};
            settle();
        }
        return waited;
    }

    // The mark on the venue (REST), in the paper engine (stream), and on the router.
    void mark(core::symbol s, core::decimal price) {
        clock_.advance(std::chrono::seconds{1});
        market_.marks[s] = price;
        events::mark_price m;
        m.exchange = core::exchange_id::binance;
        m.symbol = s;
        m.price = price;
        m.exchange_ts = clock_.now();
        m.receive_ts = clock_.now();
        paper_->on_mark_price(m);
        router_.topic<events::mark_price>(events::topic_name::mark_price,
                                          events::policy::coalesce_by_key{events::by_venue_symbol{}})
            .publish(m);
        settle();
    }

    // Runs queued handlers and the coroutines they start until nothing is left to do.
    // "Nothing left" = three quiet 10 ms slices in a row (a database round trip is far shorter).
    void settle() {
        int quiet = 0;
        for (int i = 0; i < 500 && quiet < 3; ++i) {
            io_.restart();
            quiet = io_.run_for(std::chrono::milliseconds{10}) == 0 ? quiet + 1 : 0;
        }
    }

    entry_intent intent(core::symbol s, core::position_side side, core::decimal qty) {
        entry_intent i;
        i.exchange = core::exchange_id::binance;
        i.symbol = s;
        i.side = side;
        i.quantity = qty;
        i.reference_price = market_.marks[s];
        i.leverage = 10;
        return i;
    }

    db::position_record row(std::int64_t id) {
        auto r = await(positions_->find(id));
        EXPECT_TRUE(r && r->size() == 1);
        return r->front();
    }

    std::vector<ex::position_state> venue_positions() {
        auto r = await(paper_->positions(ex::request_priority::normal));
        EXPECT_TRUE(r);
        return *r;
    }

    std::vector<ex::stop_state> venue_stops(core::symbol s) {
        auto r = await(paper_->open_stops(s));
        EXPECT_TRUE(r);
        return *r;
    }

    // Removes the venue's stops of `s` behind the bot's back: all of them, or those of `kind`.
    // A BTC long whose stop trailed to 60695.00 (mark 61000), then went missing on the venue.
    open_result trailed_btc_long_without_its_stop() {
        start_manager();
        auto r = await(manager_->open(intent(btc, core::position_side::long_, "0.010"_d)));
        EXPECT_EQ(r.kind, open_result_kind::protected_);
        mark(btc, "61000.00"_d);
        EXPECT_EQ(stop_trigger(venue_stops(btc)), "60695.00"_d);
        drop_venue_stops(btc);
        return r;
    }

    void drop_venue_stops(core::symbol s, std::optional<ex::stop_kind> kind = std::nullopt) {
        for (auto& st : venue_stops(s)) {
            if (!kind || st.kind == *kind) {
                ASSERT_TRUE(await(paper_->cancel_stop(st)));
            }
        }
    }

    // The audit event types of a position, in order, after a flush.
    std::string audit_trail(std::int64_t position) {
        EXPECT_TRUE(await(audit_->flush()));
        pqxx::connection conn{url_};
        pqxx::work tx{conn};
        tx.exec("SET search_path TO \"" + schema_ + "\"");
        std::string out;
        for (const auto& r : tx.exec_params("SELECT type FROM events WHERE position_id = $1 ORDER BY id", position)) {
            out += r[0].as<std::string>() + " ";
        }
        return out;
    }

    int journal_count(std::int64_t position, std::string_view purpose) {
        pqxx::connection conn{url_};
        pqxx::work tx{conn};
        tx.exec("SET search_path TO \"" + schema_ + "\"");
        const auto r = tx.exec_params("SELECT count(*) FROM orders WHERE position_id = $1 AND purpose = $2", position,
                                      std::string{purpose});
        return r[0][0].as<int>();
    }

    // The value of the gauge `name`{exchange="binance"} in the metrics registry; NaN when absent.
    double binance_gauge(std::string_view name) {
        for (const auto& family : registry_.Collect()) {
            if (family.name != name) {
                continue;
            }
            for (const auto& metric : family.metric) {
                for (const auto& l : metric.label) {
                    if (l.name == "exchange" && l.value == "binance") {
                        return metric.gauge.value;
                    }
                }
            }
        }
        return std::numeric_limits<double>::quiet_NaN();
    }

    // The journal statuses of a position's orders of one purpose, oldest first.
    std::string journal_statuses(std::int64_t position, std::string_view purpose) {
        pqxx::connection conn{url_};
        pqxx::work tx{conn};
        tx.exec("SET search_path TO \"" + schema_ + "\"");
        std::string out;
        for (const auto& r : tx.exec_params("SELECT status FROM orders WHERE position_id = $1 AND purpose = $2 "
                                            "ORDER BY id",
                                            position, std::string{purpose})) {
            out += r[0].as<std::string>() + " ";
        }
        return out;
    }

    core::manual_clock clock_;
    config::settings settings_;
    prometheus::Registry registry_;
    events::router router_{registry_};
    trading_metrics metrics_{registry_};
    market_venue market_;
    std::unique_ptr<ex::paper::client> paper_;
    std::unique_ptr<faulty_venue> faulty_;
    std::unique_ptr<db::position_repository> positions_;
    std::unique_ptr<db::order_journal> journal_;
    std::unique_ptr<db::event_log> audit_;
    std::unique_ptr<db::trade_repository> trades_;
    std::unique_ptr<position_manager> manager_;
};

}  // namespace tradebot::trading::test
