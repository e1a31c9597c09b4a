// GCC 12 reports a false -Wmismatched-new-delete for the frames of coroutines (asio aligned_new).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

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
void skip_fsync(pqxx::work& tx) { tx.exec("SET LOCAL synchronous_commit = off"); }

// Order of the states an order passes through; a report never moves a row backwards.
int progress(order_status s) noexcept {
    switch (s) {
        case order_status::pending: return 0;
        case order_status::sent: return 1;
        case order_status::unknown: return 2;
        case order_status::new_: return 3;
        case order_status::partially_filled: return 4;
        case order_status::triggered: return 5;
        case order_status::filled:
        case order_status::canceled:
        case order_status::rejected:
        case order_status::expired: return 6;
    }
    return 0;
}

std::int64_t insert_row(pqxx::work& tx, const order_record& o, const std::string& client_id, int attempt) {
    const auto position = o.position_id ? std::optional<std::string>{std::to_string(*o.position_id)} : std::nullopt;
    const auto price = opt_numeric_text(o.price);
    const auto stop = opt_numeric_text(o.stop_price);
    const auto r = tx.exec_params(
        "INSERT INTO orders (position_id, exchange, symbol, mode, client_order_id, purpose, side, type, qty, price, "
        "stop_price, reduce_only, status, attempt, algo_id) VALUES ($1::bigint, $2, $3, $4, $5, $6, $7, $8, "
        "$9::numeric, $10::numeric, $11::numeric, $12, 'pending', $13, $14) RETURNING id",
        c_or_null(position), std::string{core::to_string(o.exchange)}, o.symbol.str(),
        std::string{core::to_string(o.mode)}, client_id, std::string{core::to_string(o.purpose)},
        std::string{core::to_string(o.side)}, std::string{core::to_string(o.type)}, o.quantity.to_string(),
        c_or_null(price), c_or_null(stop), o.reduce_only, attempt, c_or_null(o.algo_id));
    return r[0][0].as<std::int64_t>();
}

// Applies `u` to the locked row `current` unless it would move the row backwards (REST answers
// and stream reports race) or the row is final already.
order_journal::venue_result advance(pqxx::work& tx, order_record current, const order_update& u) {
    order_journal::venue_result out{std::move(current), false};
    if (is_terminal(out.order.status) || progress(u.status) < progress(out.order.status)) {
        return out;
    }
    const auto filled = opt_numeric_text(u.filled_quantity);
    const auto avg = opt_numeric_text(u.average_price);
    const auto r = tx.exec_params(
        "UPDATE orders SET status = $2, "
        "sent_at = CASE WHEN $2 = 'pending' THEN sent_at ELSE coalesce(sent_at, now()) END, "
        "filled_qty = greatest(filled_qty, coalesce($3::numeric, filled_qty)), "
        "avg_price = coalesce($4::numeric, avg_price), venue_order_id = coalesce($5, venue_order_id), "
        "error_code = coalesce($6, error_code), error_message = coalesce($7, error_message), "
        "algo_id = coalesce($8, algo_id) WHERE id = $1 RETURNING " +
            detail::order_columns(),
        out.order.id, std::string{to_string(u.status)}, c_or_null(filled), c_or_null(avg),
        c_or_null(u.venue_order_id), c_or_null(u.error_code), c_or_null(u.error_message), c_or_null(u.algo_id));
    out.order = detail::read_order(r[0]);
    out.applied = true;
    return out;
}

}  // namespace

boost::asio::awaitable<result<order_journal::journaled>> order_journal::insert_next_attempt(order_record o) {
    auto job = [o = std::move(o)](pqxx::work& tx) {
        skip_fsync(tx);
        const std::int64_t position = o.position_id.value_or(0);
        const auto next = tx.exec_params(
            "SELECT coalesce(max(attempt) + 1, 0) FROM orders WHERE position_id = $1 AND purpose = $2", position,
            std::string{core::to_string(o.purpose)});
        journaled j;
        j.client_id.position_id = position;
        j.client_id.purpose = o.purpose;
        j.client_id.attempt = static_cast<std::uint16_t>(next[0][0].as<int>());
        j.client_id.paper = o.mode == core::mode::test;
        j.id = insert_row(tx, o, j.client_id.str(), static_cast<int>(j.client_id.attempt));
        return j;
    };
    co_return co_await transact(db_, std::move(job));
}

boost::asio::awaitable<result<std::int64_t>> order_journal::insert_pending(order_record o) {
    if (o.client_order_id.empty()) {
        co_return error{errc::invalid_argument, "order_journal::insert_pending needs a client order id"};
    }
    auto job = [o = std::move(o)](pqxx::work& tx) {
        skip_fsync(tx);
        return insert_row(tx, o, o.client_order_id, o.attempt);
    };
    co_return co_await transact(db_, std::move(job));
}

boost::asio::awaitable<result<void>> order_journal::update(std::int64_t id, order_update u) {
    auto job = [id, u = std::move(u)](pqxx::work& tx) {
        skip_fsync(tx);
        const auto cur = tx.exec_params(detail::order_select() + "WHERE id = $1 FOR UPDATE", id);
        if (!cur.empty()) {
            advance(tx, detail::read_order(cur[0]), u);
        }
    };
    co_return co_await transact(db_, std::move(job));
}

boost::asio::awaitable<result<bool>> order_journal::mark_sent(std::int64_t id) {
    auto job = [id](pqxx::work& tx) {
        skip_fsync(tx);
        const auto r = tx.exec_params(
            "UPDATE orders SET status = CASE WHEN status = 'pending' THEN 'sent' ELSE status END, "
            "sent_at = coalesce(sent_at, now()) WHERE id = $1 RETURNING id",
            id);
        return !r.empty();
    };
    co_return co_await transact(db_, std::move(job));
}

boost::asio::awaitable<result<int>> order_journal::end_open_stops(std::int64_t position_id, order_status status,
                                                                 std::string why, std::optional<std::int64_t> keep) {
    if (!is_terminal(status)) {
        co_return error{errc::invalid_argument, "order_journal::end_open_stops needs a terminal status"};
    }
    auto job = [position_id, status, why = std::move(why), keep](pqxx::work& tx) {
        skip_fsync(tx);
        const auto r = tx.exec_params(
            "UPDATE orders SET status = $2, error_message = coalesce(error_message, $3) "
            "WHERE position_id = $1 AND purpose IN ('stop', 'trailing') "
            "AND status IN ('pending', 'sent', 'unknown', 'new', 'partially_filled') AND id <> $4",
            position_id, std::string{to_string(status)}, why, keep.value_or(0));
        return static_cast<int>(r.affected_rows());
    };
    co_return co_await transact(db_, std::move(job));
}

boost::asio::awaitable<result<std::optional<order_journal::venue_result>>> order_journal::update_from_venue(
    std::string client_order_id, order_update u) {
    auto job = [cid = std::move(client_order_id), u = std::move(u)](pqxx::work& tx) -> std::optional<venue_result> {
        skip_fsync(tx);
        // The row lock orders this report against a concurrent one for the same order.
        const auto cur = tx.exec_params(detail::order_select() + "WHERE client_order_id = $1 FOR UPDATE", cid);
        if (cur.empty()) {
            return std::nullopt;
        }
        return advance(tx, detail::read_order(cur[0]), u);
    };
    co_return co_await transact(db_, std::move(job));
}

}  // namespace tradebot::db
