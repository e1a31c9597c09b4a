#pragma once

// Reading orders rows, shared by the journal's writes (RETURNING) and reads.

#include <optional>
#include <string>
#include <tuple>

#include <pqxx/pqxx>

#include "db/sql_values.hpp"
#include "tradebot/db/records.hpp"

namespace tradebot::db::detail {

inline const std::string insert_columns =
    "INSERT INTO orders (position_id, exchange, symbol, mode, client_order_id, purpose, side, type, qty, price, "
    "stop_price, reduce_only, status, attempt, algo_id) ";

// The parameters of an orders insert in insert_columns order, without the client id, the status
// and the attempt (which each insert sets its own way).
[[nodiscard]] inline auto insert_params(const order_record& o) {
    const auto position = o.position_id ? std::optional<std::string>{std::to_string(*o.position_id)} : std::nullopt;
    return std::make_tuple(position, std::string{core::to_string(o.exchange)}, o.symbol.str(),
                           std::string{core::to_string(o.mode)}, std::string{core::to_string(o.purpose)},
                           std::string{core::to_string(o.side)}, std::string{core::to_string(o.type)},
                           o.quantity.to_string(), opt_numeric_text(o.price), opt_numeric_text(o.stop_price),
                           o.reduce_only, o.algo_id);
}

// The column list read_order() expects (for SELECT and RETURNING).
[[nodiscard]] inline std::string order_columns() {
    return "id, position_id, exchange, symbol, mode, client_order_id, side, type, qty::text, price::text, "
           "stop_price::text, reduce_only, status, venue_order_id, filled_qty::text, avg_price::text, purpose, "
           "attempt, algo_id, error_code, error_message, " +
           micros_of("sent_at") + ", " + micros_of("created_at");
}

[[nodiscard]] inline std::string order_select() { return "SELECT " + order_columns() + " FROM orders "; }

// The CHECK constraints of the table admit only values the parsers know; the fallbacks are for a
// row edited by hand into something this build cannot name.
[[nodiscard]] inline order_record read_order(const pqxx::row& r) {
    order_record o;
    o.id = r[0].as<std::int64_t>();
    o.position_id = opt_int64(r[1]);
    o.exchange = core::parse_exchange(r[2].c_str()).value_or(core::exchange_id::binance);
    o.symbol = core::symbol::from_string(r[3].c_str());
    o.mode = core::parse_mode(r[4].c_str()).value_or(core::mode::test);
    o.client_order_id = r[5].as<std::string>();
    o.side = core::parse_side(r[6].c_str()).value_or(core::side::buy);
    o.type = core::parse_order_type(r[7].c_str()).value_or(core::order_type::market);
    o.quantity = decimal_of(r[8]);
    o.price = opt_decimal(r[9]);
    o.stop_price = opt_decimal(r[10]);
    o.reduce_only = r[11].as<bool>();
    o.status = parse_order_status(r[12].c_str()).value_or(order_status::unknown);
    o.venue_order_id = opt_text(r[13]);
    o.filled_quantity = decimal_of(r[14]);
    o.average_price = opt_decimal(r[15]);
    o.purpose = parse_order_purpose(r[16].c_str()).value_or(core::order_purpose::entry);
    o.attempt = r[17].as<int>();
    o.algo_id = opt_text(r[18]);
    o.error_code = opt_text(r[19]);
    o.error_message = opt_text(r[20]);
    o.sent_at = opt_time(r[21]);
    o.created_at = opt_time(r[22]);
    return o;
}

}  // namespace tradebot::db::detail
