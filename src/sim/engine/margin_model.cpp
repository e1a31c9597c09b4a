#include "sim/engine/margin_model.hpp"

#include <algorithm>
#include <utility>

#include "sim/engine/money.hpp"
#include "tradebot/sim/engine/leverage_bracket.hpp"

namespace tradebot::sim::engine {

margin_model::margin_model(const market_table& markets, const account_book& accounts, const order_book& orders)
    : markets_{markets}, accounts_{accounts}, orders_{orders} {}

core::decimal margin_model::available_balance(const account& acc) const {
    core::decimal balance = acc.wallet_balance();
    for (const auto& [sym, p] : acc.positions()) {
        if (p.is_flat()) {
            continue;
        }
        const core::decimal mark = markets_.mark_of(sym, p.entry_price());
        if (acc.margin(sym) == margin_mode::isolated) {
            balance -= p.isolated_margin();
        } else {
            balance += p.unrealized_pnl(mark) - p.initial_margin(mark, acc.leverage(sym));
        }
    }
    balance = money(balance - orders_.open_order_margin(acc));
    return balance.is_negative() ? core::decimal{} : balance;
}

std::optional<rejection> margin_model::check_margin(const account& acc, const symbol_state& st, core::side side,
                                                    core::decimal qty, core::decimal price) const {
    const core::decimal closing = std::min(qty, acc.reducible(st.spec.symbol, side));
    const core::decimal opening = qty - closing;
    if (!opening.is_positive()) {
        return std::nullopt;
    }
    const core::decimal required =
        money((opening * price).divide(core::decimal::from_int(acc.leverage(st.spec.symbol)), money_scale,
                                       core::rounding::half_even) +
              qty * price * acc.fee_rate(liquidity::taker));
    core::decimal available = available_balance(acc);
    if (closing.is_positive()) {
        // The closed part gives its initial margin back before the new part takes margin.
        const auto& p = *acc.find_position(st.spec.symbol);
        const core::decimal mark = markets_.mark_of(st.spec.symbol, p.entry_price());
        available += (p.initial_margin(mark, acc.leverage(st.spec.symbol)) * closing)
                         .divide(p.abs_size(), money_scale, core::rounding::half_even);
    }
    if (required > available) {
        rejection r = reject(reject_reason::insufficient_margin);
        r.submitted = required;
        r.limit = available;
        return r;
    }
    // The bracket's notional cap at the symbol's leverage, on the position the order leaves;
    // checked after the margin [U: which of -2019 / -2027 the venue answers first].
    const core::decimal cap = max_notional_at(st.spec, acc.leverage(st.spec.symbol));
    if (cap.is_positive()) {
        core::decimal held;
        if (const auto* p = acc.find_position(st.spec.symbol); p != nullptr && closing.is_zero()) {
            held = p->abs_size();  // the same side: the order adds to it
        }
        if ((held + opening) * price > cap) {
            rejection r = reject(reject_reason::max_position_at_leverage);
            r.submitted = (held + opening) * price;
            r.limit = cap;
            return r;
        }
    }
    return std::nullopt;
}

std::optional<position_view> margin_model::position(const account_id& a, const core::symbol& s) const {
    const auto* acc = accounts_.find(a);
    if (acc == nullptr || !markets_.contains(s)) {
        return std::nullopt;
    }
    if (const auto* p = acc->find_position(s)) {
        return view_of(*acc, *p);
    }
    return view_of(*acc, engine::position{s});
}

std::optional<account_view> margin_model::account_state(const account_id& a) const {
    const auto* acc = accounts_.find(a);
    if (acc == nullptr) {
        return std::nullopt;
    }
    account_view v;
    v.id = acc->id();
    v.asset = acc->settlement_asset();
    v.wallet_balance = acc->wallet_balance();
    v.pos_mode = acc->pos_mode();
    const core::decimal cross_total = cross_backing(*acc);
    for (const auto& [sym, p] : acc->positions()) {
        if (p.is_flat()) {
            continue;
        }
        position_view pv = view_of(*acc, p, cross_total);
        v.unrealized_pnl += pv.unrealized_pnl;
        v.position_initial_margin += pv.initial_margin;
        v.maintenance_margin += pv.maintenance_margin;
        v.positions.push_back(std::move(pv));
    }
    v.unrealized_pnl = money(v.unrealized_pnl);
    v.margin_balance = money(v.wallet_balance + v.unrealized_pnl);
    v.open_order_initial_margin = orders_.open_order_margin(*acc);
    v.available_balance = available_balance(*acc);
    return v;
}

std::optional<core::decimal> margin_model::margin_balance(const account_id& a) const {
    const auto* acc = accounts_.find(a);
    if (acc == nullptr) {
        return std::nullopt;
    }
    core::decimal unrealized;
    for (const auto& [sym, p] : acc->positions()) {
        if (!p.is_flat()) {
            unrealized += p.unrealized_pnl(markets_.mark_of(sym, p.entry_price()));
        }
    }
    return money(acc->wallet_balance() + money(unrealized));
}

core::decimal margin_model::cross_part(const core::symbol& sym, const engine::position& q) const {
    const core::decimal mark = markets_.mark_of(sym, q.entry_price());
    return q.unrealized_pnl(mark) - q.maintenance_margin(mark, markets_.find(sym)->spec.maintenance_margin_rate);
}

core::decimal margin_model::cross_backing(const account& acc) const {
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

core::decimal margin_model::liquidation_price(const account& acc, const engine::position& p,
                                              std::optional<core::decimal> cross_total) const {
    if (p.is_flat()) {
        return {};
    }
    const auto* st = markets_.find(p.symbol());
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

position_view margin_model::view_of(const account& acc, const engine::position& p,
                                    std::optional<core::decimal> cross_total) const {
    const auto* st = markets_.find(p.symbol());
    position_view v;
    v.symbol = p.symbol();
    v.size = p.size();
    v.entry_price = p.entry_price();
    v.mark_price = markets_.mark_of(p.symbol(), p.entry_price());
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
