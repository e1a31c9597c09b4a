#include "sim/engine/liquidator.hpp"

#include <utility>
#include <vector>

#include "sim/engine/money.hpp"

namespace tradebot::sim::engine {

liquidator::liquidator(engine_context& ctx, const market_table& markets, account_book& accounts, order_book& orders,
                       conditional_book& conditionals)
    : ctx_{ctx}, markets_{markets}, accounts_{accounts}, orders_{orders}, conditionals_{conditionals} {}

void liquidator::run() {
    for (auto& [id, acc] : accounts_.all()) {
        core::decimal cross_balance = acc.wallet_balance();
        core::decimal cross_maintenance;
        std::vector<core::symbol> cross_symbols;
        std::vector<core::symbol> isolated_hits;
        for (const auto& [sym, p] : acc.positions()) {
            if (p.is_flat()) {
                continue;
            }
            const auto* st = markets_.find(sym);
            const core::decimal mark = markets_.mark_of(sym, p.entry_price());
            const core::decimal mm = p.maintenance_margin(mark, st->spec.maintenance_margin_rate);
            if (acc.margin(sym) == margin_mode::isolated) {
                cross_balance -= p.isolated_margin();
                if (p.isolated_margin() + p.unrealized_pnl(mark) < mm) {
                    isolated_hits.push_back(sym);
                }
            } else {
                cross_balance += p.unrealized_pnl(mark);
                cross_maintenance += mm;
                cross_symbols.push_back(sym);
            }
        }
        for (const auto& sym : isolated_hits) {
            liquidate(acc, sym, margin_mode::isolated);
        }
        if (!cross_symbols.empty() && cross_balance < cross_maintenance) {
            for (const auto& sym : cross_symbols) {
                liquidate(acc, sym, margin_mode::cross);
            }
        }
    }
}

void liquidator::liquidate(account& acc, const core::symbol& s, margin_mode mode) {
    const auto* p = acc.find_position(s);
    if (p == nullptr || p->is_flat()) {
        return;
    }
    const core::decimal size = p->size();
    const core::decimal isolated_margin = p->isolated_margin();
    const core::decimal wallet_before = acc.wallet_balance();
    // The venue cancels the account's orders on the symbol before taking the position over.
    orders_.cancel_all(acc.id(), s);
    conditionals_.cancel_all(acc.id(), s);
    const core::decimal mark = markets_.mark_of(s, p->entry_price());
    order o = orders_.new_market(acc.id(), s, size.is_positive() ? core::side::sell : core::side::buy, size.abs(),
                                 order_origin::liquidation);
    o.reduce_only = true;
    o.close_position = true;
    order& stored = orders_.submit(std::move(o));
    // Simplification: the position is taken over at the mark price with no liquidation fee;
    // a loss beyond the position's margin (isolated) or the wallet (cross) is absorbed by the
    // insurance fund.
    orders_.execute(stored, stored.qty, mark, liquidity::taker);
    const core::decimal floor = mode == margin_mode::isolated ? money(wallet_before - isolated_margin) : core::decimal{};
    if (acc.wallet_balance() < floor) {
        const core::decimal refund = money(floor - acc.wallet_balance());
        acc.credit(refund);
        accounts_.emit_balance(acc, refund, "INSURANCE_CLEAR");
    }
    ctx_.emit(liquidation_event{ctx_.now(), acc.id(), s, size, mark, stored.realized_pnl, mode});
}

}  // namespace tradebot::sim::engine
