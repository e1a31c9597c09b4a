#include "exchange/paper/convert.hpp"

#include <string>

#include "tradebot/sim/engine/venue_errors.hpp"

namespace tradebot::exchange::paper {

namespace engine = sim::engine;

namespace {

std::optional<int> known(int precision) { return precision >= 0 ? std::optional{precision} : std::nullopt; }

int whole(core::decimal d) { return static_cast<int>(d.rescale(0, core::rounding::floor).mantissa()); }

}  // namespace

engine::instrument to_engine(const instrument_rules& rules) {
    engine::instrument spec;
    spec.symbol = rules.symbol;
    const std::string name = rules.symbol.str();
    constexpr std::string_view quote = "USDT";
    spec.base_asset = name.ends_with(quote) ? name.substr(0, name.size() - quote.size()) : name;
    spec.tick_size = rules.tick_size;
    spec.min_price = rules.min_price;
    spec.max_price = rules.max_price;
    spec.step_size = rules.step_size;
    spec.min_qty = rules.min_qty;
    spec.max_qty = rules.max_qty;
    spec.market_max_qty = rules.market_max_qty;
    spec.min_notional = rules.min_notional;
    spec.multiplier_up = rules.band_up;
    spec.multiplier_down = rules.band_down;
    // Binance reports the leverage ceiling only through leverageBracket: 0 means "unknown".
    if (rules.max_leverage.is_positive()) {
        spec.max_leverage = whole(rules.max_leverage);
    }
    spec.price_precision = known(rules.price_precision);
    spec.qty_precision = known(rules.quantity_precision);
    return spec;
}

engine::market_prices make_prices(core::decimal mark, std::optional<core::decimal> index,
                                  std::optional<core::decimal> bid, std::optional<core::decimal> ask,
                                  core::decimal tick) {
    engine::market_prices p;
    p.mark = mark;
    p.last = mark;
    p.index = index.value_or(mark);
    if (bid && ask) {
        p.bid = *bid;
        p.ask = *ask;
        return p;
    }
    if (!tick.is_positive()) {
        p.bid = mark;
        p.ask = mark;
        return p;
    }
    p.bid = (mark - tick).floor_to_step(tick);
    p.ask = (mark + tick).ceil_to_step(tick);
    if (!p.bid.is_positive()) {
        p.bid = mark;  // a price below one tick: no room for a spread under it
    }
    return p;
}

order_status to_status(engine::order_status s) noexcept {
    switch (s) {
    case engine::order_status::new_: return order_status::new_;
    case engine::order_status::partially_filled: return order_status::partially_filled;
    case engine::order_status::filled: return order_status::filled;
    case engine::order_status::canceled: return order_status::canceled;
    case engine::order_status::expired: return order_status::expired;
    case engine::order_status::rejected: return order_status::rejected;
    }
    return order_status::rejected;
}

order_state to_order_state(const engine::order& o) {
    order_state s;
    s.symbol = o.symbol;
    s.venue_order_id = std::to_string(o.id);
    s.client_id = core::client_order_id::parse(o.client_id);
    s.raw_client_id = o.client_id;
    s.side = o.side;
    s.type = o.type;
    s.status = to_status(o.status);
    s.quantity = o.qty;
    s.filled_quantity = o.filled_qty;
    s.average_price = o.avg_price;
    if (o.type == core::order_type::limit) {
        s.price = o.price;
    }
    s.reduce_only = o.reduce_only || o.close_position;
    s.created_ms = engine::to_ms(o.created);
    s.updated_ms = engine::to_ms(o.updated);
    return s;
}

position_state to_position_state(const engine::position_view& p, std::int64_t now_ms) {
    position_state s;
    s.symbol = p.symbol;
    s.side = p.size.is_negative() ? core::position_side::short_ : core::position_side::long_;
    s.quantity = p.size.abs();
    s.entry_price = p.entry_price;
    s.mark_price = p.mark_price;
    s.unrealized_pnl = p.unrealized_pnl;
    if (p.liquidation_price.is_positive()) {
        s.liquidation_price = p.liquidation_price;
    }
    s.leverage = core::decimal::from_int(p.leverage);
    s.margin = p.mode == engine::margin_mode::isolated ? margin_mode::isolated : margin_mode::cross;
    s.updated_ms = now_ms;
    return s;
}

std::optional<stop_state> to_stop_state(const engine::conditional_order& c) {
    const auto& r = c.request;
    if (r.kind == engine::conditional_kind::take_profit_market) {
        return std::nullopt;
    }
    stop_state s;
    s.symbol = r.symbol;
    // The stop sells to protect a long and buys to protect a short.
    s.position = r.side == core::side::sell ? core::position_side::long_ : core::position_side::short_;
    if (r.kind == engine::conditional_kind::trailing_stop_market) {
        s.kind = stop_kind::trailing;
        s.callback_pct = r.callback_rate;
        s.activation_price = r.activation_price;
    } else {
        s.kind = stop_kind::fixed;
        s.trigger_price = r.trigger_price;
    }
    s.venue_id = std::to_string(c.id);
    s.client_id = core::client_order_id::parse(r.client_id);
    s.updated_ms = engine::to_ms(c.updated);
    return s;
}

error_kind kind_of(engine::reject_reason r) noexcept {
    using rr = engine::reject_reason;
    switch (r) {
    case rr::no_market_data: return error_kind::retryable;
    case rr::duplicate_client_id: return error_kind::duplicate_client_id;
    case rr::insufficient_margin: return error_kind::insufficient_margin;
    case rr::would_trigger_immediately:
    case rr::stop_loss_wrong_side:  // Bybit 10001 "... base_price": the stop is already crossed
    case rr::take_profit_wrong_side: return error_kind::would_trigger_immediately;
    case rr::reduce_only_rejected:
    case rr::reduce_only_no_position:
    case rr::zero_position: return error_kind::reduce_only_rejected;  // nothing to reduce or protect
    case rr::unknown_order:
    case rr::order_not_open: return error_kind::unknown_order;
    case rr::leverage_not_modified:
    case rr::margin_mode_not_modified:
    case rr::position_mode_not_modified:
    case rr::not_modified: return error_kind::no_change;
    case rr::unknown_account: return error_kind::auth;
    case rr::unknown_symbol:
    case rr::order_type_not_supported:
    case rr::invalid_parameter:
    case rr::invalid_price_precision:
    case rr::invalid_qty_precision:
    case rr::price_not_positive:
    case rr::price_below_min:
    case rr::price_above_max:
    case rr::invalid_price_tick:
    case rr::qty_not_positive:
    case rr::qty_too_small:
    case rr::qty_too_large:
    case rr::invalid_qty_step:
    case rr::price_above_percent_range:
    case rr::price_below_percent_range:
    case rr::market_price_out_of_percent_range:
    case rr::below_min_notional:
    case rr::max_position_at_leverage:  // past the bracket's notional cap (-2027 / 110090)
    case rr::max_open_orders:
    case rr::missing_price:
    case rr::invalid_client_id:
    case rr::position_side_mismatch:
    case rr::hedge_mode_not_supported:
    case rr::post_only_would_take:
    case rr::fok_not_filled:
    case rr::quantity_with_close_position:
    case rr::reduce_only_with_close_position:
    case rr::invalid_callback_rate:
    case rr::invalid_leverage:
    case rr::open_orders_exist:
    case rr::position_exists: return error_kind::invalid_request;
    }
    return error_kind::invalid_request;
}

error to_error(const engine::rejection& r, core::exchange_id reported, core::exchange_id emulated) {
    error e;
    e.kind = kind_of(r.reason);
    e.venue = reported;
    std::string text;
    if (emulated == core::exchange_id::bybit) {
        const auto b = engine::to_bybit_error(r);
        e.venue_code = b.ret_code;
        text = b.message;
    } else {
        const auto b = engine::to_binance_error(r);
        e.venue_code = b.code;
        text = b.message;
    }
    e.message = "paper " + std::string{engine::to_string(r.reason)} + ": " + text;
    return e;
}

core::decimal trailing_distance(core::decimal reference, core::decimal callback_pct, core::decimal tick) {
    const core::decimal raw =
        (reference * callback_pct).divide(core::decimal::from_int(100), 10, core::rounding::half_even);
    if (!tick.is_positive()) {
        return raw.normalized();
    }
    const core::decimal d = raw.nearest_step(tick);
    return d < tick ? tick : d;
}

engine::time_in_force to_engine(time_in_force t) noexcept {
    switch (t) {
    case time_in_force::gtc: return engine::time_in_force::gtc;
    case time_in_force::ioc: return engine::time_in_force::ioc;
    case time_in_force::fok: return engine::time_in_force::fok;
    case time_in_force::post_only: return engine::time_in_force::gtx;
    }
    return engine::time_in_force::gtc;
}

engine::margin_mode to_engine(margin_mode m) noexcept {
    return m == margin_mode::isolated ? engine::margin_mode::isolated : engine::margin_mode::cross;
}

error paper_error(core::exchange_id venue, error_kind kind, std::string message) {
    error e;
    e.kind = kind;
    e.venue = venue;
    e.message = "paper: " + std::move(message);
    return e;
}

}  // namespace tradebot::exchange::paper
