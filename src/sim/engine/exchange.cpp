#include "tradebot/sim/engine/exchange.hpp"

#include <algorithm>
#include <utility>

#include "sim/engine/money.hpp"
#include "tradebot/sim/engine/funding_schedule.hpp"

namespace tradebot::sim::engine {

namespace {

// splitmix64: a fixed, portable mix so that the id sequence depends only on the seed.
std::uint64_t mix(std::uint64_t z) {
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
}

}  // namespace

exchange::exchange(const core::clock& clock, exchange_config config)
    : clock_{clock}, config_{std::move(config)}, id_counter_{1'000'000'000ULL + mix(config_.seed) % 1'000'000'000ULL} {}

order_id exchange::next_id() { return static_cast<order_id>(id_counter_++); }

void exchange::add_instrument(instrument spec) {
    const core::symbol s = spec.symbol;
    const auto interval = spec.funding_interval;
    symbols_[s] = symbol_state{std::move(spec), std::nullopt, core::decimal{}, next_funding_time(now(), interval)};
}

void exchange::add_account(const account_config& config) {
    accounts_.insert_or_assign(config.id, account{config, config_.settlement_asset});
}

const instrument* exchange::find_instrument(const core::symbol& s) const {
    const auto* st = find_symbol(s);
    return st ? &st->spec : nullptr;
}

const instrument* exchange::find_instrument_by_venue_name(std::string_view venue_symbol) const {
    for (const auto& [sym, st] : symbols_) {
        if (st.spec.venue_name() == venue_symbol) {
            return &st.spec;
        }
    }
    return nullptr;
}

const account* exchange::find_account(const account_id& id) const {
    const auto it = accounts_.find(id);
    return it == accounts_.end() ? nullptr : &it->second;
}

account* exchange::find_account_mut(const account_id& id) {
    const auto it = accounts_.find(id);
    return it == accounts_.end() ? nullptr : &it->second;
}

const exchange::symbol_state* exchange::find_symbol(const core::symbol& s) const {
    const auto it = symbols_.find(s);
    return it == symbols_.end() ? nullptr : &it->second;
}

void exchange::set_wallet_balance(const account_id& id, core::decimal amount) {
    if (auto* acc = find_account_mut(id)) {
        const core::decimal change = amount - acc->wallet_balance();
        acc->set_wallet(acc->settlement_asset(), amount);
        emit_balance(*acc, change, "DEPOSIT");
    }
}

void exchange::set_prices(const core::symbol& s, const market_prices& p) {
    const auto it = symbols_.find(s);
    if (it != symbols_.end()) {
        it->second.prices = p;
    }
}

bool exchange::apply_prices(const core::symbol& s, const market_prices& p, const tick_index* index) {
    if (symbols_.find(s) == symbols_.end()) {
        return false;
    }
    set_prices(s, p);
    if (index == nullptr) {
        match_resting(s, resting_ids(s));
        run_conditionals(s, conditional_ids(s));
    } else {
        static const std::vector<order_id> none;
        const auto r = index->resting.find(s);
        match_resting(s, r != index->resting.end() ? r->second : none);
        const auto c = index->conditionals.find(s);
        run_conditionals(s, c != index->conditionals.end() ? c->second : none);
    }
    run_trading_stops(s);
    return true;
}

void exchange::on_price(const core::symbol& s, const market_prices& p) {
    if (apply_prices(s, p)) {
        run_liquidations();
    }
}

void exchange::on_prices(const std::vector<std::pair<core::symbol, market_prices>>& moved) {
    // Price events do not create limit orders or conditionals, so the index stays complete; the
    // ones a fill closes are skipped where they are used (is_open()).
    tick_index index;
    for (const auto& [id, o] : orders_) {
        if (o.is_open() && o.type == core::order_type::limit) {
            index.resting[o.symbol].push_back(id);
        }
    }
    for (const auto& [id, c] : conditionals_) {
        if (c.is_open()) {
            index.conditionals[c.request.symbol].push_back(id);
        }
    }
    for (const auto& [s, p] : moved) {
        (void)apply_prices(s, p, &index);
    }
    run_liquidations();
}

const market_prices* exchange::prices(const core::symbol& s) const {
    const auto* st = find_symbol(s);
    return st && st->prices ? &*st->prices : nullptr;
}

core::decimal exchange::mark_of(const core::symbol& s, core::decimal fallback) const {
    const auto* p = prices(s);
    return p ? p->mark : fallback;
}

void exchange::set_funding_rate(const core::symbol& s, core::decimal rate) {
    const auto it = symbols_.find(s);
    if (it != symbols_.end()) {
        it->second.funding_rate = rate;
    }
}

core::decimal exchange::funding_rate(const core::symbol& s) const {
    const auto* st = find_symbol(s);
    return st ? st->funding_rate : core::decimal{};
}

std::optional<time_point> exchange::next_funding(const core::symbol& s) const {
    const auto* st = find_symbol(s);
    return st ? std::optional{st->next_funding} : std::nullopt;
}

void exchange::advance_to(time_point t) {
    // Earliest funding time first across symbols, so a multi-interval jump settles in order.
    for (;;) {
        symbol_state* due = nullptr;
        for (auto& [sym, st] : symbols_) {
            if (st.next_funding <= t && (due == nullptr || st.next_funding < due->next_funding)) {
                due = &st;
            }
        }
        if (due == nullptr) {
            return;
        }
        const time_point at = due->next_funding;
        settle_funding(*due, at);
        due->next_funding = at + std::chrono::duration_cast<time_point::duration>(due->spec.funding_interval);
        run_liquidations();
    }
}

result<int> exchange::set_leverage(const account_id& a, const core::symbol& s, int leverage) {
    auto* acc = find_account_mut(a);
    if (acc == nullptr) {
        return reject(reject_reason::unknown_account);
    }
    const auto* st = find_symbol(s);
    if (st == nullptr) {
        return reject(reject_reason::unknown_symbol);
    }
    if (leverage < 1 || leverage > st->spec.max_leverage) {
        rejection r = reject(reject_reason::invalid_leverage);
        r.submitted = core::decimal::from_int(leverage);
        r.limit = core::decimal::from_int(st->spec.max_leverage);
        r.field = "leverage";
        return r;
    }
    if (config_.venue == venue::bybit && acc->leverage(s) == leverage) {
        return reject(reject_reason::leverage_not_modified);
    }
    acc->set_leverage(s, leverage);
    return leverage;
}

result<margin_mode> exchange::set_margin_mode(const account_id& a, const core::symbol& s, margin_mode m) {
    auto* acc = find_account_mut(a);
    if (acc == nullptr) {
        return reject(reject_reason::unknown_account);
    }
    if (find_symbol(s) == nullptr) {
        return reject(reject_reason::unknown_symbol);
    }
    if (acc->margin(s) == m) {
        return reject(reject_reason::margin_mode_not_modified);
    }
    rejection blocked = reject(reject_reason::open_orders_exist);
    blocked.field = "marginType";
    if (!open_orders(a, s).empty() || !open_conditionals(a, s).empty()) {
        return blocked;
    }
    if (const auto* p = acc->find_position(s); p && !p->is_flat()) {
        blocked.reason = reject_reason::position_exists;
        return blocked;
    }
    acc->set_margin(s, m);
    return m;
}

result<position_mode> exchange::set_position_mode(const account_id& a, position_mode m) {
    auto* acc = find_account_mut(a);
    if (acc == nullptr) {
        return reject(reject_reason::unknown_account);
    }
    if (acc->pos_mode() == m) {
        return reject(reject_reason::position_mode_not_modified);
    }
    rejection blocked = reject(reject_reason::open_orders_exist);
    blocked.field = "dualSidePosition";
    if (!open_orders(a).empty() || !open_conditionals(a).empty()) {
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

const order* exchange::find_order(const account_id& a, const core::symbol& s, const order_ref& ref) const {
    if (ref.id) {
        const auto it = orders_.find(*ref.id);
        if (it != orders_.end() && it->second.account == a && it->second.symbol == s) {
            return &it->second;
        }
        return nullptr;
    }
    // The newest order with that client id wins: ids are unique among open orders only.
    const order* found = nullptr;
    for (const auto& [id, o] : orders_) {
        if (o.account == a && o.symbol == s && !ref.client_id.empty() && o.client_id == ref.client_id) {
            found = &o;
        }
    }
    return found;
}

std::vector<order> exchange::open_orders(const account_id& a, std::optional<core::symbol> s) const {
    std::vector<order> out;
    for (const auto& [id, o] : orders_) {
        if (o.account == a && o.is_open() && (!s || o.symbol == *s)) {
            out.push_back(o);
        }
    }
    return out;
}

const conditional_order* exchange::find_conditional(const account_id& a, const order_ref& ref) const {
    if (ref.id) {
        const auto it = conditionals_.find(*ref.id);
        return it != conditionals_.end() && it->second.account == a ? &it->second : nullptr;
    }
    const conditional_order* found = nullptr;
    for (const auto& [id, c] : conditionals_) {
        if (c.account == a && !ref.client_id.empty() && c.request.client_id == ref.client_id) {
            found = &c;
        }
    }
    return found;
}

std::vector<conditional_order> exchange::open_conditionals(const account_id& a, std::optional<core::symbol> s) const {
    std::vector<conditional_order> out;
    for (const auto& [id, c] : conditionals_) {
        if (c.account == a && c.is_open() && (!s || c.request.symbol == *s)) {
            out.push_back(c);
        }
    }
    return out;
}

std::optional<position_view> exchange::position(const account_id& a, const core::symbol& s) const {
    const auto* acc = find_account(a);
    if (acc == nullptr || find_symbol(s) == nullptr) {
        return std::nullopt;
    }
    if (const auto* p = acc->find_position(s)) {
        return view_of(*acc, *p);
    }
    return view_of(*acc, engine::position{s});
}

std::optional<account_view> exchange::account_state(const account_id& a) const {
    const auto* acc = find_account(a);
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
    v.open_order_initial_margin = open_order_margin(*acc);
    v.available_balance = available_balance(*acc);
    return v;
}

exchange_snapshot exchange::snapshot() const {
    exchange_snapshot snap;
    snap.time = now();
    for (const auto& [sym, st] : symbols_) {
        snap.symbols.push_back(symbol_view{st.spec, st.prices.value_or(market_prices{}), st.funding_rate, st.next_funding});
    }
    for (const auto& [id, acc] : accounts_) {
        if (auto v = account_state(id)) {
            snap.accounts.push_back(std::move(*v));
        }
    }
    for (const auto& [id, o] : orders_) {
        if (o.is_open()) {
            snap.open_orders.push_back(o);
        }
    }
    for (const auto& [id, c] : conditionals_) {
        if (c.is_open()) {
            snap.open_conditionals.push_back(c);
        }
    }
    return snap;
}

core::decimal exchange::open_interest(const core::symbol& s) const {
    core::decimal oi;
    for (const auto& [id, acc] : accounts_) {
        if (const auto* p = acc.find_position(s); p != nullptr && p->size().is_positive()) {
            oi += p->size();
        }
    }
    return oi;
}

std::vector<event> exchange::drain_events() { return std::exchange(events_, {}); }

void exchange::emit_position(const account& acc, const core::symbol& s, const std::string& reason) {
    const auto* p = acc.find_position(s);
    const engine::position flat{s};
    const engine::position& pos = p ? *p : flat;
    events_.emplace_back(position_event{now(), acc.id(), s, pos.size(), pos.entry_price(),
                                        pos.unrealized_pnl(mark_of(s, pos.entry_price())), reason});
}

void exchange::emit_balance(const account& acc, core::decimal change, const std::string& reason) {
    events_.emplace_back(
        balance_event{now(), acc.id(), acc.settlement_asset(), acc.wallet_balance(), money(change), reason});
}

}  // namespace tradebot::sim::engine
