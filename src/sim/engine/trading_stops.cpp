#include "sim/engine/trading_stops.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "sim/engine/order_validator.hpp"
#include "tradebot/sim/engine/filters.hpp"
#include "tradebot/sim/engine/trigger_rules.hpp"

namespace tradebot::sim::engine {

namespace {

using leg_check = std::optional<rejection> (*)(core::position_side, core::decimal, core::decimal, working_type);

// A TP or SL leg of the request: zero clears it, any other price must pass the price filter
// and lie on the right side of the price it watches.
std::optional<rejection> check_leg(const symbol_state& st, core::position_side side, core::decimal price,
                                   working_type watched, leg_check check) {
    if (price.is_zero()) {
        return std::nullopt;
    }
    if (auto e = check_price_filter(st.spec, price)) {
        return e;
    }
    return check(side, price, st.prices->by(watched), watched);
}

}  // namespace

trading_stops::trading_stops(engine_context& ctx, const market_table& markets, account_book& accounts,
                             order_book& orders)
    : ctx_{ctx}, markets_{markets}, accounts_{accounts}, orders_{orders} {}

result<trading_stop> trading_stops::set(const account_id& a, const trading_stop_request& r) {
    const auto target = resolve_target(accounts_, markets_, a, r.symbol);
    if (!target) {
        return target.error();
    }
    const symbol_state* st = target->st;
    if (auto e = check_position_side(*target->acc, r.position_side)) {
        return *e;
    }
    account* acc = accounts_.find_mut(a);
    const auto* p = acc->find_position(r.symbol);
    if (p == nullptr || p->is_flat()) {
        return reject(reject_reason::zero_position);
    }
    if (!st->prices || !st->prices->valid()) {
        return reject(reject_reason::no_market_data);
    }
    const core::position_side side = *p->direction();
    const trading_stop* existing = acc->find_trading_stop(r.symbol);
    trading_stop next = existing ? *existing : trading_stop{};
    if (r.tp_trigger_by) {
        next.tp_trigger_by = *r.tp_trigger_by;
    }
    if (r.sl_trigger_by) {
        next.sl_trigger_by = *r.sl_trigger_by;
    }
    if (r.take_profit) {
        if (auto e = check_leg(*st, side, *r.take_profit, next.tp_trigger_by, check_take_profit)) {
            return *e;
        }
        next.take_profit = *r.take_profit;
    }
    if (r.stop_loss) {
        if (auto e = check_leg(*st, side, *r.stop_loss, next.sl_trigger_by, check_stop_loss)) {
            return *e;
        }
        next.stop_loss = *r.stop_loss;
    }
    if (r.active_price) {
        if (!r.active_price->is_zero()) {
            if (auto e = check_price_filter(st->spec, *r.active_price)) {
                return *e;
            }
        }
        next.active_price = *r.active_price;
    }
    if (r.trailing_stop) {
        if (r.trailing_stop->is_negative() ||
            (!r.trailing_stop->is_zero() && !r.trailing_stop->is_multiple_of(st->spec.tick_size))) {
            rejection e = reject(reject_reason::invalid_parameter);
            e.field = "trailingStop";
            e.submitted = *r.trailing_stop;
            return e;
        }
        next.trailing_stop = *r.trailing_stop;
    }
    if (existing ? next == *existing : next.empty()) {
        return reject(reject_reason::not_modified);
    }
    if (r.trailing_stop || r.active_price) {
        // A new distance or activation restarts tracking from the current last price.
        const core::decimal last = st->prices->last;
        const bool armed = next.active_price.is_zero() ||
                           (side == core::position_side::long_ ? last >= next.active_price : last <= next.active_price);
        next.trailing_active = !next.trailing_stop.is_zero() && armed;
        next.trailing_extreme = next.trailing_active ? last : core::decimal{};
    }
    if (next.empty()) {
        acc->clear_trading_stop(r.symbol);
    } else {
        acc->trading_stop_for(r.symbol) = next;
    }
    accounts_.emit_position(*acc, r.symbol, "TRADING_STOP");
    return next;
}

void trading_stops::run(const core::symbol& s) {
    const auto& st = markets_.at(s);
    if (!st.prices) {
        return;
    }
    const market_prices& p = *st.prices;
    for (auto& [id, acc] : accounts_.all()) {
        const auto* pos = acc.find_position(s);
        if (pos == nullptr || pos->is_flat() || acc.find_trading_stop(s) == nullptr) {
            continue;
        }
        trading_stop& ts = acc.trading_stop_for(s);
        const bool long_side = pos->size().is_positive();
        std::string leg;
        core::decimal level;
        const core::decimal sl_price = p.by(ts.sl_trigger_by);
        const core::decimal tp_price = p.by(ts.tp_trigger_by);
        if (!ts.stop_loss.is_zero() && (long_side ? sl_price <= ts.stop_loss : sl_price >= ts.stop_loss)) {
            leg = "stop_loss";
            level = ts.stop_loss;
        } else if (!ts.take_profit.is_zero() &&
                   (long_side ? tp_price >= ts.take_profit : tp_price <= ts.take_profit)) {
            leg = "take_profit";
            level = ts.take_profit;
        } else if (!ts.trailing_stop.is_zero()) {
            // Bybit's trailing stop follows the last traded price.
            const core::decimal last = p.last;
            if (!ts.trailing_active) {
                if (ts.active_price.is_zero() || (long_side ? last >= ts.active_price : last <= ts.active_price)) {
                    ts.trailing_active = true;
                    ts.trailing_extreme = last;
                }
            } else {
                ts.trailing_extreme = long_side ? std::max(ts.trailing_extreme, last) : std::min(ts.trailing_extreme, last);
                const core::decimal stop = ts.trailing_level(long_side ? core::position_side::long_ : core::position_side::short_);
                if (long_side ? last <= stop : last >= stop) {
                    leg = "trailing_stop";
                    level = stop;
                }
            }
        }
        if (leg.empty()) {
            continue;
        }
        // The event names the closing order before it exists: the id it will take.
        ctx_.emit(trading_stop_event{ctx_.now(), acc.id(), s, leg, level, ctx_.peek_id()});
        close_position_market(acc, s);
    }
}

void trading_stops::close_position_market(account& acc, const core::symbol& s) {
    const auto* p = acc.find_position(s);
    if (p == nullptr || p->is_flat()) {
        return;
    }
    order o = orders_.new_market(acc.id(), s, p->size().is_positive() ? core::side::sell : core::side::buy,
                                 p->abs_size(), order_origin::trading_stop);
    o.reduce_only = true;
    o.close_position = true;
    orders_.run_market(orders_.submit(std::move(o)));
}

}  // namespace tradebot::sim::engine
