#include "sim/engine/order_book.hpp"

#include <algorithm>
#include <utility>

#include "sim/engine/money.hpp"

namespace tradebot::sim::engine {

namespace {

const core::decimal ten_thousand = core::decimal::from_int(10'000);

}  // namespace

bool crosses(core::side side, core::decimal limit, const market_prices& p) {
    return side == core::side::buy ? p.ask.is_positive() && p.ask <= limit : p.bid.is_positive() && p.bid >= limit;
}

order_book::order_book(engine_context& ctx, const market_table& markets, account_book& accounts)
    : ctx_{ctx}, markets_{markets}, accounts_{accounts} {}

order& order_book::place(const account_id& a, const order_request& r) {
    order o;
    o.id = ctx_.next_id();
    o.client_id = ctx_.client_id_or_default(r.client_id, o.id);
    o.account = a;
    o.symbol = r.symbol;
    o.side = r.side;
    o.type = r.type;
    o.tif = r.type == core::order_type::market ? time_in_force::ioc : r.tif;
    o.price = r.price.value_or(core::decimal{});
    o.qty = r.qty;
    o.reduce_only = r.reduce_only;
    o.created = o.updated = ctx_.now();
    order& stored = submit(std::move(o));
    if (stored.type == core::order_type::market) {
        run_market(stored);
        return stored;
    }
    take_on_arrival(stored);
    return stored;
}

void order_book::take_on_arrival(order& o) {
    const market_prices& p = *markets_.at(o.symbol).prices;
    if (crosses(o.side, o.price, p)) {
        // A crossing limit takes at the best counter price, which is at least as good as its limit.
        if (o.reduce_only) {
            o.qty = std::min(o.qty, accounts_.at(o.account).reducible(o.symbol, o.side) + o.filled_qty);
        }
        core::decimal qty = o.remaining();
        if (o.tif == time_in_force::ioc) {
            // The partial_fill fault covers taker IOC limits too: a thin book takes part of one.
            if (auto fraction = std::exchange(next_market_fill_fraction_, std::nullopt)) {
                qty = (qty * *fraction).floor_to_step(markets_.at(o.symbol).spec.step_size);
            }
        }
        if (qty.is_positive()) {
            execute(o, qty, o.side == core::side::buy ? p.ask : p.bid, liquidity::taker);
        }
        if (o.tif == time_in_force::ioc && o.remaining().is_positive()) {
            finish(o, order_status::expired);
        }
    } else if (o.tif == time_in_force::ioc) {
        next_market_fill_fraction_.reset();  // the fault was for this order, which takes nothing
        finish(o, order_status::expired);
    }
}

order& order_book::amend(order& o, core::decimal qty, core::decimal price) {
    const market_prices& p = *markets_.at(o.symbol).prices;
    if ((o.filled_qty.is_positive() && qty <= o.filled_qty) ||
        (o.tif == time_in_force::gtx && crosses(o.side, price, p))) {
        finish(o, order_status::canceled);
        return o;
    }
    o.qty = qty;
    o.price = price;
    o.updated = ctx_.now();
    ctx_.emit(order_event{ctx_.now(), o, true});
    take_on_arrival(o);
    return o;
}

order order_book::new_market(const account_id& a, const core::symbol& s, core::side side, core::decimal qty,
                             order_origin origin) {
    order o;
    o.id = ctx_.next_id();
    o.account = a;
    o.symbol = s;
    o.side = side;
    o.type = core::order_type::market;
    o.tif = time_in_force::ioc;
    o.qty = qty;
    o.origin = origin;
    o.created = o.updated = ctx_.now();
    return o;
}

order& order_book::submit(order o) {
    const order_id id = o.id;
    order& stored = orders_.insert_or_assign(id, std::move(o)).first->second;
    maybe_open_.insert(id);
    ctx_.emit(order_event{ctx_.now(), stored});
    return stored;
}

core::decimal order_book::market_fill_price(const symbol_state& st, core::side side) const {
    const market_prices& p = *st.prices;
    const core::decimal tick = st.spec.tick_size;
    const core::decimal slippage_bps = ctx_.config().slippage_bps;
    if (side == core::side::buy) {
        const core::decimal slipped =
            p.ask + (p.ask * slippage_bps).divide(ten_thousand, core::decimal::max_scale / 2, core::rounding::ceiling);
        return tick.is_positive() ? slipped.ceil_to_step(tick) : slipped;
    }
    const core::decimal slipped =
        p.bid - (p.bid * slippage_bps).divide(ten_thousand, core::decimal::max_scale / 2, core::rounding::ceiling);
    return tick.is_positive() ? slipped.floor_to_step(tick) : slipped;
}

void order_book::run_market(order& o) {
    const auto& st = markets_.at(o.symbol);
    if (o.reduce_only || o.close_position) {
        // Reduce-only and close-position orders shrink to the position instead of reversing it.
        o.qty = std::min(o.qty, accounts_.at(o.account).reducible(o.symbol, o.side));
        if (o.qty.is_zero()) {
            finish(o, order_status::expired);
            return;
        }
    }
    if (!st.prices || !st.prices->valid()) {
        finish(o, order_status::expired);
        return;
    }
    core::decimal qty = o.remaining();
    if (auto fraction = std::exchange(next_market_fill_fraction_, std::nullopt)) {
        qty = (qty * *fraction).floor_to_step(st.spec.step_size);
    }
    if (qty.is_positive()) {
        execute(o, qty, market_fill_price(st, o.side), liquidity::taker);
    }
    if (o.remaining().is_positive()) {
        finish(o, order_status::expired);
    }
}

void order_book::fill_next_market_partially(core::decimal fraction) {
    if (fraction.is_positive() && fraction < core::decimal::from_int(1)) {
        next_market_fill_fraction_ = fraction;
    } else {
        next_market_fill_fraction_.reset();
    }
}

void order_book::execute(order& o, core::decimal qty, core::decimal price, liquidity role) {
    auto& acc = accounts_.at(o.account);
    engine::position& pos = acc.position_for(o.symbol);
    const bool isolated = acc.margin(o.symbol) == margin_mode::isolated;
    const core::decimal entry_before = pos.entry_price();
    const auto effect = pos.apply_fill(o.side, qty, price);
    if (isolated && effect.opened_qty.is_positive()) {
        const core::decimal added = (effect.opened_qty * price)
                                        .divide(core::decimal::from_int(acc.leverage(o.symbol)), money_scale,
                                                core::rounding::half_even);
        pos.set_isolated_margin(money(pos.isolated_margin() + added));
    }
    const core::decimal fee =
        o.origin == order_origin::liquidation ? core::decimal{} : money(qty * price * acc.fee_rate(role));
    const core::decimal change = money(effect.realized_pnl - fee);
    acc.credit(change);

    o.filled_qty += qty;
    o.cum_quote = money(o.cum_quote + qty * price);
    o.avg_price = o.cum_quote.divide(o.filled_qty, money_scale, core::rounding::half_even).normalized();
    o.fee_total = money(o.fee_total + fee);
    o.realized_pnl = money(o.realized_pnl + effect.realized_pnl);
    o.status = o.remaining().is_positive() ? order_status::partially_filled : order_status::filled;
    o.updated = ctx_.now();

    ctx_.emit(fill_event{ctx_.now(), o, ctx_.next_id(), qty, price, fee, effect.realized_pnl, role, effect.closed_qty,
                         effect.closed_qty.is_positive() ? entry_before : core::decimal{}});
    accounts_.emit_balance(acc, change, "ORDER");
    accounts_.emit_position(acc, o.symbol, "ORDER");
    if (pos.is_flat() && position_closed_) {
        position_closed_(acc, o.symbol);
    }
}

void order_book::finish(order& o, order_status status) {
    o.status = status;
    o.updated = ctx_.now();
    ctx_.emit(order_event{ctx_.now(), o});
}

std::vector<order_id> order_book::resting_ids(const core::symbol& s) const {
    std::vector<order_id> ids;
    for (auto it = maybe_open_.begin(); it != maybe_open_.end();) {
        const auto& o = orders_.at(*it);
        if (!o.is_open()) {
            it = maybe_open_.erase(it);  // closed for good: an order never reopens
            continue;
        }
        if (o.symbol == s && o.type == core::order_type::limit) {
            ids.push_back(*it);
        }
        ++it;
    }
    return ids;
}

void order_book::match_resting(const core::symbol& s, const std::vector<order_id>& ids) {
    const auto& st = markets_.at(s);
    if (!st.prices || ids.empty()) {
        return;
    }
    // Resting orders share the opposite level in time priority (id order); a level shown
    // with zero size is treated as unlimited.
    core::decimal ask_left = st.prices->ask_qty;
    core::decimal bid_left = st.prices->bid_qty;
    const core::decimal step = st.spec.step_size;
    for (const order_id id : ids) {
        order& o = orders_.at(id);
        if (!o.is_open() || !crosses(o.side, o.price, *st.prices)) {
            continue;
        }
        if (o.reduce_only) {
            const core::decimal allowed = accounts_.at(o.account).reducible(s, o.side);
            if (allowed.is_zero()) {
                finish(o, order_status::expired);
                continue;
            }
            o.qty = std::min(o.remaining(), allowed) + o.filled_qty;
        }
        const bool buy = o.side == core::side::buy;
        const bool limited = (buy ? st.prices->ask_qty : st.prices->bid_qty).is_positive();
        core::decimal& level = buy ? ask_left : bid_left;
        core::decimal qty = o.remaining();
        if (limited) {
            qty = std::min(qty, level);
            if (step.is_positive()) {
                qty = qty.floor_to_step(step);
            }
            if (!qty.is_positive()) {
                continue;
            }
            level -= qty;
        }
        execute(o, qty, o.price, liquidity::maker);
    }
}

result<order> order_book::cancel(const account_id& a, const core::symbol& s, const order_ref& ref) {
    const order* found = find(a, s, ref);
    if (found == nullptr || !found->is_open()) {
        return reject(reject_reason::unknown_order);
    }
    order& o = orders_.at(found->id);
    finish(o, order_status::canceled);
    return o;
}

std::vector<order> order_book::cancel_all(const account_id& a, const core::symbol& s) {
    return close_where(
        orders_, [&](const order& o) { return o.account == a && o.symbol == s && o.is_open(); },
        [this](order& o) { finish(o, order_status::canceled); });
}

void order_book::cancel_reduce_only_leftovers(const account& acc, const core::symbol& s) {
    (void)close_where(
        orders_, [&](const order& o) { return o.account == acc.id() && o.symbol == s && o.is_open() && o.reduce_only; },
        [this](order& o) { finish(o, order_status::expired); });
}

const order* order_book::find(const account_id& a, const core::symbol& s, const order_ref& ref) const {
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

std::vector<order> order_book::open_orders(const account_id& a, std::optional<core::symbol> s) const {
    std::vector<order> out;
    for_open([&](const order& o) {
        if (o.account == a && (!s || o.symbol == *s)) {
            out.push_back(o);
        }
    });
    return out;
}

bool order_book::uses_client_id(const account_id& a, const std::string& client_id, bool closed_too) const {
    return std::any_of(orders_.begin(), orders_.end(), [&](const auto& entry) {
        const order& o = entry.second;
        return o.account == a && o.client_id == client_id && (o.is_open() || closed_too);
    });
}

core::decimal order_book::open_order_margin(const account& acc) const {
    core::decimal total;
    for_open([&](const order& o) {
        if (o.account == acc.id() && !o.reduce_only && o.type == core::order_type::limit) {
            total += (o.remaining() * o.price)
                         .divide(core::decimal::from_int(acc.leverage(o.symbol)), money_scale,
                                 core::rounding::half_even);
        }
    });
    return money(total);
}

}  // namespace tradebot::sim::engine
