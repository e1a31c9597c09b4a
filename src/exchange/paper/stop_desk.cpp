#include "tradebot/exchange/paper/stop_desk.hpp"

#include <charconv>
#include <utility>

#include "exchange/paper/convert.hpp"

namespace tradebot::exchange::paper {

namespace engine = sim::engine;

namespace {

std::optional<engine::order_id> parse_id(const std::string& text) {
    engine::order_id id = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, id);
    return ec == std::errc{} && ptr == end && !text.empty() ? std::optional{id} : std::nullopt;
}

}  // namespace

stop_desk::stop_desk(engine::exchange& engine, const engine::account_id& account, const core::clock& clock,
                     core::exchange_id venue, core::exchange_id emulate, std::function<void()> published)
    : engine_{engine},
      account_{account},
      clock_{clock},
      venue_{venue},
      emulate_{emulate},
      published_{std::move(published)} {}

result<stop_state> stop_desk::place(const stop_request& request) {
    return emulate_ == core::exchange_id::bybit ? place_position_stop(request) : place_conditional_stop(request);
}

result<stop_state> stop_desk::amend(const stop_state& current, const stop_request& request) {
    if (emulate_ == core::exchange_id::bybit) {
        return place_position_stop(request);  // one trading-stop call replaces it in place
    }
    // Algo orders cannot be modified: the new one first, then the old one goes (DESIGN.md rule 3).
    // If the cancel fails both stay: two close-position stops are harmless, none is not.
    auto placed = place_conditional_stop(request);
    if (placed) {
        (void)cancel(current);
    }
    return placed;
}

std::vector<stop_state> stop_desk::open(const std::optional<core::symbol>& symbol) const {
    return emulate_ == core::exchange_id::bybit ? position_stops(symbol) : conditional_stops(symbol);
}

error stop_desk::fail(error_kind kind, std::string message) const {
    return paper_error(venue_, kind, std::move(message));
}

error stop_desk::rejected(const engine::rejection& r) const { return to_error(r, venue_, emulate_); }

result<stop_state> stop_desk::place_conditional_stop(const stop_request& request) {
    engine::conditional_request c;
    c.symbol = request.symbol;
    c.side = core::exit_side(request.position);
    c.working = request.trigger_by == stop_trigger::last ? engine::working_type::last : engine::working_type::mark;
    c.client_id = request.client_id.str();
    if (request.kind == stop_kind::fixed) {
        c.kind = engine::conditional_kind::stop_market;
        c.close_position = true;
        c.trigger_price = request.trigger_price;
    } else {
        // TRAILING_STOP_MARKET cannot closePosition: it carries the position's size, reduce-only.
        const auto pos = engine_.position(account_, request.symbol);
        const bool matches = pos && !pos->size.is_zero() &&
                             (pos->size.is_positive() == (request.position == core::position_side::long_));
        if (!matches) {
            return fail(error_kind::reduce_only_rejected, "no " + std::string{core::to_string(request.position)} +
                                                              " position on " + request.symbol.str() +
                                                              " for a trailing stop");
        }
        c.kind = engine::conditional_kind::trailing_stop_market;
        c.qty = pos->size.abs();
        c.reduce_only = true;
        c.callback_rate = request.callback_pct;
        c.activation_price = request.activation_price;
    }
    const auto placed = engine_.place_conditional(account_, c);
    if (!placed) {
        return rejected(placed.error());
    }
    published_();
    return *to_stop_state(placed.value());
}

result<stop_state> stop_desk::place_position_stop(const stop_request& request) {
    const auto pos = engine_.position(account_, request.symbol);
    const bool matches = pos && !pos->size.is_zero() &&
                         (pos->size.is_positive() == (request.position == core::position_side::long_));
    if (!matches) {
        return fail(error_kind::reduce_only_rejected,
                    "no " + std::string{core::to_string(request.position)} + " position on " + request.symbol.str());
    }
    engine::trading_stop_request t;
    t.symbol = request.symbol;
    stop_state out;
    out.symbol = request.symbol;
    out.position = request.position;
    out.kind = request.kind;
    std::optional<trailing_memo> memo;
    if (request.kind == stop_kind::fixed) {
        if (!request.trigger_price.is_positive()) {
            return fail(error_kind::invalid_request, "stop without a trigger price");
        }
        t.stop_loss = request.trigger_price;
        t.sl_trigger_by =
            request.trigger_by == stop_trigger::last ? engine::working_type::last : engine::working_type::mark;
        t.trailing_stop = core::decimal{};  // a trailing leg from an earlier attempt would fight it
        out.trigger_price = request.trigger_price;
    } else {
        const core::decimal reference = request.activation_price.value_or(pos->mark_price);
        if (!reference.is_positive() || !request.callback_pct.is_positive()) {
            return fail(error_kind::invalid_request, "trailing stop without percent or price");
        }
        const core::decimal tick = engine_.find_instrument(request.symbol)->tick_size;
        memo = trailing_memo{trailing_distance(reference, request.callback_pct, tick), request.callback_pct};
        t.trailing_stop = memo->distance;
        // Zero re-arms at once; an absent field would keep an earlier attempt's activation.
        t.active_price = request.activation_price.value_or(core::decimal{});
        out.callback_pct = request.callback_pct;
        out.activation_price = request.activation_price;
    }
    const auto set = engine_.set_trading_stop(account_, t);
    if (!set && set.reason() != engine::reject_reason::not_modified) {  // the very same stop: fine
        return rejected(set.error());
    }
    if (memo) {
        trailing_[request.symbol] = *memo;
    }
    published_();
    out.updated_ms = clock_.now_ms();
    return out;
}

result<void> stop_desk::cancel(const stop_state& stop) {
    if (emulate_ == core::exchange_id::bybit) {
        engine::trading_stop_request t;
        t.symbol = stop.symbol;
        t.stop_loss = core::decimal{};
        if (stop.kind == stop_kind::trailing) {
            t.trailing_stop = core::decimal{};
        }
        const auto set = engine_.set_trading_stop(account_, t);
        if (!set) {
            const auto reason = set.reason();
            if (reason == engine::reject_reason::not_modified || reason == engine::reject_reason::zero_position) {
                return fail(error_kind::unknown_order, "no stop on " + stop.symbol.str());  // already gone
            }
            return rejected(set.error());
        }
        published_();
        return {};
    }
    engine::order_ref ref;
    ref.id = parse_id(stop.venue_id);
    if (!ref.id) {
        if (!stop.client_id) {
            return fail(error_kind::invalid_request, "cancel_stop without algo id or client id");
        }
        ref.client_id = stop.client_id->str();
    }
    const auto cancelled = engine_.cancel_conditional(account_, stop.symbol, ref);
    if (!cancelled) {
        return rejected(cancelled.error());
    }
    published_();
    return {};
}

std::vector<stop_state> stop_desk::conditional_stops(std::optional<core::symbol> symbol) const {
    std::vector<stop_state> out;
    for (const auto& c : engine_.open_conditionals(account_, symbol)) {
        if (auto s = to_stop_state(c)) {
            out.push_back(std::move(*s));
        }
    }
    return out;
}

std::vector<stop_state> stop_desk::position_stops(std::optional<core::symbol> symbol) const {
    std::vector<stop_state> out;
    const auto view = engine_.account_state(account_);
    if (!view) {
        return out;
    }
    for (const auto& p : view->positions) {
        if ((symbol && p.symbol != *symbol) || !p.stop || (p.stop->stop_loss.is_zero() && p.stop->trailing_stop.is_zero())) {
            continue;
        }
        const auto& ts = *p.stop;
        stop_state s;
        s.symbol = p.symbol;
        s.position = p.size.is_negative() ? core::position_side::short_ : core::position_side::long_;
        if (!ts.trailing_stop.is_zero()) {
            s.kind = stop_kind::trailing;
            const auto memo = trailing_.find(p.symbol);
            if (memo != trailing_.end() && memo->second.distance == ts.trailing_stop) {
                s.callback_pct = memo->second.callback_pct;
            } else if (p.entry_price.is_positive()) {
                s.callback_pct = (ts.trailing_stop * core::decimal::from_int(100))
                                     .divide(p.entry_price, 4, core::rounding::half_even);
            }
            if (!ts.active_price.is_zero()) {
                s.activation_price = ts.active_price;
            }
            if (!ts.stop_loss.is_zero()) {
                s.trigger_price = ts.stop_loss;  // as Bybit's position/list: both legs in one entry
            }
        } else {
            s.kind = stop_kind::fixed;
            s.trigger_price = ts.stop_loss;
        }
        s.updated_ms = clock_.now_ms();
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace tradebot::exchange::paper
