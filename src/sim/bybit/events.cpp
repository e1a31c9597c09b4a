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

constexpr std::size_t max_transactions = 10'000;

void add_transaction(context& ctx, transaction_record rec) {
    rec.id = ++ctx.transaction_id;
    ctx.transactions.push_back(std::move(rec));
    while (ctx.transactions.size() > max_transactions) {
        ctx.transactions.pop_front();
    }
}

// The newest row of the account still waiting for what the engine reports after it.
transaction_record* open_transaction(context& ctx, const engine::account_id& a, bool want_size) {
    for (auto it = ctx.transactions.rbegin(); it != ctx.transactions.rend(); ++it) {
        if (it->account == a) {
            const bool waiting = want_size ? !it->size.has_value() : !it->cash_balance.has_value();
            return waiting ? &*it : nullptr;
        }
    }
    return nullptr;
}

transaction_record trade_transaction(const context& ctx, const engine::fill_event& e) {
    transaction_record t;
    t.account = e.record.account;
    t.symbol = e.record.symbol;
    // [U] A liquidation's fill is logged under the documented LIQUIDATION type.
    t.type = e.record.origin == engine::order_origin::liquidation ? "LIQUIDATION" : "TRADE";
    t.side = std::string{side_text(e.record.side)};
    t.time = e.time;
    t.qty = e.qty;
    t.trade_price = e.price;
    t.fee = e.fee;
    t.cash_flow = e.realized_pnl;
    const auto* acc = ctx.ex.find_account(e.record.account);
    t.fee_rate = acc != nullptr ? acc->fee_rate(e.role) : core::decimal{};
    t.trade_id = std::to_string(e.trade_id);
    t.order_id = e.record.id;
    return t;
}

transaction_record settlement_transaction(const engine::funding_event& e) {
    transaction_record t;
    t.account = e.account;
    t.symbol = e.symbol;
    t.type = "SETTLEMENT";
    t.side = e.position_size.is_positive() ? "Buy" : e.position_size.is_negative() ? "Sell" : "None";
    t.time = e.time;
    t.qty = e.position_size.abs();
    t.trade_price = e.mark;
    t.funding = e.amount;
    t.fee_rate = e.rate;  // [U] a settlement row's feeRate: the funding rate
    t.size = e.position_size;
    return t;
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
                add_transaction(ctx, trade_transaction(ctx, e));
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
                if (auto* t = open_transaction(ctx, e.account, true); t != nullptr && t->symbol == e.symbol) {
                    t->size = e.size;
                }
                const auto key = std::make_pair(e.account, e.symbol);
                if (e.size.is_zero()) {
                    ctx.position_opened.erase(key);
                } else if (ctx.position_opened.find(key) == ctx.position_opened.end()) {
                    ctx.position_opened[key] = e.time;
                }
                publish_private(ctx, e.account, "position", json::array{position_json(ctx, e.account, e.symbol, true)});
            } else if constexpr (std::is_same_v<T, engine::balance_event>) {
                if (auto* t = open_transaction(ctx, e.account, false); t != nullptr && e.asset == ctx.ex.config().settlement_asset) {
                    t->cash_balance = e.wallet_balance;
                }
                publish_private(ctx, e.account, "wallet", json::array{wallet_json(ctx, e.account)});
            } else if constexpr (std::is_same_v<T, engine::trading_stop_event>) {
                ctx.tpsl_leg[e.order] = e.leg;
            } else if constexpr (std::is_same_v<T, engine::funding_event>) {
                add_transaction(ctx, settlement_transaction(e));
            }
            // liquidation_event: its fill is a TRADE row; [not implemented] execType=Funding executions.
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
