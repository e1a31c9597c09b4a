#include <type_traits>

#include "sim/bybit/render.hpp"
#include "sim/bybit/streams.hpp"

namespace tradebot::sim::bybit {

namespace {

constexpr std::size_t max_executions = 10'000;
constexpr int fee_scale = 8;

core::decimal pro_rata(core::decimal amount, core::decimal part, core::decimal whole) {
    return whole.is_positive() ? (amount * part).divide(whole, fee_scale, core::rounding::half_even) : core::decimal{};
}

// Moves the fill's opening fee into the position's pool and returns the pool's share of the part
// it closed: Bybit's closed PnL subtracts the opening as well as the closing fees.
core::decimal take_open_fee(context& ctx, const engine::fill_event& e) {
    auto& pool = ctx.open_fees[{e.record.account, e.record.symbol}];
    core::decimal taken;
    if (e.closed_qty.is_positive()) {
        taken = pro_rata(pool.fee, e.closed_qty, pool.size);
        pool.fee -= taken;
        pool.size -= e.closed_qty;
    }
    const core::decimal opened = e.qty - e.closed_qty;
    if (opened.is_positive()) {
        pool.size += opened;
        pool.fee += pro_rata(e.fee, opened, e.qty);
    }
    if (!pool.size.is_positive()) {
        pool = {};
    }
    return taken;
}

void on_event(context& ctx, const engine::event& ev) {
    std::visit(
        [&ctx](const auto& e) {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, engine::order_event>) {
                ctx.orders[e.record.id] = e.record;
                if (ctx.aliases.hidden.count(e.record.id) != 0) {
                    return;  // replaced by an amend: the client keeps seeing one order
                }
                publish_private(ctx, e.record.account, "order", json::array{order_json(ctx, e.record)});
            } else if constexpr (std::is_same_v<T, engine::fill_event>) {
                ctx.orders[e.record.id] = e.record;
                const auto* p = ctx.ex.prices(e.record.symbol);
                execution_record rec{e, p ? p->mark : e.price, ++ctx.exec_seq, take_open_fee(ctx, e)};
                ctx.executions.push_back(rec);
                while (ctx.executions.size() > max_executions) {
                    ctx.executions.pop_front();
                }
                ctx.klines.on_trade(e.record.symbol, e.qty, e.price, engine::to_ms(e.time));
                publish_private(ctx, e.record.account, "execution", json::array{execution_json(ctx, rec, true)});
                publish_private(ctx, e.record.account, "order", json::array{order_json(ctx, e.record)});
                publish_trade(ctx, e);
                const auto pending = ctx.pending_tpsl.find(e.record.id);
                if (pending != ctx.pending_tpsl.end()) {
                    const auto req = pending->second;
                    ctx.pending_tpsl.erase(pending);
                    // [U] a TP/SL that no longer fits the base price at fill time is dropped.
                    (void)ctx.ex.set_trading_stop(e.record.account, req);
                }
            } else if constexpr (std::is_same_v<T, engine::conditional_event>) {
                ctx.conditionals[e.record.id] = e.record;
                if (ctx.aliases.hidden.count(e.record.id) != 0) {
                    return;
                }
                publish_private(ctx, e.record.account, "order", json::array{conditional_json(ctx, e.record)});
            } else if constexpr (std::is_same_v<T, engine::position_event>) {
                const auto key = std::make_pair(e.account, e.symbol);
                if (e.size.is_zero()) {
                    ctx.position_opened.erase(key);
                } else if (ctx.position_opened.find(key) == ctx.position_opened.end()) {
                    ctx.position_opened[key] = e.time;
                }
                publish_private(ctx, e.account, "position", json::array{position_json(ctx, e.account, e.symbol, true)});
            } else if constexpr (std::is_same_v<T, engine::balance_event>) {
                publish_private(ctx, e.account, "wallet", json::array{wallet_json(ctx, e.account)});
            } else if constexpr (std::is_same_v<T, engine::trading_stop_event>) {
                ctx.tpsl_leg[e.order] = e.leg;
            }
            // funding_event / liquidation_event: [not implemented] execType=Funding executions.
        },
        ev);
}

}  // namespace

void drain_events(context& ctx) {
    // Applying a pending TP/SL creates new events, so drain until the engine is quiet.
    for (int round = 0; round < 8; ++round) {
        auto events = ctx.ex.drain_events();
        if (events.empty()) {
            return;
        }
        for (const auto& ev : events) {
            on_event(ctx, ev);
        }
    }
}

}  // namespace tradebot::sim::bybit
