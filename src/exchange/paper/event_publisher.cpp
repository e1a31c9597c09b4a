#include "exchange/paper/event_publisher.hpp"

#include <string>
#include <type_traits>
#include <variant>

namespace tradebot::exchange::paper {

namespace engine = sim::engine;

namespace {

events::order_status to_event_status(engine::order_status s) noexcept {
    switch (s) {
    case engine::order_status::new_: return events::order_status::new_;
    case engine::order_status::partially_filled: return events::order_status::partially_filled;
    case engine::order_status::filled: return events::order_status::filled;
    case engine::order_status::canceled: return events::order_status::canceled;
    case engine::order_status::expired: return events::order_status::expired;
    case engine::order_status::rejected: return events::order_status::rejected;
    }
    return events::order_status::rejected;
}

events::order_status to_event_status(engine::conditional_status s) noexcept {
    switch (s) {
    case engine::conditional_status::new_: return events::order_status::untriggered;
    case engine::conditional_status::triggered: return events::order_status::triggered;
    case engine::conditional_status::canceled: return events::order_status::canceled;
    case engine::conditional_status::expired: return events::order_status::expired;
    case engine::conditional_status::rejected: return events::order_status::rejected;
    }
    return events::order_status::rejected;
}

core::order_type to_order_type(engine::conditional_kind k) noexcept {
    switch (k) {
    case engine::conditional_kind::stop_market: return core::order_type::stop_market;
    case engine::conditional_kind::take_profit_market: return core::order_type::take_profit_market;
    case engine::conditional_kind::trailing_stop_market: return core::order_type::trailing_stop_market;
    }
    return core::order_type::stop_market;
}

class publisher {
public:
    publisher(const engine::exchange& e, const engine::account_id& account, const event_sinks& sinks)
        : engine_{e}, account_{account}, sinks_{sinks} {}

    void operator()(const engine::order_event& e) const {
        if (sinks_.orders != nullptr) {
            sinks_.orders->publish(from_order(e.record, e.time));
        }
        finish_parent(e.record, e.time);
    }

    void operator()(const engine::fill_event& e) const {
        if (sinks_.orders != nullptr) {
            auto u = from_order(e.record, e.time);
            u.last_fill_quantity = e.qty;
            u.last_fill_price = e.price;
            u.fee = e.fee;
            u.realized_pnl = e.realized_pnl;
            u.trade_id = std::to_string(e.trade_id);
            sinks_.orders->publish(u);
        }
        finish_parent(e.record, e.time);
    }

    void operator()(const engine::conditional_event& e) const {
        if (sinks_.orders != nullptr) {
            sinks_.orders->publish(from_conditional(e.record, e.time));
        }
    }

    void operator()(const engine::position_event& e) const {
        if (sinks_.positions == nullptr) {
            return;
        }
        events::position_update u;
        u.exchange = sinks_.venue;
        u.symbol = e.symbol;
        // One-way mode: the side is the sign; a closed position reads long_ with quantity 0, as
        // Binance's ACCOUNT_UPDATE decodes.
        u.side = e.size.is_negative() ? core::position_side::short_ : core::position_side::long_;
        u.quantity = e.size.abs();
        u.entry_price = e.entry_price;
        if (const auto* p = engine_.prices(e.symbol)) {
            u.mark_price = p->mark;
        }
        u.unrealized_pnl = e.unrealized_pnl;
        if (const auto* acc = engine_.find_account(account_)) {
            u.leverage = static_cast<std::uint32_t>(acc->leverage(e.symbol));
        }
        u.exchange_ts = e.time;
        u.receive_ts = e.time;
        sinks_.positions->publish(u);
    }

    void operator()(const engine::balance_event& e) const {
        if (sinks_.balances == nullptr) {
            return;
        }
        events::balance_update u;
        u.exchange = sinks_.venue;
        u.asset = e.asset;
        u.wallet_balance = e.wallet_balance;
        if (const auto view = engine_.account_state(account_)) {
            u.available_balance = view->available_balance;
        }
        u.exchange_ts = e.time;
        u.receive_ts = e.time;
        sinks_.balances->publish(u);
    }

    void operator()(const engine::funding_event&) const {}
    void operator()(const engine::liquidation_event&) const {}
    void operator()(const engine::trading_stop_event&) const {}

private:
    [[nodiscard]] events::order_update from_order(const engine::order& o, engine::time_point t) const {
        events::order_update u;
        u.exchange = sinks_.venue;
        u.symbol = o.symbol;
        u.client_order_id = o.client_id;
        u.exchange_order_id = std::to_string(o.id);
        u.side = o.side;
        u.type = o.type;
        u.status = to_event_status(o.status);
        u.reduce_only = o.reduce_only || o.close_position;
        if (o.type == core::order_type::limit) {
            u.price = o.price;
        }
        u.quantity = o.qty;
        u.filled_quantity = o.filled_qty;
        u.average_price = o.avg_price;
        u.fee_asset = settlement_asset();
        u.exchange_ts = t;
        u.receive_ts = t;
        return u;
    }

    [[nodiscard]] events::order_update from_conditional(const engine::conditional_order& c,
                                                        engine::time_point t) const {
        const auto& r = c.request;
        events::order_update u;
        u.exchange = sinks_.venue;
        u.symbol = r.symbol;
        u.client_order_id = r.client_id;
        u.exchange_order_id = std::to_string(c.id);
        u.side = r.side;
        u.type = to_order_type(r.kind);
        u.status = to_event_status(c.status);
        u.reduce_only = r.reduce_only || r.close_position;
        if (r.kind != engine::conditional_kind::trailing_stop_market) {
            u.stop_price = r.trigger_price;
        }
        u.quantity = r.qty;
        u.fee_asset = settlement_asset();
        u.exchange_ts = t;
        u.receive_ts = t;
        return u;
    }

    void finish_parent(const engine::order& child, engine::time_point t) const {
        if (sinks_.orders == nullptr || !child.parent_id || child.is_open()) {
            return;
        }
        engine::order_ref ref;
        ref.id = child.parent_id;
        const auto* parent = engine_.find_conditional(account_, ref);
        if (parent == nullptr) {
            return;
        }
        auto u = from_conditional(*parent, t);
        u.status = child.filled_qty.is_positive() ? events::order_status::filled : events::order_status::canceled;
        u.quantity = child.qty;
        u.filled_quantity = child.filled_qty;
        u.average_price = child.avg_price;
        sinks_.orders->publish(u);
    }

    [[nodiscard]] std::string settlement_asset() const {
        const auto* acc = engine_.find_account(account_);
        return acc != nullptr ? acc->settlement_asset() : std::string{};
    }

    const engine::exchange& engine_;
    const engine::account_id& account_;
    const event_sinks& sinks_;
};

}  // namespace

void publish(const std::vector<engine::event>& log, const engine::exchange& engine,
             const engine::account_id& account, const event_sinks& sinks) {
    const publisher p{engine, account, sinks};
    for (const auto& e : log) {
        if (engine::event_account(e) == account) {
            std::visit(p, e);
        }
    }
}

}  // namespace tradebot::exchange::paper
