#include "tradebot/db/position_repository.hpp"

#include <algorithm>
#include <deque>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "db/order_rows.hpp"
#include "db/sql_values.hpp"
#include "tradebot/db/transaction.hpp"

namespace tradebot::db {

namespace {

using detail::micros_of;
using detail::opt_decimal;
using detail::opt_text;
using detail::opt_time;

std::string select_columns() {
    return "SELECT id, version, exchange, symbol, side, mode, state, signal_id, qty::text, entry_price::text, "
           "exit_price::text, leverage::text, stop_price::text, stop_order_id, stop_client_order_id, "
           "trailing_activated, " +
           micros_of("trailing_activated_at") + ", trailing_peak_price::text, " + micros_of("trailing_last_move_at") +
           ", " + micros_of("opened_at") + ", " + micros_of("closed_at") +
           ", close_reason, realized_pnl::text, fees::text FROM positions ";
}

position_record read_row(const pqxx::row& r) {
    position_record p;
    p.id = r[0].as<std::int64_t>();
    p.version = r[1].as<std::int32_t>();
    p.exchange = core::parse_exchange(r[2].c_str()).value_or(core::exchange_id::binance);
    p.symbol = core::symbol::from_string(r[3].c_str());
    p.side = core::parse_position_side(r[4].c_str()).value_or(core::position_side::long_);
    p.mode = core::parse_mode(r[5].c_str()).value_or(core::mode::test);
    p.state = parse_position_state(r[6].c_str()).value_or(position_state::failed);
    if (!r[7].is_null()) {
        p.signal_id = r[7].as<std::int64_t>();
    }
    p.quantity = detail::decimal_of(r[8]);
    p.entry_price = opt_decimal(r[9]);
    p.exit_price = opt_decimal(r[10]);
    p.leverage = detail::decimal_of(r[11]);
    p.stop_price = opt_decimal(r[12]);
    p.stop_order_id = opt_text(r[13]);
    p.stop_client_order_id = opt_text(r[14]);
    p.trailing_activated = r[15].as<bool>();
    p.trailing_activated_at = opt_time(r[16]);
    p.trailing_peak_price = opt_decimal(r[17]);
    p.trailing_last_move_at = opt_time(r[18]);
    p.opened_at = opt_time(r[19]);
    p.closed_at = opt_time(r[20]);
    p.close_reason = opt_text(r[21]);
    p.realized_pnl = opt_decimal(r[22]);
    p.fees = detail::decimal_of(r[23]);
    return p;
}

// ", column = <literal>" for every member of `u` that is set.
std::string set_clause(pqxx::transaction_base& tx, const position_update& u) {
    std::string out;
    auto num = [&](const char* col, const std::optional<core::decimal>& v) {
        if (v) out += std::string{", "} + col + " = " + tx.quote(v->to_string()) + "::numeric";
    };
    auto text = [&](const char* col, const std::optional<std::string>& v) {
        if (v) out += std::string{", "} + col + " = " + tx.quote(*v);
    };
    auto time = [&](const char* col, const std::optional<time_point>& v) {
        if (v) out += std::string{", "} + col + " = " + detail::ts_literal(*v);
    };
    num("qty", u.quantity);
    num("entry_price", u.entry_price);
    num("exit_price", u.exit_price);
    num("stop_price", u.stop_price);
    text("stop_order_id", u.stop_order_id);
    text("stop_client_order_id", u.stop_client_order_id);
    if (u.trailing_activated) {
        out += std::string{", trailing_activated = "} + (*u.trailing_activated ? "true" : "false");
    }
    time("trailing_activated_at", u.trailing_activated_at);
    num("trailing_peak_price", u.trailing_peak_price);
    time("trailing_last_move_at", u.trailing_last_move_at);
    time("opened_at", u.opened_at);
    time("closed_at", u.closed_at);
    text("close_reason", u.close_reason);
    num("realized_pnl", u.realized_pnl);
    num("fees", u.fees);
    return out;
}

// The pending_entry insert, parameters $1..$6 as pending_params() gives them, the id `id` (an
// expression), written if `condition` holds. An absent signal id goes in as '' and NULLIF makes it
// NULL: one statement shape.
std::string insert_pending_sql(std::string_view id, std::string_view condition) {
    return "INSERT INTO positions (id, exchange, symbol, side, mode, state, signal_id, leverage) SELECT " +
           std::string{id} + ", $1, $2, $3, $4, 'pending_entry', NULLIF($5, '')::bigint, $6::numeric WHERE " +
           std::string{condition} + " RETURNING id";
}

auto pending_params(const new_position& p) {
    return std::make_tuple(std::string{core::to_string(p.exchange)}, p.symbol.str(),
                           std::string{core::to_string(p.side)}, std::string{core::to_string(p.mode)},
                           p.signal_id ? std::to_string(*p.signal_id) : std::string{}, p.leverage.to_string());
}

std::int64_t insert_pending(pqxx::transaction_base& tx, const new_position& p) {
    const auto [exchange, symbol, side, mode, signal, leverage] = pending_params(p);
    static const std::string sql = insert_pending_sql("nextval(pg_get_serial_sequence('positions', 'id'))", "true");
    const auto r = detail::exec_prepared(tx, "positions_insert_pending", sql, exchange, symbol, side, mode, signal,
                                         leverage);
    return r[0][0].as<std::int64_t>();
}

// The same with a reserved id, the transaction's commit made asynchronous.
std::int64_t insert_pending_async(pqxx::transaction_base& tx, const new_position& p, std::int64_t id) {
    const auto [exchange, symbol, side, mode, signal, leverage] = pending_params(p);
    static const std::string sql = insert_pending_sql("$7::bigint", detail::async_commit_condition);
    const auto r = detail::exec_prepared(tx, "positions_insert_pending_async", sql, exchange, symbol, side, mode,
                                         signal, leverage, id);
    return r[0][0].as<std::int64_t>();
}

std::optional<std::int32_t> update_state(pqxx::transaction_base& tx, std::int64_t id, std::int32_t expected_version,
                                         position_state state, const position_update& u) {
    const std::string from = u.async_commit ? " FROM" + detail::async_commit : std::string{};
    const std::string sql = "UPDATE positions SET state = " + tx.quote(std::string{to_string(state)}) +
                            ", version = version + 1" + set_clause(tx, u) + from + " WHERE id = " + std::to_string(id) +
                            " AND version = " + std::to_string(expected_version) + " RETURNING version";
    const auto r = tx.exec(sql);
    if (r.empty()) {
        return std::nullopt;
    }
    return r[0][0].as<std::int32_t>();
}

// The unique live index turned into errc::already_live.
template <class T>
result<T> live_conflict(result<T> r) {
    if (!r && r.error().code == make_error_code(errc::unique_violation) &&
        r.error().message.find("positions_one_live_per_symbol") != std::string::npos) {
        return error{errc::already_live, std::move(r.error().message), std::move(r.error().sqlstate)};
    }
    return r;
}

// Reserved ahead and handed out in order; 64 left starts the next block's reservation.
constexpr std::size_t id_block = 256;
constexpr std::size_t id_low_water = 64;

}  // namespace

// Position ids taken from the sequence ahead of need. The reserving statement commits
// synchronously, and flushing its commit record flushes the sequence's WAL before it: after any
// crash the sequence continues above every id reserved here, so an id whose asynchronously
// committed row was lost is never handed out again. `ids` is touched only on the DB thread.
struct position_repository::id_reserve {
    std::deque<std::int64_t> ids;
    std::atomic<std::size_t> left{0};
    std::atomic<bool> topping_up{false};

    void reserve(pqxx::transaction_base& tx) {
        // txid_current() gives the statement a transaction id, so its commit writes (and, with
        // synchronous_commit on whatever the server default, waits for) a flushed commit record.
        // It is selected: an unused stable column of the subquery would be planned away.
        static const std::string sql =
            "SELECT nextval(pg_get_serial_sequence('positions', 'id')), flushed.xid FROM generate_series(1, $1), "
            "(SELECT set_config('synchronous_commit', 'on', true) AS sync, txid_current() AS xid) AS flushed";
        const auto r = detail::exec_prepared(tx, "positions_reserve_ids", sql, static_cast<std::int64_t>(id_block));
        std::vector<std::int64_t> got;
        got.reserve(r.size());
        for (const auto& row : r) {
            got.push_back(row[0].as<std::int64_t>());
        }
        std::sort(got.begin(), got.end());
        ids.insert(ids.end(), got.begin(), got.end());
        left = ids.size();
    }

    std::int64_t take(pqxx::transaction_base& tx) {
        if (ids.empty()) {
            reserve(tx);
        }
        return *take_reserved();
    }

    // Without reserving: for a transaction that may roll back, which would leave a reservation
    // made inside it unflushed.
    std::optional<std::int64_t> take_reserved() {
        if (ids.empty()) {
            return std::nullopt;
        }
        const auto id = ids.front();
        ids.pop_front();
        left = ids.size();
        return id;
    }
};

position_repository::position_repository(database& db) : db_{db}, ids_{std::make_shared<id_reserve>()} {}

position_repository::~position_repository() = default;

std::size_t position_repository::reserved_ids() const noexcept { return ids_->left.load(); }

void position_repository::reserve_ids_ahead() {
    if (ids_->left.load() >= id_low_water || ids_->topping_up.exchange(true)) {
        return;
    }
    db_.post([ids = ids_](pqxx::connection_base& conn) {
        struct done {
            id_reserve& r;
            ~done() { r.topping_up = false; }
        } guard{*ids};
        if (ids->left.load() < id_low_water) {
            pqxx::nontransaction tx{conn};
            ids->reserve(tx);
        }
    });
}

boost::asio::awaitable<result<std::int64_t>> position_repository::create_pending(new_position p) {
    auto job = [p = std::move(p)](pqxx::transaction_base& tx) { return insert_pending(tx, p); };
    co_return live_conflict(co_await execute(db_, std::move(job)));
}

boost::asio::awaitable<result<position_repository::pending_entry>> position_repository::create_pending_with_entry(
    new_position p, order_record entry) {
    const auto signal_id = p.signal_id;
    auto job = [p = std::move(p), entry = std::move(entry), ids = ids_](pqxx::transaction_base& tx) {
        // The signal is claimed for its owner in the same statement, with the guard of a read
        // claim: the rows (and so the order) exist only if the signal was still new and nobody
        // else's. The claim, like the rows, commits asynchronously (docs/ARCHITECTURE.md §4a).
        static const std::string sql =
            "WITH c AS (UPDATE signals SET claimed_by = $17 WHERE id = NULLIF($5, '')::bigint AND status = 'new' "
            "AND (claimed_by IS NULL OR claimed_by = $17) RETURNING id), "
            "p AS (" + insert_pending_sql("$16::bigint", "$5 = '' OR EXISTS (SELECT 1 FROM c)") + ") " +
            detail::insert_columns +
            "SELECT p.id, $1, $2, $4, $7, $8, $9, $10, $11::numeric, $12::numeric, $13::numeric, $14, "
            "'pending', 0, $15 FROM p," +
            detail::async_commit + "RETURNING id";
        // The id is known before the statement, and with it the client id.
        pending_entry out;
        out.position_id = ids->take(tx);
        out.client_id = core::client_order_id{out.position_id, entry.purpose, 0, entry.mode == core::mode::test};
        // The order row's exchange, symbol and mode are the position's ($1, $2, $4).
        const auto [exchange, symbol, position_side, mode, signal, leverage] = pending_params(p);
        const auto [position, order_exchange, order_symbol, order_mode, purpose, side, type, qty, price, stop,
                    reduce_only, algo_id] = detail::insert_params(entry);
        const auto r = detail::exec_prepared(tx, "positions_insert_pending_with_entry", sql, exchange, symbol,
                                             position_side, mode, signal, leverage, out.client_id.str(), purpose,
                                             side, type, qty, detail::c_or_null(price), detail::c_or_null(stop),
                                             reduce_only, detail::c_or_null(algo_id), out.position_id,
                                             p.signal_owner);
        if (r.empty()) {
            return std::optional<pending_entry>{};  // the claim did not hold: nothing written
        }
        out.journal_id = r[0][0].as<std::int64_t>();
        return std::optional<pending_entry>{out};
    };
    auto r = live_conflict(co_await execute(db_, std::move(job)));
    reserve_ids_ahead();
    if (!r) {
        co_return r.error();
    }
    if (!*r) {
        co_return error{errc::signal_taken, "signal " + std::to_string(signal_id.value_or(0)) +
                                                " was decided or claimed by another before this entry"};
    }
    co_return **r;
}

boost::asio::awaitable<result<std::pair<std::int64_t, std::int32_t>>> position_repository::create_found(
    new_position p, position_state state, position_update u) {
    // With a reserved id the adoption commits asynchronously, like an entry: a row lost in a crash
    // is adopted again from the venue at the next start, and its id is never handed out again.
    // Without one (the reserve is not refilled inside this transaction) it commits synchronously.
    auto job = [p = std::move(p), state, u = std::move(u), ids = ids_](pqxx::work& tx) {
        const auto reserved = ids->take_reserved();
        const auto id = reserved ? insert_pending_async(tx, p, *reserved) : insert_pending(tx, p);
        return std::make_pair(id, update_state(tx, id, 0, state, u).value_or(0));
    };
    auto r = live_conflict(co_await transact(db_, std::move(job)));
    reserve_ids_ahead();
    co_return r;
}

boost::asio::awaitable<result<std::int32_t>> position_repository::transition(std::int64_t id,
                                                                             std::int32_t expected_version,
                                                                             position_state state, position_update u) {
    // Bumped before and after: a PnL read that overlaps this write is not taken as current.
    const bool pnl_changes = u.realized_pnl || u.closed_at || state == position_state::closed;
    if (pnl_changes) {
        ++pnl_generation_;
    }
    auto job = [id, expected_version, state, u = std::move(u)](pqxx::transaction_base& tx) {
        return update_state(tx, id, expected_version, state, u);
    };
    auto r = co_await execute(db_, std::move(job));
    if (pnl_changes) {
        ++pnl_generation_;
    }
    if (!r) {
        co_return r.error();
    }
    if (!*r) {
        co_return error{errc::stale_version, "position " + std::to_string(id) + " is not at version " +
                                                 std::to_string(expected_version)};
    }
    co_return **r;
}

boost::asio::awaitable<result<std::vector<position_record>>> position_repository::load_live(core::mode mode) {
    auto job = [mode_text = std::string{core::to_string(mode)}](pqxx::work& tx) {
        std::vector<position_record> out;
        for (const auto& row : tx.exec_params(select_columns() +
                                                  "WHERE mode = $1 AND state NOT IN ('closed', 'failed') ORDER BY id",
                                              mode_text)) {
            out.push_back(read_row(row));
        }
        return out;
    };
    co_return co_await transact(db_, std::move(job));
}

boost::asio::awaitable<result<std::vector<position_record>>> position_repository::find(std::int64_t id) {
    auto job = [id](pqxx::work& tx) {
        std::vector<position_record> out;
        for (const auto& row : tx.exec_params(select_columns() + "WHERE id = $1", id)) {
            out.push_back(read_row(row));
        }
        return out;
    };
    co_return co_await transact(db_, std::move(job));
}

boost::asio::awaitable<result<core::decimal>> position_repository::realized_pnl_since(time_point since,
                                                                                       core::mode mode) {
    auto job = [since, mode_text = std::string{core::to_string(mode)}](pqxx::transaction_base& tx) {
        const auto r = tx.exec_params("SELECT coalesce(sum(realized_pnl), 0)::text FROM positions "
                                      "WHERE mode = $1 AND closed_at >= " +
                                          detail::ts_literal(since),
                                      mode_text);
        return detail::decimal_of(r[0][0]);
    };
    co_return co_await execute(db_, std::move(job));
}


boost::asio::awaitable<result<std::map<core::exchange_id, std::int64_t>>> position_repository::count_live_by_exchange(
    core::mode mode) {
    auto job = [mode_text = std::string{core::to_string(mode)}](pqxx::work& tx) {
        std::map<core::exchange_id, std::int64_t> out;
        for (const auto& row : tx.exec_params("SELECT exchange, count(*) FROM positions "
                                              "WHERE mode = $1 AND state NOT IN ('closed', 'failed') GROUP BY exchange",
                                              mode_text)) {
            // The CHECK on positions.exchange admits only names parse_exchange knows.
            if (const auto venue = core::parse_exchange(row[0].c_str())) {
                out[*venue] = row[1].as<std::int64_t>();
            }
        }
        return out;
    };
    co_return co_await transact(db_, std::move(job));
}

}  // namespace tradebot::db
