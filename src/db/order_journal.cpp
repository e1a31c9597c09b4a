// GCC 12 reports a false -Wmismatched-new-delete for the frames of coroutines (asio aligned_new).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include "tradebot/db/order_journal.hpp"

#include <string>
#include <utility>

#include "db/sql_values.hpp"
#include "tradebot/db/transaction.hpp"

namespace tradebot::db {

namespace {

std::string opt_numeric(const std::optional<core::decimal>& v) { return v ? v->to_string() : std::string{}; }

order_record read_order(const pqxx::row& r) {
    order_record o;
    o.id = r[0].as<std::int64_t>();
    if (!r[1].is_null()) {
        o.position_id = r[1].as<std::int64_t>();
    }
    o.exchange = core::parse_exchange(r[2].c_str()).value_or(core::exchange_id::binance);
    o.symbol = core::symbol::from_string(r[3].c_str());
    o.mode = core::parse_mode(r[4].c_str()).value_or(core::mode::test);
    o.client_order_id = r[5].as<std::string>();
    if (const auto id = core::client_order_id::parse(o.client_order_id)) {
        o.purpose = id->purpose;
        o.attempt = id->attempt;
    }
    o.side = core::parse_side(r[6].c_str()).value_or(core::side::buy);
    o.type = core::parse_order_type(r[7].c_str()).value_or(core::order_type::market);
    o.quantity = detail::decimal_of(r[8]);
    o.price = detail::opt_decimal(r[9]);
    o.stop_price = detail::opt_decimal(r[10]);
    o.reduce_only = r[11].as<bool>();
    o.status = parse_order_status(r[12].c_str()).value_or(order_status::unknown);
    o.venue_order_id = detail::opt_text(r[13]);
    o.filled_quantity = detail::decimal_of(r[14]);
    o.average_price = detail::opt_decimal(r[15]);
    return o;
}

constexpr const char* order_columns =
    "SELECT id, position_id, exchange, symbol, mode, client_order_id, side, type, qty::text, price::text, "
    "stop_price::text, reduce_only, status, venue_order_id, filled_qty::text, avg_price::text FROM orders ";

}  // namespace

boost::asio::awaitable<result<order_journal::journaled>> order_journal::insert_next_attempt(order_record o) {
    auto job = [o = std::move(o)](pqxx::work& tx) {
        // Durability of this row is not waited for (class comment): the client id can be derived
        // again from the position row after a crash.
        tx.exec("SET LOCAL synchronous_commit = off");
        const std::int64_t position = o.position_id.value_or(0);
        const std::string purpose{core::to_string(o.purpose)};
        const auto next = tx.exec_params(
            "SELECT coalesce(max(attempt) + 1, 0) FROM orders WHERE position_id = $1 AND purpose = $2", position,
            purpose);
        journaled j;
        j.client_id.position_id = position;
        j.client_id.purpose = o.purpose;
        j.client_id.attempt = static_cast<std::uint16_t>(next[0][0].as<int>());
        j.client_id.paper = o.mode == core::mode::test;
        const auto r = tx.exec_params(
            "INSERT INTO orders (position_id, exchange, symbol, mode, client_order_id, purpose, side, type, qty, price, "
            "stop_price, reduce_only, status, attempt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::numeric, "
            "NULLIF($10, '')::numeric, NULLIF($11, '')::numeric, $12, 'pending', $13) RETURNING id",
            position, std::string{core::to_string(o.exchange)}, o.symbol.str(), std::string{core::to_string(o.mode)},
            j.client_id.str(), purpose, std::string{core::to_string(o.side)}, std::string{core::to_string(o.type)},
            o.quantity.to_string(), opt_numeric(o.price), opt_numeric(o.stop_price), o.reduce_only,
            static_cast<int>(j.client_id.attempt));
        j.id = r[0][0].as<std::int64_t>();
        return j;
    };
    co_return co_await transact(db_, std::move(job));
}

boost::asio::awaitable<result<void>> order_journal::update(std::int64_t id, order_update u) {
    auto job = [id, u = std::move(u)](pqxx::work& tx) {
        tx.exec("SET LOCAL synchronous_commit = off");
        std::string sql = "UPDATE orders SET status = " + tx.quote(std::string{to_string(u.status)});
        if (u.status == order_status::sent) {
            sql += ", sent_at = now()";
        }
        if (u.filled_quantity) sql += ", filled_qty = " + tx.quote(u.filled_quantity->to_string()) + "::numeric";
        if (u.average_price) sql += ", avg_price = " + tx.quote(u.average_price->to_string()) + "::numeric";
        if (u.venue_order_id) sql += ", venue_order_id = " + tx.quote(*u.venue_order_id);
        if (u.error_code) sql += ", error_code = " + tx.quote(*u.error_code);
        if (u.error_message) sql += ", error_message = " + tx.quote(*u.error_message);
        sql += " WHERE id = " + std::to_string(id);
        tx.exec(sql);
    };
    co_return co_await transact(db_, std::move(job));
}

boost::asio::awaitable<result<std::vector<order_record>>> order_journal::unresolved(core::mode mode) {
    auto job = [mode_text = std::string{core::to_string(mode)}](pqxx::work& tx) {
        std::vector<order_record> out;
        for (const auto& row : tx.exec_params(std::string{order_columns} +
                                                  "WHERE mode = $1 AND status IN ('pending', 'sent', 'unknown') "
                                                  "ORDER BY id",
                                              mode_text)) {
            out.push_back(read_order(row));
        }
        return out;
    };
    co_return co_await transact(db_, std::move(job));
}

boost::asio::awaitable<result<std::vector<order_record>>> order_journal::for_position(std::int64_t position_id) {
    auto job = [position_id](pqxx::work& tx) {
        std::vector<order_record> out;
        for (const auto& row :
             tx.exec_params(std::string{order_columns} + "WHERE position_id = $1 ORDER BY id", position_id)) {
            out.push_back(read_order(row));
        }
        return out;
    };
    co_return co_await transact(db_, std::move(job));
}

}  // namespace tradebot::db
