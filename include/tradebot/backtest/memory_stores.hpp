#pragma once

// The trading core's stores in memory, with the contracts of db::position_store, db::order_store
// and db::audit_sink (one live position per venue, symbol and mode; versioned transitions; client
// ids from (position, purpose, attempt); journal rows that only move forward). Each call yields
// to the io_context once, as a database round trip would, so the trading core's coroutines
// interleave at the same points as against PostgreSQL. The backtest runs the trading core on
// them; the trading core's unit tests use them too (tests/support/tradebot_test/memory_stores.hpp).
// Single-threaded: use on one io_context thread.

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "tradebot/db/audit_sink.hpp"
#include "tradebot/db/order_store.hpp"
#include "tradebot/db/position_store.hpp"
#include "tradebot/db/trade_store.hpp"

namespace tradebot::backtest {

// A database round trip's yield: the caller resumes from the io_context, not inline.
inline boost::asio::awaitable<void> round_trip() {
    co_await boost::asio::post(co_await boost::asio::this_coro::executor, boost::asio::use_awaitable);
}

class memory_journal final : public db::order_store {
public:
    std::map<std::int64_t, db::order_record> rows;

    // Inserts `o` with attempt `attempt` (no yield: part of the caller's statement).
    journaled insert(db::order_record o, int attempt) {
        const core::client_order_id cid{o.position_id.value_or(0), o.purpose, static_cast<std::uint16_t>(attempt),
                                        o.mode == core::mode::test};
        o.id = next_id_++;
        o.attempt = attempt;
        o.status = db::order_status::pending;
        o.client_order_id = cid.str();
        by_client_.insert_or_assign(o.client_order_id, o.id);
        auto& next = next_attempt_[{o.position_id.value_or(0), o.purpose}];
        next = std::max(next, attempt + 1);
        by_position_[o.position_id.value_or(0)].push_back(o.id);
        rows.insert_or_assign(o.id, o);
        return journaled{o.id, cid};
    }

    boost::asio::awaitable<db::result<std::int64_t>> insert_known(db::order_record o) override {
        co_await round_trip();
        if (o.client_order_id.empty()) {
            co_return db::error{db::errc::invalid_argument, "insert_known needs a client order id"};
        }
        if (by_client_.contains(o.client_order_id)) {
            co_return db::error{db::errc::unique_violation, "client id " + o.client_order_id + " is journaled"};
        }
        o.id = next_id_++;
        by_client_.insert_or_assign(o.client_order_id, o.id);
        if (o.attempt < db::order_store::first_offline_attempt) {
            auto& next = next_attempt_[{o.position_id.value_or(0), o.purpose}];
            next = std::max(next, o.attempt + 1);
        }
        by_position_[o.position_id.value_or(0)].push_back(o.id);
        rows.insert_or_assign(o.id, o);
        co_return o.id;
    }

    boost::asio::awaitable<db::result<std::optional<db::order_record>>> find_by_client_id(
        std::string client_order_id) override {
        co_await round_trip();
        if (const auto id = by_client_.find(client_order_id); id != by_client_.end()) {
            co_return std::optional{rows.at(id->second)};
        }
        co_return std::optional<db::order_record>{};
    }

    // A crash that lost the rows of `position_id` (tests of the recovery after a database outage).
    void lose_position(std::int64_t position_id) {
        const auto ids = by_position_.find(position_id);
        if (ids == by_position_.end()) {
            return;
        }
        for (const auto id : ids->second) {
            by_client_.erase(rows.at(id).client_order_id);
            rows.erase(id);
        }
        by_position_.erase(ids);
        std::erase_if(next_attempt_, [position_id](const auto& kv) { return kv.first.first == position_id; });
    }

    boost::asio::awaitable<db::result<journaled>> insert_next_attempt(db::order_record o) override {
        co_await round_trip();
        const auto it = next_attempt_.find({o.position_id.value_or(0), o.purpose});
        const int attempt = it == next_attempt_.end() ? 0 : it->second;
        co_return insert(std::move(o), attempt);
    }

    boost::asio::awaitable<db::result<void>> update(std::int64_t id, db::order_update u) override {
        co_await round_trip();
        if (const auto it = rows.find(id); it != rows.end()) {
            (void)advance(it->second, u);
        }
        co_return db::result<void>{};
    }

    boost::asio::awaitable<db::result<std::optional<venue_result>>> update_from_venue(std::string client_order_id,
                                                                                      db::order_update u) override {
        co_await round_trip();
        if (const auto id = by_client_.find(client_order_id); id != by_client_.end()) {
            auto& r = rows.at(id->second);
            const bool applied = advance(r, u);
            co_return std::optional{venue_result{r, applied}};
        }
        co_return std::optional<venue_result>{};
    }

    boost::asio::awaitable<db::result<int>> end_open_stops(std::int64_t position_id, db::order_status status,
                                                           std::string why, std::optional<std::int64_t> keep) override {
        co_await round_trip();
        if (!db::is_terminal(status)) {
            co_return db::error{db::errc::invalid_argument, "end_open_stops needs a terminal status"};
        }
        int ended = 0;
        const auto of_position = by_position_.find(position_id);
        if (of_position == by_position_.end()) {
            co_return ended;
        }
        for (const auto id : of_position->second) {
            auto& r = rows.at(id);
            const bool stop = r.purpose == core::order_purpose::stop || r.purpose == core::order_purpose::trailing;
            if (stop && id != keep.value_or(0) && rank(r.status) < 5) {
                r.status = status;
                if (!r.error_message) {
                    r.error_message = why;
                }
                ++ended;
            }
        }
        co_return ended;
    }

    // The rows of a position with `purpose`, in insertion order.
    [[nodiscard]] std::vector<db::order_record> of(std::int64_t position_id, core::order_purpose purpose) const {
        std::vector<db::order_record> out;
        if (const auto ids = by_position_.find(position_id); ids != by_position_.end()) {
            for (const auto id : ids->second) {
                if (const auto& r = rows.at(id); r.purpose == purpose) {
                    out.push_back(r);
                }
            }
        }
        return out;
    }

private:
    // pending < sent < unknown < new < partially_filled < triggered < terminal (6).
    static int rank(db::order_status s) {
        constexpr std::array open{db::order_status::pending, db::order_status::sent, db::order_status::unknown,
                                  db::order_status::new_, db::order_status::partially_filled,
                                  db::order_status::triggered};
        const auto it = std::find(open.begin(), open.end(), s);
        return it == open.end() ? 6 : static_cast<int>(it - open.begin());
    }

    // Forward only; a terminal row is final.
    static bool advance(db::order_record& r, const db::order_update& u) {
        if (rank(r.status) == 6 || rank(u.status) < rank(r.status)) {
            return false;
        }
        r.status = u.status;
        if (u.filled_quantity && *u.filled_quantity > r.filled_quantity) {
            r.filled_quantity = *u.filled_quantity;
        }
        r.average_price = u.average_price ? u.average_price : r.average_price;
        r.venue_order_id = u.venue_order_id ? u.venue_order_id : r.venue_order_id;
        r.error_code = u.error_code ? u.error_code : r.error_code;
        r.error_message = u.error_message ? u.error_message : r.error_message;
        r.algo_id = u.algo_id ? u.algo_id : r.algo_id;
        return true;
    }

    std::int64_t next_id_ = 1;
    // Indexes over `rows`, so that a long backtest's every report is not a scan of all orders.
    std::map<std::string, std::int64_t> by_client_;
    std::map<std::pair<std::int64_t, core::order_purpose>, int> next_attempt_;
    std::map<std::int64_t, std::vector<std::int64_t>> by_position_;  // row ids in insertion order
};

class memory_positions final : public db::position_store {
public:
    explicit memory_positions(memory_journal& journal) : journal_{journal} {}

    std::map<std::int64_t, db::position_record> rows;

    boost::asio::awaitable<db::result<pending_entry>> create_pending_with_entry(db::new_position p,
                                                                                db::order_record entry) override {
        co_await round_trip();
        auto id = create(p);
        if (!id) {
            co_return id.error();
        }
        entry.position_id = *id;
        const auto j = journal_.insert(std::move(entry), 0);
        co_return pending_entry{*id, j.id, j.client_id};
    }

    boost::asio::awaitable<db::result<std::pair<std::int64_t, std::int32_t>>> create_found(
        db::new_position p, db::position_state state, db::position_update u) override {
        co_await round_trip();
        auto id = create(p);
        if (!id) {
            co_return id.error();
        }
        auto& row = rows.at(*id);
        apply(row, state, u);
        co_return std::pair{*id, row.version};
    }

    boost::asio::awaitable<db::result<std::int32_t>> transition(std::int64_t id, std::int32_t expected_version,
                                                                db::position_state state,
                                                                db::position_update u) override {
        co_await round_trip();
        const auto it = rows.find(id);
        if (it == rows.end() || it->second.version != expected_version) {
            co_return db::error{db::errc::stale_version, "position " + std::to_string(id) + " changed"};
        }
        apply(it->second, state, u);
        co_return it->second.version;
    }

    boost::asio::awaitable<db::result<std::vector<db::position_record>>> load_live(core::mode mode) override {
        co_await round_trip();
        std::vector<db::position_record> out;
        for (const auto& [_, r] : rows) {
            if (r.mode == mode && live(r.state)) {
                out.push_back(r);
            }
        }
        co_return out;
    }

    [[nodiscard]] const db::position_record& row(std::int64_t id) const { return rows.at(id); }
    // A crash that lost the row of `id` and its journal rows (tests of the recovery after a
    // database outage); its id is not handed out again, as the reserved blocks guarantee.
    void lose(std::int64_t id) {
        const auto it = rows.find(id);
        if (it == rows.end()) {
            return;
        }
        live_.erase({it->second.exchange, it->second.symbol, it->second.mode});
        rows.erase(it);
        journal_.lose_position(id);
    }
    // How many rows were closed or failed so far: changes whenever the realized PnL may have.
    [[nodiscard]] std::uint64_t ended() const noexcept { return ended_; }

private:
    static bool live(db::position_state s) { return s != db::position_state::closed && s != db::position_state::failed; }

    db::result<std::int64_t> create(const db::new_position& p) {
        if (live_.contains({p.exchange, p.symbol, p.mode})) {
            return db::error{db::errc::already_live, "a live position holds " + p.symbol.str()};
        }
        db::position_record r;
        r.id = next_id_++;
        r.version = 0;
        r.exchange = p.exchange;
        r.symbol = p.symbol;
        r.side = p.side;
        r.mode = p.mode;
        r.signal_id = p.signal_id;
        r.leverage = p.leverage;
        rows.insert_or_assign(r.id, r);
        live_.insert({p.exchange, p.symbol, p.mode});
        return r.id;
    }

    void apply(db::position_record& r, db::position_state state, const db::position_update& u) {
        if (live(r.state) && !live(state)) {
            live_.erase({r.exchange, r.symbol, r.mode});
            ++ended_;
        }
        r.state = state;
        ++r.version;
        const auto set = [](auto& field, const auto& value) {
            if (value) {
                field = *value;
            }
        };
        set(r.quantity, u.quantity);
        set(r.entry_price, u.entry_price);
        set(r.exit_price, u.exit_price);
        set(r.stop_price, u.stop_price);
        set(r.stop_order_id, u.stop_order_id);
        set(r.stop_client_order_id, u.stop_client_order_id);
        set(r.trailing_activated, u.trailing_activated);
        set(r.trailing_activated_at, u.trailing_activated_at);
        set(r.trailing_peak_price, u.trailing_peak_price);
        set(r.trailing_last_move_at, u.trailing_last_move_at);
        set(r.opened_at, u.opened_at);
        set(r.closed_at, u.closed_at);
        set(r.close_reason, u.close_reason);
        set(r.realized_pnl, u.realized_pnl);
        set(r.fees, u.fees);
    }

    memory_journal& journal_;
    std::int64_t next_id_ = 1;
    std::set<std::tuple<core::exchange_id, core::symbol, core::mode>> live_;  // the live rows' keys
    std::uint64_t ended_ = 0;
};

class memory_audit final : public db::audit_sink {
public:
    std::vector<db::event_record> events;
    void append(db::event_record e) override { events.push_back(std::move(e)); }

    // The event types of a position, in order, space-separated.
    [[nodiscard]] std::string trail(std::int64_t position_id) const {
        std::string out;
        for (const auto& e : events) {
            if (e.position_id == position_id) {
                out += e.type + " ";
            }
        }
        return out;
    }
};

// Fills, one per natural key (exchange, mode, symbol, exchange_trade_id), as trades keeps them.
class memory_trades final : public db::trade_store {
public:
    std::vector<db::trade_record> fills;

    boost::asio::awaitable<db::result<bool>> insert_fill(db::trade_record t) override {
        co_await round_trip();
        for (const auto& f : fills) {
            if (f.exchange == t.exchange && f.mode == t.mode && f.symbol == t.symbol &&
                f.exchange_trade_id == t.exchange_trade_id) {
                co_return false;
            }
        }
        t.id = static_cast<std::int64_t>(fills.size()) + 1;
        fills.push_back(std::move(t));
        co_return true;
    }

    // The fills of a position, in arrival order.
    [[nodiscard]] std::vector<db::trade_record> of(std::int64_t position_id) const {
        std::vector<db::trade_record> out;
        std::copy_if(fills.begin(), fills.end(), std::back_inserter(out),
                     [position_id](const db::trade_record& f) { return f.position_id == position_id; });
        return out;
    }
};

}  // namespace tradebot::backtest
