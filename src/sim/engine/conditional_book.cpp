#include "sim/engine/conditional_book.hpp"

#include <algorithm>
#include <utility>

#include "tradebot/sim/engine/trigger_rules.hpp"

namespace tradebot::sim::engine {

conditional_book::conditional_book(engine_context& ctx, const market_table& markets, account_book& accounts,
                                   order_book& orders, const margin_model& margins)
    : ctx_{ctx}, markets_{markets}, accounts_{accounts}, orders_{orders}, margins_{margins} {}

conditional_order& conditional_book::place(const account_id& a, const conditional_request& r) {
    conditional_order c;
    c.id = ctx_.next_id();
    c.account = a;
    c.request = r;
    c.request.client_id = ctx_.client_id_or_default(std::move(c.request.client_id), c.id);
    c.direction = r.direction.value_or(direction_of(r.kind, r.side));
    c.price_on_create = markets_.at(r.symbol).prices->by(r.working);
    if (r.kind == conditional_kind::trailing_stop_market && !r.activation_price) {
        // activatePrice defaults to the latest price: tracking starts at once.
        c.trailing_active = true;
        c.trailing_extreme = c.price_on_create;
    }
    c.created = c.updated = ctx_.now();
    auto& stored = conditionals_.insert_or_assign(c.id, std::move(c)).first->second;
    maybe_open_.insert(stored.id);
    ctx_.emit(conditional_event{ctx_.now(), stored});
    return stored;
}

result<conditional_order> conditional_book::cancel(const account_id& a, const core::symbol& s, const order_ref& ref) {
    const auto* found = find(a, ref);
    if (found == nullptr || !found->is_open() || found->request.symbol != s) {
        return reject(reject_reason::unknown_order);
    }
    auto& c = conditionals_.at(found->id);
    close(c, conditional_status::canceled);
    return c;
}

std::vector<conditional_order> conditional_book::cancel_all(const account_id& a, const core::symbol& s) {
    return close_where(
        conditionals_, [&](const conditional_order& c) { return c.account == a && c.request.symbol == s && c.is_open(); },
        [this](conditional_order& c) { close(c, conditional_status::canceled); });
}

void conditional_book::expire_close_position(const account& acc, const core::symbol& s) {
    (void)close_where(
        conditionals_,
        [&](const conditional_order& c) {
            return c.account == acc.id() && c.request.symbol == s && c.is_open() && c.request.close_position;
        },
        [this](conditional_order& c) { close(c, conditional_status::expired); });
}

void conditional_book::close(conditional_order& c, conditional_status status) {
    c.status = status;
    c.updated = ctx_.now();
    ctx_.emit(conditional_event{ctx_.now(), c});
}

bool conditional_book::fires(conditional_order& c, const market_prices& p) {
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
            c.updated = ctx_.now();
        }
        return false;
    }
    c.trailing_extreme = sell ? std::max(c.trailing_extreme, current) : std::min(c.trailing_extreme, current);
    const core::decimal fire_at = trailing_trigger_price(r.side, c.trailing_extreme, r.callback_rate);
    return sell ? current <= fire_at : current >= fire_at;
}

std::vector<order_id> conditional_book::open_ids(const core::symbol& s) const {
    std::vector<order_id> ids;
    for (auto it = maybe_open_.begin(); it != maybe_open_.end();) {
        const auto& c = conditionals_.at(*it);
        if (!c.is_open()) {
            it = maybe_open_.erase(it);  // triggered, cancelled or expired: final
            continue;
        }
        if (c.request.symbol == s) {
            ids.push_back(*it);
        }
        ++it;
    }
    return ids;
}

void conditional_book::run(const core::symbol& s, const std::vector<order_id>& ids) {
    const auto& st = markets_.at(s);
    if (!st.prices || ids.empty()) {
        return;
    }
    for (const order_id id : ids) {
        auto& c = conditionals_.at(id);
        if (c.is_open() && fires(c, *st.prices)) {
            fire(c);
        }
    }
}

void conditional_book::fire(conditional_order& c) {
    auto& acc = accounts_.at(c.account);
    const auto& r = c.request;
    const auto& st = markets_.at(r.symbol);
    c.updated = ctx_.now();
    c.trigger_time = ctx_.now();
    core::decimal qty = r.qty;
    if (r.close_position) {
        const auto* p = acc.find_position(r.symbol);
        const bool closes = p && !p->is_flat() && ((r.side == core::side::sell) == p->size().is_positive());
        qty = closes ? p->abs_size() : core::decimal{};
        if (qty.is_zero()) {
            // Nothing to close: the venue expires a closePosition order (GTE_GTC semantics).
            c.status = conditional_status::expired;
            ctx_.emit(conditional_event{ctx_.now(), c});
            return;
        }
    }
    const bool reduce = r.reduce_only || r.close_position;
    if (!reduce) {
        // Algo orders hold no margin until they trigger; the check happens now.
        if (margins_.check_margin(acc, st, r.side, qty, orders_.market_fill_price(st, r.side))) {
            c.status = conditional_status::rejected;
            ctx_.emit(conditional_event{ctx_.now(), c});
            return;
        }
    }
    order o = orders_.new_market(c.account, r.symbol, r.side, qty, order_origin::conditional);
    o.client_id = ctx_.client_id_or_default({}, o.id);
    o.reduce_only = reduce;
    o.close_position = r.close_position;
    o.parent_id = c.id;
    c.status = conditional_status::triggered;
    c.triggered_order_id = o.id;
    ctx_.emit(conditional_event{ctx_.now(), c});
    orders_.run_market(orders_.submit(std::move(o)));
}

const conditional_order* conditional_book::find(const account_id& a, const order_ref& ref) const {
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

std::vector<conditional_order> conditional_book::open_conditionals(const account_id& a,
                                                                   std::optional<core::symbol> s) const {
    std::vector<conditional_order> out;
    // Only the ones that may still be open, in id order as a scan of conditionals_ would give them.
    for (auto it = maybe_open_.begin(); it != maybe_open_.end();) {
        const auto& c = conditionals_.at(*it);
        if (!c.is_open()) {
            it = maybe_open_.erase(it);
            continue;
        }
        if (c.account == a && (!s || c.request.symbol == *s)) {
            out.push_back(c);
        }
        ++it;
    }
    return out;
}

bool conditional_book::uses_client_id(const account_id& a, const std::string& client_id, bool closed_too) const {
    return std::any_of(conditionals_.begin(), conditionals_.end(), [&](const auto& entry) {
        const conditional_order& c = entry.second;
        return c.account == a && c.request.client_id == client_id && (c.is_open() || closed_too);
    });
}

}  // namespace tradebot::sim::engine
