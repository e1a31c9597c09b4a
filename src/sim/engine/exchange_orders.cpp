#include <algorithm>
#include <utility>

#include "sim/engine/money.hpp"
#include "tradebot/sim/engine/exchange.hpp"
#include "tradebot/sim/engine/filters.hpp"

namespace tradebot::sim::engine {

namespace {

const core::decimal ten_thousand = core::decimal::from_int(10'000);

bool client_id_char_ok(char c, venue v) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum || c == '-' || c == '_') {
        return true;
    }
    // Binance also allows . : / (^[\.A-Z\:/a-z0-9_-]{1,36}$); Bybit does not.
    return v == venue::binance && (c == '.' || c == ':' || c == '/');
}

bool crosses(core::side side, core::decimal limit, const market_prices& p) {
    return side == core::side::buy ? p.ask.is_positive() && p.ask <= limit : p.bid.is_positive() && p.bid >= limit;
}

// The quantity a reduce-only order may still execute: up to the opposite position.
core::decimal reducible(const account& acc, const core::symbol& s, core::side side) {
    const auto* p = acc.find_position(s);
    if (p == nullptr || p->is_flat()) {
        return {};
    }
    const bool opposite = (side == core::side::sell) == p->size().is_positive();
    return opposite ? p->abs_size() : core::decimal{};
}

}  // namespace

std::optional<rejection> exchange::check_client_id(const account_id& a, const std::string& id) const {
    if (id.empty()) {
        return std::nullopt;
    }
    const bool chars_ok =
        std::all_of(id.begin(), id.end(), [this](char c) { return client_id_char_ok(c, config_.venue); });
    if (id.size() > 36 || !chars_ok) {
        rejection r = reject(reject_reason::invalid_client_id);
        r.field = config_.venue == venue::binance ? "newClientOrderId" : "orderLinkId";
        if (id.size() > 36) {
            r.limit = core::decimal::from_int(36);
        }
        return r;
    }
    for (const auto& [oid, o] : orders_) {
        // Binance: unique among open orders; Bybit: an orderLinkId is never reused.
        if (o.account == a && o.client_id == id && (o.is_open() || config_.venue == venue::bybit)) {
            return reject(reject_reason::duplicate_client_id);
        }
    }
    for (const auto& [cid, c] : conditionals_) {
        if (c.account == a && c.request.client_id == id && (c.is_open() || config_.venue == venue::bybit)) {
            return reject(reject_reason::duplicate_client_id);
        }
    }
    return std::nullopt;
}

std::optional<rejection> exchange::check_position_side(const account& acc,
                                                       std::optional<core::position_side> side) const {
    if (acc.pos_mode() == position_mode::one_way) {
        return side ? std::optional{reject(reject_reason::position_side_mismatch)} : std::nullopt;
    }
    return reject(side ? reject_reason::hedge_mode_not_supported : reject_reason::position_side_mismatch);
}

core::decimal exchange::open_order_margin(const account& acc) const {
    core::decimal total;
    for (const auto& [id, o] : orders_) {
        if (o.account == acc.id() && o.is_open() && !o.reduce_only && o.type == core::order_type::limit) {
            total += (o.remaining() * o.price)
                         .divide(core::decimal::from_int(acc.leverage(o.symbol)), money_scale,
                                 core::rounding::half_even);
        }
    }
    return money(total);
}

core::decimal exchange::available_balance(const account& acc) const {
    core::decimal balance = acc.wallet_balance();
    for (const auto& [sym, p] : acc.positions()) {
        if (p.is_flat()) {
            continue;
        }
        const core::decimal mark = mark_of(sym, p.entry_price());
        if (acc.margin(sym) == margin_mode::isolated) {
            balance -= p.isolated_margin();
        } else {
            balance += p.unrealized_pnl(mark) - p.initial_margin(mark, acc.leverage(sym));
        }
    }
    balance = money(balance - open_order_margin(acc));
    return balance.is_negative() ? core::decimal{} : balance;
}

std::optional<rejection> exchange::check_margin(const account& acc, const symbol_state& st, core::side side,
                                                core::decimal qty, core::decimal price) const {
    // Only the part that opens or grows a position needs margin; closing part is free.
    const core::decimal closing = std::min(qty, reducible(acc, st.spec.symbol, side));
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
        const core::decimal mark = mark_of(st.spec.symbol, p.entry_price());
        available += (p.initial_margin(mark, acc.leverage(st.spec.symbol)) * closing)
                         .divide(p.abs_size(), money_scale, core::rounding::half_even);
    }
    if (required > available) {
        rejection r = reject(reject_reason::insufficient_margin);
        r.submitted = required;
        r.limit = available;
        return r;
    }
    return std::nullopt;
}

std::optional<rejection> exchange::check_reduce_only(const account& acc, const core::symbol& s,
                                                     core::side side) const {
    const auto* p = acc.find_position(s);
    if (p == nullptr || p->is_flat()) {
        return reject(reject_reason::reduce_only_no_position);
    }
    if (reducible(acc, s, side).is_zero()) {
        return reject(reject_reason::reduce_only_rejected);
    }
    return std::nullopt;
}

std::optional<rejection> exchange::validate_order(const account_id& a, const order_request& r) const {
    const auto* acc = find_account(a);
    if (acc == nullptr) {
        return reject(reject_reason::unknown_account);
    }
    const auto* st = find_symbol(r.symbol);
    if (st == nullptr) {
        return reject(reject_reason::unknown_symbol);
    }
    if (r.type != core::order_type::market && r.type != core::order_type::limit) {
        return reject(reject_reason::order_type_not_supported);
    }
    if (auto e = check_position_side(*acc, r.position_side)) {
        return e;
    }
    const bool market = r.type == core::order_type::market;
    const instrument& spec = st->spec;
    if (!market && !r.price) {
        rejection e = reject(reject_reason::missing_price);
        e.field = "price";
        return e;
    }
    if (!market) {
        if (auto e = check_price_precision(spec, *r.price)) {
            return e;
        }
    }
    if (auto e = check_qty_precision(spec, r.qty)) {
        return e;
    }
    if (!market) {
        if (auto e = check_price_filter(spec, *r.price)) {
            return e;
        }
    }
    if (auto e = check_lot_size(spec, r.qty, market)) {
        return e;
    }
    if (!st->prices || !st->prices->valid()) {
        return reject(reject_reason::no_market_data);
    }
    const market_prices& p = *st->prices;
    const core::decimal counter = r.side == core::side::buy ? p.ask : p.bid;
    if (market) {
        if (auto e = check_market_percent_price(spec, r.side, counter, p.mark)) {
            return e;
        }
    } else if (auto e = check_percent_price(spec, r.side, *r.price, p.mark)) {
        return e;
    }
    // MIN_NOTIONAL uses the mark price for market orders; reduce-only orders are exempt.
    const core::decimal notional_price = market ? p.mark : *r.price;
    if (!r.reduce_only) {
        if (auto e = check_min_notional(spec, notional_price, r.qty)) {
            return e;
        }
    }
    if (!market && std::cmp_greater_equal(open_orders(a, r.symbol).size(), spec.max_open_orders)) {
        return reject(reject_reason::max_open_orders);
    }
    if (auto e = check_client_id(a, r.client_id)) {
        return e;
    }
    if (r.reduce_only) {
        if (auto e = check_reduce_only(*acc, r.symbol, r.side)) {
            return e;
        }
    } else if (auto e = check_margin(*acc, *st, r.side, r.qty, market ? counter : *r.price)) {
        return e;
    }
    if (!market && r.tif == time_in_force::gtx && crosses(r.side, *r.price, p)) {
        return reject(reject_reason::post_only_would_take);
    }
    // The book level is never exhausted, so a FOK either crosses and fills whole or fails.
    if (!market && r.tif == time_in_force::fok && !crosses(r.side, *r.price, p)) {
        return reject(reject_reason::fok_not_filled);
    }
    return std::nullopt;
}

order& exchange::store_order(order o) {
    const order_id id = o.id;
    return orders_.insert_or_assign(id, std::move(o)).first->second;
}

result<order> exchange::place_order(const account_id& a, const order_request& r) {
    if (auto e = validate_order(a, r)) {
        return *e;
    }
    order o;
    o.id = next_id();
    o.client_id = r.client_id;
    if (o.client_id.empty() && config_.venue == venue::binance) {
        o.client_id = "sim-" + std::to_string(o.id);  // Binance always assigns one
    }
    o.account = a;
    o.symbol = r.symbol;
    o.side = r.side;
    o.type = r.type;
    o.tif = r.type == core::order_type::market ? time_in_force::ioc : r.tif;
    o.price = r.price.value_or(core::decimal{});
    o.qty = r.qty;
    o.reduce_only = r.reduce_only;
    o.created = o.updated = now();
    order& stored = store_order(std::move(o));
    events_.emplace_back(order_event{now(), stored});
    if (stored.type == core::order_type::market) {
        run_market(stored);
    } else {
        const market_prices& p = *symbols_.at(r.symbol).prices;
        if (crosses(stored.side, stored.price, p)) {
            // A crossing limit takes at the best counter price, which is at least as good as its limit.
            auto& acc = accounts_.at(a);
            if (stored.reduce_only) {
                stored.qty = std::min(stored.qty, reducible(acc, stored.symbol, stored.side));
            }
            execute(stored, stored.remaining(), stored.side == core::side::buy ? p.ask : p.bid, liquidity::taker);
        } else if (stored.tif == time_in_force::ioc) {
            finish(stored, order_status::expired);
        }
    }
    run_liquidations();
    return stored;
}

core::decimal exchange::market_fill_price(const symbol_state& st, core::side side) const {
    const market_prices& p = *st.prices;
    const core::decimal tick = st.spec.tick_size;
    if (side == core::side::buy) {
        const core::decimal slipped = p.ask + (p.ask * config_.slippage_bps).divide(ten_thousand, core::decimal::max_scale / 2,
                                                                                    core::rounding::ceiling);
        return tick.is_positive() ? slipped.ceil_to_step(tick) : slipped;
    }
    const core::decimal slipped =
        p.bid - (p.bid * config_.slippage_bps).divide(ten_thousand, core::decimal::max_scale / 2, core::rounding::ceiling);
    return tick.is_positive() ? slipped.floor_to_step(tick) : slipped;
}

void exchange::run_market(order& o) {
    const auto& st = symbols_.at(o.symbol);
    auto& acc = accounts_.at(o.account);
    if (o.reduce_only || o.close_position) {
        // Reduce-only and close-position orders shrink to the position instead of reversing it.
        o.qty = std::min(o.qty, reducible(acc, o.symbol, o.side));
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

std::optional<rejection> exchange::restore_position(const account_id& a, const core::symbol& s,
                                                   core::side entry_side, core::decimal qty, core::decimal entry_price) {
    rejection r;
    const auto acc = accounts_.find(a);
    if (acc == accounts_.end()) {
        r.reason = reject_reason::unknown_account;
        return r;
    }
    if (!symbols_.contains(s)) {
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

void exchange::fill_next_market_partially(core::decimal fraction) {
    if (fraction.is_positive() && fraction < core::decimal::from_int(1)) {
        next_market_fill_fraction_ = fraction;
    } else {
        next_market_fill_fraction_.reset();
    }
}

void exchange::execute(order& o, core::decimal qty, core::decimal price, liquidity role) {
    auto& acc = accounts_.at(o.account);
    engine::position& pos = acc.position_for(o.symbol);
    const bool isolated = acc.margin(o.symbol) == margin_mode::isolated;
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
    o.updated = now();

    events_.emplace_back(fill_event{now(), o, next_id(), qty, price, fee, effect.realized_pnl, role});
    emit_balance(acc, change, "ORDER");
    emit_position(acc, o.symbol, "ORDER");
    if (pos.is_flat()) {
        on_position_closed(acc, o.symbol);
    }
}

void exchange::finish(order& o, order_status status) {
    o.status = status;
    o.updated = now();
    events_.emplace_back(order_event{now(), o});
}

std::vector<order_id> exchange::resting_ids(const core::symbol& s) const {
    std::vector<order_id> ids;
    for (const auto& [id, o] : orders_) {
        if (o.symbol == s && o.is_open() && o.type == core::order_type::limit) {
            ids.push_back(id);
        }
    }
    return ids;
}

void exchange::match_resting(const core::symbol& s, const std::vector<order_id>& ids) {
    const auto& st = symbols_.at(s);
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
            const core::decimal allowed = reducible(accounts_.at(o.account), s, o.side);
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

result<order> exchange::cancel_order(const account_id& a, const core::symbol& s, const order_ref& ref) {
    if (find_account(a) == nullptr) {
        return reject(reject_reason::unknown_account);
    }
    const order* found = find_order(a, s, ref);
    if (found == nullptr || !found->is_open()) {
        return reject(reject_reason::unknown_order);
    }
    order& o = orders_.at(found->id);
    finish(o, order_status::canceled);
    return o;
}

std::vector<order> exchange::cancel_all_orders(const account_id& a, const core::symbol& s) {
    std::vector<order> out;
    for (auto& [id, o] : orders_) {
        if (o.account == a && o.symbol == s && o.is_open()) {
            finish(o, order_status::canceled);
            out.push_back(o);
        }
    }
    return out;
}

void exchange::cancel_reduce_only_leftovers(const account& acc, const core::symbol& s) {
    for (auto& [id, o] : orders_) {
        if (o.account == acc.id() && o.symbol == s && o.is_open() && o.reduce_only) {
            finish(o, order_status::expired);
        }
    }
}

}  // namespace tradebot::sim::engine
