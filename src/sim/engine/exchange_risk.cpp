#include <algorithm>

#include "sim/engine/money.hpp"
#include "tradebot/sim/engine/exchange.hpp"

namespace tradebot::sim::engine {

void exchange::settle_funding(symbol_state& st, time_point at) {
    if (!st.prices || !st.prices->valid() || st.funding_rate.is_zero()) {
        return;
    }
    const core::decimal mark = st.prices->mark;
    for (auto& [id, acc] : accounts_) {
        const auto* p = acc.find_position(st.spec.symbol);
        if (p == nullptr || p->is_flat()) {
            continue;
        }
        // Longs pay shorts when the rate is positive: wallet change = -size * mark * rate.
        const core::decimal amount = money(-(p->size() * mark * st.funding_rate));
        acc.credit(amount);
        events_.emplace_back(funding_event{at, acc.id(), st.spec.symbol, st.funding_rate, mark, p->size(), amount});
        events_.emplace_back(
            balance_event{at, acc.id(), acc.settlement_asset(), acc.wallet_balance(), amount, "FUNDING_FEE"});
    }
}

void exchange::run_liquidations() {
    for (auto& [id, acc] : accounts_) {
        core::decimal cross_balance = acc.wallet_balance();
        core::decimal cross_maintenance;
        std::vector<core::symbol> cross_symbols;
        std::vector<core::symbol> isolated_hits;
        for (const auto& [sym, p] : acc.positions()) {
            if (p.is_flat()) {
                continue;
            }
            const auto* st = find_symbol(sym);
            const core::decimal mark = mark_of(sym, p.entry_price());
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

void exchange::liquidate(account& acc, const core::symbol& s, margin_mode mode) {
    const auto* p = acc.find_position(s);
    if (p == nullptr || p->is_flat()) {
        return;
    }
    const core::decimal size = p->size();
    const core::decimal isolated_margin = p->isolated_margin();
    const core::decimal wallet_before = acc.wallet_balance();
    // The venue cancels the account's orders on the symbol before taking the position over.
    cancel_all_orders(acc.id(), s);
    cancel_all_conditionals(acc.id(), s);
    const core::decimal mark = mark_of(s, p->entry_price());
    order o;
    o.id = next_id();
    o.account = acc.id();
    o.symbol = s;
    o.side = size.is_positive() ? core::side::sell : core::side::buy;
    o.type = core::order_type::market;
    o.tif = time_in_force::ioc;
    o.qty = size.abs();
    o.reduce_only = true;
    o.close_position = true;
    o.origin = order_origin::liquidation;
    o.created = o.updated = now();
    order& stored = store_order(std::move(o));
    events_.emplace_back(order_event{now(), stored});
    // Simplification: the position is taken over at the mark price with no liquidation fee;
    // a loss beyond the position's margin (isolated) or the wallet (cross) is absorbed by the
    // insurance fund.
    execute(stored, stored.qty, mark, liquidity::taker);
    const core::decimal floor = mode == margin_mode::isolated ? money(wallet_before - isolated_margin) : core::decimal{};
    if (acc.wallet_balance() < floor) {
        const core::decimal refund = money(floor - acc.wallet_balance());
        acc.credit(refund);
        emit_balance(acc, refund, "INSURANCE_CLEAR");
    }
    events_.emplace_back(liquidation_event{now(), acc.id(), s, size, mark, stored.realized_pnl, mode});
}

core::decimal exchange::cross_part(const core::symbol& sym, const engine::position& q) const {
    const core::decimal mark = mark_of(sym, q.entry_price());
    return q.unrealized_pnl(mark) - q.maintenance_margin(mark, find_symbol(sym)->spec.maintenance_margin_rate);
}

core::decimal exchange::cross_backing(const account& acc) const {
    core::decimal backing = acc.wallet_balance();
    for (const auto& [sym, q] : acc.positions()) {
        if (q.is_flat()) {
            continue;
        }
        if (acc.margin(sym) == margin_mode::isolated) {
            backing -= q.isolated_margin();
        } else {
            backing += cross_part(sym, q);
        }
    }
    return backing;
}

core::decimal exchange::liquidation_price(const account& acc, const engine::position& p,
                                          std::optional<core::decimal> cross_total) const {
    if (p.is_flat()) {
        return {};
    }
    const auto* st = find_symbol(p.symbol());
    const core::decimal mmr = st->spec.maintenance_margin_rate;
    core::decimal backing;  // what stands behind this position apart from its own uPnL
    if (acc.margin(p.symbol()) == margin_mode::isolated) {
        backing = p.isolated_margin();
    } else {
        // Exact decimals: the total less this position's part is the sum over the others.
        backing = (cross_total ? *cross_total : cross_backing(acc)) - cross_part(p.symbol(), p);
    }
    // Solve backing + size * (P - entry) = |size| * P * mmr for P.
    const core::decimal numerator = money(p.size() * p.entry_price() - backing);
    const core::decimal denominator = p.size() - p.abs_size() * mmr;
    if (denominator.is_zero()) {
        return {};
    }
    const core::decimal price = numerator.divide(denominator, money_scale, core::rounding::half_even).normalized();
    return price.is_positive() ? price : core::decimal{};
}

position_view exchange::view_of(const account& acc, const engine::position& p,
                                std::optional<core::decimal> cross_total) const {
    const auto* st = find_symbol(p.symbol());
    position_view v;
    v.symbol = p.symbol();
    v.size = p.size();
    v.entry_price = p.entry_price();
    v.mark_price = mark_of(p.symbol(), p.entry_price());
    v.leverage = acc.leverage(p.symbol());
    v.mode = acc.margin(p.symbol());
    v.unrealized_pnl = p.unrealized_pnl(v.mark_price);
    v.notional = money(p.size() * v.mark_price);
    v.initial_margin = p.initial_margin(v.mark_price, v.leverage);
    v.maintenance_margin = st ? p.maintenance_margin(v.mark_price, st->spec.maintenance_margin_rate) : core::decimal{};
    v.liquidation_price = st ? liquidation_price(acc, p, cross_total) : core::decimal{};
    v.cumulative_realized_pnl = p.cumulative_realized_pnl();
    v.isolated_margin = p.isolated_margin();
    if (const auto* ts = acc.find_trading_stop(p.symbol())) {
        v.stop = *ts;
    }
    return v;
}

}  // namespace tradebot::sim::engine
