#include "tradebot/db/trade_repository.hpp"

#include <string>
#include <utility>

#include "db/sql_values.hpp"
#include "tradebot/db/transaction.hpp"

namespace tradebot::db {

namespace {

std::optional<std::string> id_text(const std::optional<std::int64_t>& id) {
    return id ? std::optional<std::string>{std::to_string(*id)} : std::nullopt;
}

}  // namespace

boost::asio::awaitable<result<bool>> trade_repository::insert_fill(trade_record t) {
    auto job = [t = std::move(t)](pqxx::work& tx) {
        const auto order = id_text(t.order_id);
        const auto position = id_text(t.position_id);
        const auto pnl = detail::opt_numeric_text(t.realized_pnl);
        const std::optional<std::string> maker =
            t.is_maker ? std::optional<std::string>{*t.is_maker ? "true" : "false"} : std::nullopt;
        const auto r = tx.exec_params(
            "INSERT INTO trades (order_id, position_id, exchange, symbol, mode, exchange_trade_id, side, qty, price, "
            "fee, fee_asset, realized_pnl, is_maker, ts) VALUES (coalesce($1::bigint, (SELECT id FROM orders WHERE "
            "client_order_id = $15)), $2::bigint, $3, $4, $5, $6, $7, "
            "$8::numeric, $9::numeric, $10::numeric, $11, $12::numeric, $13::boolean, " +
                detail::ts_param(14) +
                ") ON CONFLICT (exchange, mode, symbol, exchange_trade_id) DO NOTHING RETURNING id",
            detail::c_or_null(order), detail::c_or_null(position), std::string{core::to_string(t.exchange)},
            t.symbol.str(), std::string{core::to_string(t.mode)}, t.exchange_trade_id,
            std::string{core::to_string(t.side)}, t.quantity.to_string(), t.price.to_string(), t.fee.to_string(),
            detail::c_or_null(t.fee_asset), detail::c_or_null(pnl), detail::c_or_null(maker), detail::to_micros(t.ts),
            detail::c_or_null(t.client_order_id));
        return !r.empty();
    };
    // Bumped before and after: a PnL read that overlaps this write is not taken as current.
    ++pnl_generation_;
    auto r = co_await transact(db_, std::move(job));
    ++pnl_generation_;
    co_return r;
}

boost::asio::awaitable<result<core::decimal>> trade_repository::realized_pnl_since(time_point since, core::mode mode) {
    auto job = [since, mode_text = std::string{core::to_string(mode)}](pqxx::transaction_base& tx) {
        const auto from = detail::ts_literal(since);
        // Fees in another asset (BNB on Binance) are not USDT and are left out rather than guessed.
        const auto r = tx.exec_params(
            "SELECT (coalesce((SELECT sum(coalesce(realized_pnl, 0) - CASE WHEN fee_asset IS NULL OR "
            "fee_asset = 'USDT' THEN fee ELSE 0 END) FROM trades WHERE mode = $1 AND ts >= " + from +
                "), 0) + coalesce((SELECT sum(p.realized_pnl) FROM positions p WHERE p.mode = $1 AND p.closed_at >= " +
                from +
                " AND NOT EXISTS (SELECT 1 FROM trades t WHERE t.position_id = p.id AND t.side = CASE p.side WHEN "
                "'long' THEN 'sell' ELSE 'buy' END)), 0))::text",
            mode_text);
        return detail::decimal_of(r[0][0]);
    };
    co_return co_await execute(db_, std::move(job));
}

boost::asio::awaitable<result<std::vector<trade_record>>> trade_repository::for_position(std::int64_t position_id) {
    auto job = [position_id](pqxx::work& tx) {
        std::vector<trade_record> out;
        for (const auto& r : tx.exec_params(
                 "SELECT id, order_id, position_id, exchange, symbol, mode, exchange_trade_id, side, qty::text, "
                 "price::text, fee::text, fee_asset, realized_pnl::text, is_maker, " +
                     detail::micros_of("ts") + " FROM trades WHERE position_id = $1 ORDER BY ts, id",
                 position_id)) {
            trade_record t;
            t.id = r[0].as<std::int64_t>();
            t.order_id = detail::opt_int64(r[1]);
            t.position_id = detail::opt_int64(r[2]);
            t.exchange = core::parse_exchange(r[3].c_str()).value_or(core::exchange_id::binance);
            t.symbol = core::symbol::from_string(r[4].c_str());
            t.mode = core::parse_mode(r[5].c_str()).value_or(core::mode::test);
            t.exchange_trade_id = r[6].as<std::string>();
            t.side = core::parse_side(r[7].c_str()).value_or(core::side::buy);
            t.quantity = detail::decimal_of(r[8]);
            t.price = detail::decimal_of(r[9]);
            t.fee = detail::decimal_of(r[10]);
            t.fee_asset = detail::opt_text(r[11]);
            t.realized_pnl = detail::opt_decimal(r[12]);
            if (!r[13].is_null()) {
                t.is_maker = r[13].as<bool>();
            }
            t.ts = detail::from_micros(r[14].as<std::int64_t>());
            out.push_back(std::move(t));
        }
        return out;
    };
    co_return co_await transact(db_, std::move(job));
}

}  // namespace tradebot::db
