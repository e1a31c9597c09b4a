#include "sim/engine/account_book.hpp"

#include "sim/engine/money.hpp"
#include "tradebot/sim/engine/leverage_bracket.hpp"

namespace tradebot::sim::engine {

account_book::account_book(engine_context& ctx, const market_table& markets) : ctx_{ctx}, markets_{markets} {}

void account_book::add(const account_config& config) {
    accounts_.insert_or_assign(config.id, account{config, ctx_.config().settlement_asset});
}

const account* account_book::find(const account_id& id) const {
    const auto it = accounts_.find(id);
    return it == accounts_.end() ? nullptr : &it->second;
}

account* account_book::find_mut(const account_id& id) {
    const auto it = accounts_.find(id);
    return it == accounts_.end() ? nullptr : &it->second;
}

void account_book::set_wallet_balance(const account_id& id, core::decimal amount) {
    if (auto* acc = find_mut(id)) {
        const core::decimal change = amount - acc->wallet_balance();
        acc->set_wallet(acc->settlement_asset(), amount);
        emit_balance(*acc, change, "DEPOSIT");
    }
}

std::optional<rejection> account_book::restore_position(const account_id& a, const core::symbol& s,
                                                       core::side entry_side, core::decimal qty,
                                                       core::decimal entry_price) {
    rejection r;
    const auto acc = accounts_.find(a);
    if (acc == accounts_.end()) {
        r.reason = reject_reason::unknown_account;
        return r;
    }
    if (!markets_.contains(s)) {
        r.reason = reject_reason::unknown_symbol;
        return r;
    }
    if (!qty.is_positive() || !entry_price.is_positive()) {
        r.reason = reject_reason::invalid_parameter;
        r.field = qty.is_positive() ? "price" : "quantity";
        return r;
    }
    (void)acc->second.position_for(s).apply_fill(entry_side, qty, entry_price);
    return std::nullopt;
}

result<int> account_book::set_leverage(const account_id& a, const core::symbol& s, int leverage) {
    auto* acc = find_mut(a);
    if (acc == nullptr) {
        return reject(reject_reason::unknown_account);
    }
    const auto* st = markets_.find(s);
    if (st == nullptr) {
        return reject(reject_reason::unknown_symbol);
    }
    // The first leverage bracket's initial leverage is the cap (Binance -4028 above it).
    const int max_leverage = max_leverage_of(st->spec);
    if (leverage < 1 || leverage > max_leverage) {
        rejection r = reject(reject_reason::invalid_leverage);
        r.submitted = core::decimal::from_int(leverage);
        r.limit = core::decimal::from_int(max_leverage);
        r.field = "leverage";
        return r;
    }
    if (ctx_.venue() == venue::bybit && acc->leverage(s) == leverage) {
        return reject(reject_reason::leverage_not_modified);
    }
    acc->set_leverage(s, leverage);
    return leverage;
}

result<margin_mode> account_book::set_margin_mode(const account_id& a, const core::symbol& s, margin_mode m,
                                                  const std::function<bool()>& orders_open) {
    auto* acc = find_mut(a);
    if (acc == nullptr) {
        return reject(reject_reason::unknown_account);
    }
    if (!markets_.contains(s)) {
        return reject(reject_reason::unknown_symbol);
    }
    if (acc->margin(s) == m) {
        return reject(reject_reason::margin_mode_not_modified);
    }
    rejection blocked = reject(reject_reason::open_orders_exist);
    blocked.field = "marginType";
    if (orders_open()) {
        return blocked;
    }
    if (const auto* p = acc->find_position(s); p && !p->is_flat()) {
        blocked.reason = reject_reason::position_exists;
        return blocked;
    }
    acc->set_margin(s, m);
    return m;
}

result<position_mode> account_book::set_position_mode(const account_id& a, position_mode m,
                                                      const std::function<bool()>& orders_open) {
    auto* acc = find_mut(a);
    if (acc == nullptr) {
        return reject(reject_reason::unknown_account);
    }
    if (acc->pos_mode() == m) {
        return reject(reject_reason::position_mode_not_modified);
    }
    rejection blocked = reject(reject_reason::open_orders_exist);
    blocked.field = "dualSidePosition";
    if (orders_open()) {
        return blocked;
    }
    for (const auto& [sym, p] : acc->positions()) {
        if (!p.is_flat()) {
            blocked.reason = reject_reason::position_exists;
            return blocked;
        }
    }
    acc->set_pos_mode(m);
    return m;
}

void account_book::settle_funding(const symbol_state& st, time_point at) {
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
        ctx_.emit(funding_event{at, acc.id(), st.spec.symbol, st.funding_rate, mark, p->size(), amount});
        ctx_.emit(balance_event{at, acc.id(), acc.settlement_asset(), acc.wallet_balance(), amount, "FUNDING_FEE"});
    }
}

core::decimal account_book::open_interest(const core::symbol& s) const {
    core::decimal oi;
    for (const auto& [id, acc] : accounts_) {
        if (const auto* p = acc.find_position(s); p != nullptr && p->size().is_positive()) {
            oi += p->size();
        }
    }
    return oi;
}

void account_book::emit_position(const account& acc, const core::symbol& s, const std::string& reason) {
    const auto* p = acc.find_position(s);
    const engine::position flat{s};
    const engine::position& pos = p ? *p : flat;
    ctx_.emit(position_event{ctx_.now(), acc.id(), s, pos.size(), pos.entry_price(),
                             pos.unrealized_pnl(markets_.mark_of(s, pos.entry_price())), reason});
}

void account_book::emit_balance(const account& acc, core::decimal change, const std::string& reason) {
    ctx_.emit(balance_event{ctx_.now(), acc.id(), acc.settlement_asset(), acc.wallet_balance(), money(change), reason});
}

}  // namespace tradebot::sim::engine
