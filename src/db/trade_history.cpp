#include "tradebot/db/trade_history.hpp"

#include <utility>

#include "db/sql_values.hpp"
#include "tradebot/db/transaction.hpp"

namespace tradebot::db {

boost::asio::awaitable<result<std::vector<closed_position_row>>> trade_history::closed_positions(history_filter f) {
    auto job = [f = std::move(f)](pqxx::work& tx) {
        std::string where = "p.mode = $1 AND p.state = 'closed' AND p.closed_at IS NOT NULL";
        if (f.since) {
            where += " AND p.closed_at >= " + detail::ts_literal(*f.since);
        }
        if (f.until) {
            where += " AND p.closed_at < " + detail::ts_literal(*f.until);
        }
        const std::optional<std::string> venue =
            f.exchange ? std::optional<std::string>{std::string{core::to_string(*f.exchange)}} : std::nullopt;
        if (venue) {
            where += " AND p.exchange = $2";
        }
        // Fees in another asset (BNB) are not USDT: left out rather than converted at a guess.
        const std::string sql =
            "SELECT p.id, p.exchange, p.symbol, p.side, p.qty::text, p.entry_price::text, p.exit_price::text, " +
            detail::micros_of("p.opened_at") + ", " + detail::micros_of("p.closed_at") +
            ", coalesce(p.close_reason, ''), coalesce(t.n, 0), "
            "CASE WHEN t.has_exit THEN t.pnl ELSE coalesce(p.realized_pnl, 0) END::text, "
            "CASE WHEN t.n > 0 THEN t.fees ELSE p.fees END::text "
            "FROM positions p LEFT JOIN LATERAL (SELECT count(*) AS n, sum(coalesce(x.realized_pnl, 0)) AS pnl, "
            "sum(CASE WHEN x.fee_asset IS NULL OR x.fee_asset = 'USDT' THEN x.fee ELSE 0 END) AS fees, "
            "bool_or(x.side = CASE p.side WHEN 'long' THEN 'sell' ELSE 'buy' END) AS has_exit "
            "FROM trades x WHERE x.position_id = p.id) t ON true WHERE " +
            where + " ORDER BY p.closed_at, p.id";
        const auto mode = std::string{core::to_string(f.mode)};
        const auto rows = venue ? tx.exec_params(sql, mode, *venue) : tx.exec_params(sql, mode);
        std::vector<closed_position_row> out;
        for (const auto& r : rows) {
            closed_position_row c;
            c.id = r[0].as<std::int64_t>();
            c.exchange = core::parse_exchange(r[1].c_str()).value_or(core::exchange_id::binance);
            c.symbol = core::symbol::from_string(r[2].c_str());
            c.side = core::parse_position_side(r[3].c_str()).value_or(core::position_side::long_);
            c.quantity = detail::decimal_of(r[4]);
            c.entry_price = detail::opt_decimal(r[5]);
            c.exit_price = detail::opt_decimal(r[6]);
            c.opened_at = detail::opt_time(r[7]);
            c.closed_at = detail::from_micros(r[8].as<std::int64_t>());
            c.close_reason = r[9].as<std::string>();
            c.fills = r[10].as<int>();
            c.gross_pnl = detail::decimal_of(r[11]);
            c.fees = detail::decimal_of(r[12]);
            out.push_back(std::move(c));
        }
        return out;
    };
    co_return co_await transact(db_, std::move(job));
}

}  // namespace tradebot::db
