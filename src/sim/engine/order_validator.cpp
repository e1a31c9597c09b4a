#include "sim/engine/order_validator.hpp"

#include <algorithm>
#include <utility>

#include "tradebot/sim/engine/filters.hpp"
#include "tradebot/sim/engine/trigger_rules.hpp"

namespace tradebot::sim::engine {

namespace {

const core::decimal min_callback = core::decimal::from_string("0.1");
const core::decimal max_callback = core::decimal::from_int(10);

bool client_id_char_ok(char c, venue v) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum || c == '-' || c == '_') {
        return true;
    }
    // Binance also allows . : / (^[\.A-Z\:/a-z0-9_-]{1,36}$); Bybit does not.
    return v == venue::binance && (c == '.' || c == ':' || c == '/');
}

rejection bad_param(const char* field) {
    rejection r = reject(reject_reason::invalid_parameter);
    r.field = field;
    return r;
}

std::optional<rejection> check_reduce_only(const account& acc, const core::symbol& s, core::side side) {
    const auto* p = acc.find_position(s);
    if (p == nullptr || p->is_flat()) {
        return reject(reject_reason::reduce_only_no_position);
    }
    if (acc.reducible(s, side).is_zero()) {
        return reject(reject_reason::reduce_only_rejected);
    }
    return std::nullopt;
}

}  // namespace

std::optional<rejection> check_position_side(const account& acc, std::optional<core::position_side> side) {
    if (acc.pos_mode() == position_mode::one_way) {
        return side ? std::optional{reject(reject_reason::position_side_mismatch)} : std::nullopt;
    }
    return reject(side ? reject_reason::hedge_mode_not_supported : reject_reason::position_side_mismatch);
}

result<request_target> resolve_target(const account_book& accounts, const market_table& markets, const account_id& a,
                                      const core::symbol& s) {
    const auto* acc = accounts.find(a);
    if (acc == nullptr) {
        return reject(reject_reason::unknown_account);
    }
    const auto* st = markets.find(s);
    if (st == nullptr) {
        return reject(reject_reason::unknown_symbol);
    }
    return request_target{acc, st};
}

order_validator::order_validator(const engine_context& ctx, const market_table& markets,
                                 const account_book& accounts, const order_book& orders,
                                 const conditional_book& conditionals, const margin_model& margins)
    : ctx_{ctx},
      markets_{markets},
      accounts_{accounts},
      orders_{orders},
      conditionals_{conditionals},
      margins_{margins} {}

std::optional<rejection> order_validator::check_client_id(const account_id& a, const std::string& id) const {
    if (id.empty()) {
        return std::nullopt;
    }
    const venue v = ctx_.venue();
    const bool chars_ok = std::all_of(id.begin(), id.end(), [v](char c) { return client_id_char_ok(c, v); });
    if (id.size() > 36 || !chars_ok) {
        rejection r = reject(reject_reason::invalid_client_id);
        r.field = v == venue::binance ? "newClientOrderId" : "orderLinkId";
        if (id.size() > 36) {
            r.limit = core::decimal::from_int(36);
        }
        return r;
    }
    // Binance: unique among open orders; Bybit: an orderLinkId is never reused.
    const bool closed_too = v == venue::bybit;
    if (orders_.uses_client_id(a, id, closed_too) || conditionals_.uses_client_id(a, id, closed_too)) {
        return reject(reject_reason::duplicate_client_id);
    }
    return std::nullopt;
}

std::optional<rejection> order_validator::validate_order(const account_id& a, const order_request& r) const {
    const auto target = resolve_target(accounts_, markets_, a, r.symbol);
    if (!target) {
        return target.error();
    }
    const account& acc = *target->acc;
    const symbol_state* st = target->st;
    if (r.type != core::order_type::market && r.type != core::order_type::limit) {
        return reject(reject_reason::order_type_not_supported);
    }
    if (auto e = check_position_side(acc, r.position_side)) {
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
    if (!market && std::cmp_greater_equal(orders_.open_orders(a, r.symbol).size(), spec.max_open_orders)) {
        return reject(reject_reason::max_open_orders);
    }
    if (auto e = check_client_id(a, r.client_id)) {
        return e;
    }
    if (r.reduce_only) {
        if (auto e = check_reduce_only(acc, r.symbol, r.side)) {
            return e;
        }
    } else if (auto e = margins_.check_margin(acc, *st, r.side, r.qty, market ? counter : *r.price)) {
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

std::optional<rejection> order_validator::validate_conditional(const account_id& a,
                                                               const conditional_request& r) const {
    const auto target = resolve_target(accounts_, markets_, a, r.symbol);
    if (!target) {
        return target.error();
    }
    const symbol_state* st = target->st;
    if (auto e = check_position_side(*target->acc, r.position_side)) {
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
    // The price the filters see: the trigger, or a trailing stop's activation price if it has one.
    const std::optional<core::decimal> filtered = trailing ? r.activation_price : std::optional{r.trigger_price};
    if (filtered) {
        if (auto e = check_price_precision(spec, *filtered)) {
            return e;
        }
    }
    if (!r.close_position) {
        if (auto e = check_qty_precision(spec, r.qty)) {
            return e;
        }
    }
    if (filtered) {
        if (auto e = check_price_filter(spec, *filtered)) {
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

std::optional<rejection> order_validator::validate_amend(const order& o, core::decimal qty, core::decimal price) const {
    const auto target = resolve_target(accounts_, markets_, o.account, o.symbol);
    if (!target) {
        return target.error();
    }
    const instrument& spec = target->st->spec;
    if (qty == o.qty && price == o.price) {
        return reject(reject_reason::not_modified);
    }
    if (auto e = check_price_precision(spec, price)) {
        return e;
    }
    if (auto e = check_qty_precision(spec, qty)) {
        return e;
    }
    if (auto e = check_price_filter(spec, price)) {
        return e;
    }
    if (auto e = check_lot_size(spec, qty, false)) {
        return e;
    }
    if (!target->st->prices || !target->st->prices->valid()) {
        return reject(reject_reason::no_market_data);
    }
    if (auto e = check_percent_price(spec, o.side, price, target->st->prices->mark)) {
        return e;
    }
    if (!o.reduce_only) {
        if (auto e = check_min_notional(spec, price, qty)) {
            return e;
        }
        // [U] The margin of what the modify adds: the open order already holds its own.
        const core::decimal added = qty * price - o.qty * o.price;
        if (added.is_positive()) {
            const core::decimal added_qty = added.divide(price, core::decimal::max_scale / 2, core::rounding::ceiling);
            if (auto e = margins_.check_margin(*target->acc, *target->st, o.side, added_qty, price)) {
                return e;
            }
        }
    }
    return std::nullopt;
}

}  // namespace tradebot::sim::engine
