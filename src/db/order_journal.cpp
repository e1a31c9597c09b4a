#include "tradebot/db/order_journal.hpp"

#include <string>
#include <utility>

#include "db/order_rows.hpp"
#include "db/sql_values.hpp"
#include "tradebot/db/transaction.hpp"

namespace tradebot::db {

namespace {

using detail::c_or_null;
using detail::opt_numeric_text;

// Journal writes are not waited on for durability (see the class comment): a crash can lose the
// last of them, and the restart recovers each such order from the venue by its client id, which
// is derived again from durable state. An fsync per order would sit on the signal -> order path.
using detail::async_commit;

// The order of the states an order passes through, terminal ones last (absent from the array):
// a report never moves a row backwards, and a terminal row is final.
const std::string open_states = "ARRAY['pending', 'sent', 'unknown', 'new', 'partially_filled', 'triggered']";

using detail::insert_columns;
using detail::insert_params;

// Applies `u` to the row `where` selects ($1) unless that would move it backwards (REST answers
// and stream reports race) or the row is final; one statement, which takes the row lock itself.
std::optional<order_record> advance(pqxx::transaction_base& tx, const std::string& where, const std::string& key,
                                    const order_update& u) {
    const auto filled = opt_numeric_text(u.filled_quantity);
    const auto avg = opt_numeric_text(u.average_price);
    const auto r = tx.exec_params(
        "UPDATE orders SET status = $2, "
        "sent_at = CASE WHEN $2 = 'pending' THEN sent_at ELSE coalesce(sent_at, now()) END, "
        "filled_qty = greatest(filled_qty, coalesce($3::numeric, filled_qty)), "
        "avg_price = coalesce($4::numeric, avg_price), venue_order_id = coalesce($5, venue_order_id), "
        "error_code = coalesce($6, error_code), error_message = coalesce($7, error_message), "
        "algo_id = coalesce($8, algo_id) FROM" + async_commit + "WHERE " + where +
            " AND array_position(" + open_states + ", status) IS NOT NULL"
            " AND coalesce(array_position(" + open_states + ", $2::text), 7) >= array_position(" + open_states +
            ", status) RETURNING " + detail::order_columns(),
        key, std::string{to_string(u.status)}, c_or_null(filled), c_or_null(avg), c_or_null(u.venue_order_id),
        c_or_null(u.error_code), c_or_null(u.error_message), c_or_null(u.algo_id));
    if (r.empty()) {
        return std::nullopt;
    }
    return detail::read_order(r[0]);
}

}  // namespace

boost::asio::awaitable<result<order_journal::journaled>> order_journal::insert_next_attempt(order_record o) {
    auto job = [o = std::move(o)](pqxx::transaction_base& tx) {
        // The client id is the attempt-less prefix and the attempt the statement counts.
        core::client_order_id id{o.position_id.value_or(0), o.purpose, 0, o.mode == core::mode::test};
        auto prefix = id.str();
        prefix.pop_back();
        const auto [position, exchange, symbol, mode, purpose, side, type, qty, price, stop, reduce_only, algo_id] =
            insert_params(o);
        static const std::string sql =
            insert_columns +
            "SELECT $1::bigint, $2, $3, $4, $13 || n.attempt, $5, $6, $7, $8::numeric, $9::numeric, "
            "$10::numeric, $11, 'pending', n.attempt, $12 FROM (SELECT coalesce(max(attempt) + 1, 0) AS attempt "
            "FROM orders WHERE position_id = $1::bigint AND purpose = $5 AND attempt < " +
            std::to_string(db::order_store::first_offline_attempt) + ") AS n," + async_commit +
            "RETURNING id, attempt";
        const auto r = detail::exec_prepared(tx, "orders_insert_next_attempt", sql,
            c_or_null(position), exchange, symbol, mode, purpose, side, type, qty, c_or_null(price), c_or_null(stop),
            reduce_only, c_or_null(algo_id), prefix);
        journaled j;
        j.id = r[0][0].as<std::int64_t>();
        id.attempt = static_cast<std::uint16_t>(r[0][1].as<int>());
        j.client_id = id;
        return j;
    };
    co_return co_await execute(db_, std::move(job));
}

boost::asio::awaitable<result<std::int64_t>> order_journal::insert_pending(order_record o) {
    if (o.client_order_id.empty()) {
        co_return error{errc::invalid_argument, "order_journal::insert_pending needs a client order id"};
    }
    auto job = [o = std::move(o)](pqxx::transaction_base& tx) {
        const auto [position, exchange, symbol, mode, purpose, side, type, qty, price, stop, reduce_only, algo_id] =
            insert_params(o);
        const auto r = tx.exec_params(
            insert_columns +
                "SELECT $1::bigint, $2, $3, $4, $13, $5, $6, $7, $8::numeric, $9::numeric, $10::numeric, $11, "
                "'pending', $14, $12 FROM" + async_commit + "RETURNING id",
            c_or_null(position), exchange, symbol, mode, purpose, side, type, qty, c_or_null(price), c_or_null(stop),
            reduce_only, c_or_null(algo_id), o.client_order_id, o.attempt);
        return r[0][0].as<std::int64_t>();
    };
    co_return co_await execute(db_, std::move(job));
}

boost::asio::awaitable<result<std::int64_t>> order_journal::insert_known(order_record o) {
    if (o.client_order_id.empty()) {
        co_return error{errc::invalid_argument, "order_journal::insert_known needs a client order id"};
    }
    auto job = [o = std::move(o)](pqxx::transaction_base& tx) {
        const auto [position, exchange, symbol, mode, purpose, side, type, qty, price, stop, reduce_only, algo_id] =
            insert_params(o);
        const auto filled = o.filled_quantity.is_zero() ? std::optional<std::string>{}
                                                        : std::optional{o.filled_quantity.to_string()};
        const auto avg = opt_numeric_text(o.average_price);
        const auto r = tx.exec_params(
            "INSERT INTO orders (position_id, exchange, symbol, mode, client_order_id, purpose, side, type, qty, "
            "price, stop_price, reduce_only, status, attempt, algo_id, venue_order_id, filled_qty, avg_price, "
            "sent_at, error_message) "
            "SELECT $1::bigint, $2, $3, $4, $13, $5, $6, $7, $8::numeric, $9::numeric, $10::numeric, $11, $15, "
            "$14, $12, $16, coalesce($17::numeric, 0), $18::numeric, now(), $19 FROM" + async_commit + "RETURNING id",
            c_or_null(position), exchange, symbol, mode, purpose, side, type, qty, c_or_null(price), c_or_null(stop),
            reduce_only, c_or_null(algo_id), o.client_order_id, o.attempt, std::string{to_string(o.status)},
            c_or_null(o.venue_order_id), c_or_null(filled), c_or_null(avg),
            c_or_null(o.error_message));
        return r[0][0].as<std::int64_t>();
    };
    co_return co_await execute(db_, std::move(job));
}

boost::asio::awaitable<result<void>> order_journal::update(std::int64_t id, order_update u) {
    auto job = [id, u = std::move(u)](pqxx::transaction_base& tx) { (void)advance(tx, "id = $1::bigint", std::to_string(id), u); };
    co_return co_await execute(db_, std::move(job));
}

boost::asio::awaitable<result<bool>> order_journal::mark_sent(std::int64_t id) {
    auto job = [id](pqxx::transaction_base& tx) {
        const auto r = tx.exec_params(
            "UPDATE orders SET status = CASE WHEN status = 'pending' THEN 'sent' ELSE status END, "
            "sent_at = coalesce(sent_at, now()) FROM" + async_commit + "WHERE id = $1 RETURNING id",
            id);
        return !r.empty();
    };
    co_return co_await execute(db_, std::move(job));
}

boost::asio::awaitable<result<int>> order_journal::end_open_stops(std::int64_t position_id, order_status status,
                                                                 std::string why, std::optional<std::int64_t> keep) {
    if (!is_terminal(status)) {
        co_return error{errc::invalid_argument, "order_journal::end_open_stops needs a terminal status"};
    }
    auto job = [position_id, status, why = std::move(why), keep](pqxx::transaction_base& tx) {
        const auto r = tx.exec_params(
            "UPDATE orders SET status = $2, error_message = coalesce(error_message, $3) FROM" + async_commit +
                "WHERE position_id = $1 AND purpose IN ('stop', 'trailing') "
                "AND status IN ('pending', 'sent', 'unknown', 'new', 'partially_filled') AND id <> $4",
            position_id, std::string{to_string(status)}, why, keep.value_or(0));
        return static_cast<int>(r.affected_rows());
    };
    co_return co_await execute(db_, std::move(job));
}

boost::asio::awaitable<result<std::optional<order_journal::venue_result>>> order_journal::update_from_venue(
    std::string client_order_id, order_update u) {
    auto job = [cid = std::move(client_order_id), u = std::move(u)](pqxx::work& tx) -> std::optional<venue_result> {
        if (auto moved = advance(tx, "client_order_id = $1", cid, u)) {
            return venue_result{std::move(*moved), true};
        }
        // Not moved: a final or further row (returned as it is), or no such order.
        const auto cur = tx.exec_params(detail::order_select() + "WHERE client_order_id = $1", cid);
        if (cur.empty()) {
            return std::nullopt;
        }
        return venue_result{detail::read_order(cur[0]), false};
    };
    co_return co_await transact(db_, std::move(job));
}

}  // namespace tradebot::db
