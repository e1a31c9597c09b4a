#include <algorithm>

#include "sim/engine/money.hpp"
#include "tradebot/sim/engine/exchange.hpp"
#include "tradebot/sim/engine/filters.hpp"
#include "tradebot/sim/engine/trigger_rules.hpp"

namespace tradebot::sim::engine {

namespace {

const core::decimal min_callback = core::decimal::from_string("0.1");
const core::decimal max_callback = core::decimal::from_int(10);

rejection bad_param(const char* field) {
    rejection r = reject(reject_reason::invalid_parameter);
    r.field = field;
    return r;
}

}  // namespace

std::optional<rejection> exchange::validate_conditional(const account_id& a, const conditional_request& r) const {
    const auto* acc = find_account(a);
    if (acc == nullptr) {
        return reject(reject_reason::unknown_account);
    }
    const auto* st = find_symbol(r.symbol);
    if (st == nullptr) {
        return reject(reject_reason::unknown_symbol);
    }
    if (auto e = check_position_side(*acc, r.position_side)) {
        return e;
    }
    const bool trailing = r.kind == conditional_kind::trailing_stop_market;
    if (r.close_position) {
        if (trailing) {
            return bad_param("closePosition");
        }
        if (r.reduce_only) {
            return reject(reject_reason::reduce_only_with_close_position);
        }
        if (r.qty.is_positive()) {
            return reject(reject_reason::quantity_with_close_position);
        }
    }
    const instrument& spec = st->spec;
    if (!trailing) {
        if (auto e = check_price_precision(spec, r.trigger_price)) {
            return e;
        }
    } else if (r.activation_price) {
        if (auto e = check_price_precision(spec, *r.activation_price)) {
            return e;
        }
    }
    if (!r.close_position) {
        if (auto e = check_qty_precision(spec, r.qty)) {
            return e;
        }
    }
    if (!trailing) {
        if (auto e = check_price_filter(spec, r.trigger_price)) {
            return e;
        }
    } else if (r.activation_price) {
        if (auto e = check_price_filter(spec, *r.activation_price)) {
            return e;
        }
    }
    if (!r.close_position) {
        if (auto e = check_lot_size(spec, r.qty, true)) {
            return e;
        }
    }
    if (trailing && (r.callback_rate < min_callback || r.callback_rate > max_callback)) {
        rejection e = reject(reject_reason::invalid_callback_rate);
        e.submitted = r.callback_rate;
        e.field = "callbackRate";
        return e;
    }
    if (!st->prices || !st->prices->valid()) {
        return reject(reject_reason::no_market_data);
    }
    const core::decimal current = st->prices->by(r.working);
    if (!r.close_position && !r.reduce_only) {
        const core::decimal at = trailing ? r.activation_price.value_or(current) : r.trigger_price;
        if (auto e = check_min_notional(spec, at, r.qty)) {
            return e;
        }
    }
    if (auto e = check_client_id(a, r.client_id)) {
        return e;
    }
    if (trailing) {
        if (r.activation_price) {
            return check_trailing_activation(r.side, *r.activation_price, current, r.working);
        }
        return std::nullopt;
    }
    return check_trigger_placement(r.direction.value_or(direction_of(r.kind, r.side)), r.trigger_price, current,
                                   r.working);
}

result<conditional_order> exchange::place_conditional(const account_id& a, const conditional_request& r) {
    if (auto e = validate_conditional(a, r)) {
        return *e;
    }
    conditional_order c;
    c.id = next_id();
    c.account = a;
    c.request = r;
    if (c.request.client_id.empty() && config_.venue == venue::binance) {
        c.request.client_id = "sim-" + std::to_string(c.id);
    }
    c.direction = r.direction.value_or(direction_of(r.kind, r.side));
    c.price_on_create = symbols_.at(r.symbol).prices->by(r.working);
    if (r.kind == conditional_kind::trailing_stop_market && !r.activation_price) {
        // activatePrice defaults to the latest price: tracking starts at once.
        c.trailing_active = true;
        c.trailing_extreme = c.price_on_create;
    }
    c.created = c.updated = now();
    auto& stored = conditionals_.insert_or_assign(c.id, std::move(c)).first->second;
    events_.emplace_back(conditional_event{now(), stored});
    return stored;
}

result<conditional_order> exchange::cancel_conditional(const account_id& a, const core::symbol& s,
                                                       const order_ref& ref) {
    if (find_account(a) == nullptr) {
        return reject(reject_reason::unknown_account);
    }
    const auto* found = find_conditional(a, ref);
    if (found == nullptr || !found->is_open() || found->request.symbol != s) {
        return reject(reject_reason::unknown_order);
    }
    auto& c = conditionals_.at(found->id);
    c.status = conditional_status::canceled;
    c.updated = now();
    events_.emplace_back(conditional_event{now(), c});
    return c;
}

std::vector<conditional_order> exchange::cancel_all_conditionals(const account_id& a, const core::symbol& s) {
    std::vector<conditional_order> out;
    for (auto& [id, c] : conditionals_) {
        if (c.account == a && c.request.symbol == s && c.is_open()) {
            c.status = conditional_status::canceled;
            c.updated = now();
            events_.emplace_back(conditional_event{now(), c});
            out.push_back(c);
        }
    }
    return out;
}

bool exchange::conditional_fires(conditional_order& c, const market_prices& p) {
    const auto& r = c.request;
    const core::decimal current = p.by(r.working);
    if (r.kind != conditional_kind::trailing_stop_market) {
        return is_triggered(c.direction, r.trigger_price, current);
    }
    const bool sell = r.side == core::side::sell;
    if (!c.trailing_active) {
        // A SELL trailing stop protects a long: it arms once the price has risen to the
        // activation price; a BUY arms once the price has fallen to it.
        const core::decimal activation = r.activation_price.value_or(current);
        if (sell ? current >= activation : current <= activation) {
            c.trailing_active = true;
            c.trailing_extreme = current;
            c.updated = now();
        }
        return false;
    }
    c.trailing_extreme = sell ? std::max(c.trailing_extreme, current) : std::min(c.trailing_extreme, current);
    const core::decimal fire_at = trailing_trigger_price(r.side, c.trailing_extreme, r.callback_rate);
    return sell ? current <= fire_at : current >= fire_at;
}

std::vector<order_id> exchange::conditional_ids(const core::symbol& s) const {
    std::vector<order_id> ids;
    for (const auto& [id, c] : conditionals_) {
        if (c.request.symbol == s && c.is_open()) {
            ids.push_back(id);
        }
    }
    return ids;
}

void exchange::run_conditionals(const core::symbol& s, const std::vector<order_id>& ids) {
    const auto& st = symbols_.at(s);
    if (!st.prices || ids.empty()) {
        return;
    }
    for (const order_id id : ids) {
        auto& c = conditionals_.at(id);
        if (c.is_open() && conditional_fires(c, *st.prices)) {
            fire_conditional(c);
        }
    }
}

void exchange::fire_conditional(conditional_order& c) {
    auto& acc = accounts_.at(c.account);
    const auto& r = c.request;
    const auto& st = symbols_.at(r.symbol);
    c.updated = now();
    c.trigger_time = now();
    core::decimal qty = r.qty;
    if (r.close_position) {
        const auto* p = acc.find_position(r.symbol);
        const bool closes = p && !p->is_flat() && ((r.side == core::side::sell) == p->size().is_positive());
        qty = closes ? p->abs_size() : core::decimal{};
        if (qty.is_zero()) {
            // Nothing to close: the venue expires a closePosition order (GTE_GTC semantics).
            c.status = conditional_status::expired;
            events_.emplace_back(conditional_event{now(), c});
            return;
        }
    }
    const bool reduce = r.reduce_only || r.close_position;
    if (!reduce) {
        // Algo orders hold no margin until they trigger; the check happens now.
        if (check_margin(acc, st, r.side, qty, market_fill_price(st, r.side))) {
            c.status = conditional_status::rejected;
            events_.emplace_back(conditional_event{now(), c});
            return;
        }
    }
    order o;
    o.id = next_id();
    o.client_id = config_.venue == venue::binance ? "sim-" + std::to_string(o.id) : std::string{};
    o.account = c.account;
    o.symbol = r.symbol;
    o.side = r.side;
    o.type = core::order_type::market;
    o.tif = time_in_force::ioc;
    o.qty = qty;
    o.reduce_only = reduce;
    o.close_position = r.close_position;
    o.origin = order_origin::conditional;
    o.parent_id = c.id;
    o.created = o.updated = now();
    c.status = conditional_status::triggered;
    c.triggered_order_id = o.id;
    events_.emplace_back(conditional_event{now(), c});
    order& stored = store_order(std::move(o));
    events_.emplace_back(order_event{now(), stored});
    run_market(stored);
}

void exchange::close_position_market(account& acc, const core::symbol& s, order_origin origin,
                                     std::optional<order_id> parent) {
    const auto* p = acc.find_position(s);
    if (p == nullptr || p->is_flat()) {
        return;
    }
    order o;
    o.id = next_id();
    o.account = acc.id();
    o.symbol = s;
    o.side = p->size().is_positive() ? core::side::sell : core::side::buy;
    o.type = core::order_type::market;
    o.tif = time_in_force::ioc;
    o.qty = p->abs_size();
    o.reduce_only = true;
    o.close_position = true;
    o.origin = origin;
    o.parent_id = parent;
    o.created = o.updated = now();
    order& stored = store_order(std::move(o));
    events_.emplace_back(order_event{now(), stored});
    run_market(stored);
}

void exchange::on_position_closed(account& acc, const core::symbol& s) {
    acc.clear_trading_stop(s);
    cancel_reduce_only_leftovers(acc, s);
    for (auto& [id, c] : conditionals_) {
        if (c.account == acc.id() && c.request.symbol == s && c.is_open() && c.request.close_position) {
            c.status = conditional_status::expired;
            c.updated = now();
            events_.emplace_back(conditional_event{now(), c});
        }
    }
}

}  // namespace tradebot::sim::engine
