#include "backtest/trade_ledger.hpp"

#include "backtest/replay_model.hpp"

namespace tradebot::backtest {

trade_ledger::trade_ledger(events::router& router, const strand_type& strand)
    : fills_{router.topic<events::order_update>(events::topic_name::order_update)
                 .subscribe(strand,
                            [this](const events::order_update& u) {
                                if (u.last_fill_quantity.is_positive()) {
                                    auto& f = open_fills_[{u.exchange, u.symbol}];
                                    f.fees += model::money(u.fee);
                                    ++f.count;
                                    f.last_ms = model::ms_of(u.exchange_ts);
                                }
                            })},
      lifecycle_{router.topic<events::position_event>(events::topic_name::position_event)
                     .subscribe(strand, [this](const events::position_event& e) {
                         if (e.kind == events::position_event_kind::closed) {
                             closed_fills_[e.position_id] = std::exchange(open_fills_[{e.exchange, e.symbol}], {});
                         }
                     })} {}

void trade_ledger::funding(core::exchange_id venue, const core::symbol& symbol, core::decimal amount) {
    open_fills_[{venue, symbol}].funding += amount;
}

std::vector<trade> trade_ledger::trades(const memory_positions& positions) {
    std::vector<trade> out;
    for (const auto& [id, row] : positions.rows) {
        if (row.state != db::position_state::closed || !row.entry_price || !row.exit_price || !row.opened_at) {
            continue;
        }
        trade t;
        t.position_id = id;
        t.signal_id = row.signal_id;
        t.exchange = row.exchange;
        t.symbol = row.symbol;
        t.side = row.side;
        t.entry_ms = model::ms_of(*row.opened_at);
        const auto& f = closed_fills_[id];
        // The exit fill's time: the core records a venue-side close only after its second read.
        t.exit_ms = f.count >= 2 ? f.last_ms : row.closed_at ? model::ms_of(*row.closed_at) : t.entry_ms;
        t.entry_price = *row.entry_price;
        t.exit_price = *row.exit_price;
        t.quantity = row.quantity;
        t.fees = f.fees;
        t.funding = f.funding;
        t.last_stop = row.stop_price;
        t.gross_pnl = model::money(row.realized_pnl.value_or(core::decimal{}));
        t.net_pnl = t.gross_pnl - t.fees + t.funding;
        t.core_reason = row.close_reason.value_or("unknown");
        t.exit_reason = model::exit_reason(t.core_reason, row.trailing_activated);
        out.push_back(std::move(t));
    }
    return out;
}

}  // namespace tradebot::backtest
