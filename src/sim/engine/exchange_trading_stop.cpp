#include <algorithm>

#include "tradebot/sim/engine/exchange.hpp"
#include "tradebot/sim/engine/filters.hpp"
#include "tradebot/sim/engine/trigger_rules.hpp"

namespace tradebot::sim::engine {

result<trading_stop> exchange::set_trading_stop(const account_id& a, const trading_stop_request& r) {
    auto* acc = find_account_mut(a);
    if (acc == nullptr) {
        return reject(reject_reason::unknown_account);
    }
    const auto* st = find_symbol(r.symbol);
    if (st == nullptr) {
        return reject(reject_reason::unknown_symbol);
    }
    if (auto e = check_position_side(*acc, r.position_side)) {
        return *e;
    }
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
        if (!r.take_profit->is_zero()) {
            if (auto e = check_price_filter(st->spec, *r.take_profit)) {
                return *e;
            }
            if (auto e = check_take_profit(side, *r.take_profit, st->prices->by(next.tp_trigger_by), next.tp_trigger_by)) {
                return *e;
            }
        }
        next.take_profit = *r.take_profit;
    }
    if (r.stop_loss) {
        if (!r.stop_loss->is_zero()) {
            if (auto e = check_price_filter(st->spec, *r.stop_loss)) {
                return *e;
            }
            if (auto e = check_stop_loss(side, *r.stop_loss, st->prices->by(next.sl_trigger_by), next.sl_trigger_by)) {
                return *e;
            }
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
    emit_position(*acc, r.symbol, "TRADING_STOP");
    return next;
}

void exchange::run_trading_stops(const core::symbol& s) {
    const auto& st = symbols_.at(s);
    if (!st.prices) {
        return;
    }
    const market_prices& p = *st.prices;
    for (auto& [id, acc] : accounts_) {
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
        const auto child = static_cast<order_id>(id_counter_);  // the id close_position_market takes
        events_.emplace_back(trading_stop_event{now(), acc.id(), s, leg, level, child});
        close_position_market(acc, s, order_origin::trading_stop, std::nullopt);
    }
}

}  // namespace tradebot::sim::engine
