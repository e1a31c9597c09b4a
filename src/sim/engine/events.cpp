#include "tradebot/sim/engine/events.hpp"

#include <string>
#include <type_traits>

namespace tradebot::sim::engine {

namespace {

std::string d(core::decimal v) { return v.to_string(); }

std::string order_line(const order& o) {
    return std::to_string(o.id) + " " + o.client_id + " " + o.symbol.str() + " " + std::string{core::to_string(o.side)} +
           " " + std::string{core::to_string(o.type)} + " " + std::string{to_string(o.status)} + " qty=" + d(o.qty) +
           " filled=" + d(o.filled_qty) + " avg=" + d(o.avg_price) + " price=" + d(o.price) +
           (o.reduce_only ? " reduce_only" : "") + " origin=" + std::string{to_string(o.origin)};
}

std::string conditional_line(const conditional_order& c) {
    const auto& r = c.request;
    std::string line = std::to_string(c.id) + " " + r.client_id + " " + r.symbol.str() + " " +
                       std::string{core::to_string(r.side)} + " " + std::string{to_string(r.kind)} + " " +
                       std::string{to_string(c.status)} + " trigger=" + d(r.trigger_price) + " qty=" + d(r.qty) +
                       (r.close_position ? " close_position" : "");
    if (c.triggered_order_id) {
        line += " order=" + std::to_string(*c.triggered_order_id);
    }
    return line;
}

}  // namespace

time_point event_time(const event& e) {
    return std::visit([](const auto& v) { return v.time; }, e);
}

const account_id& event_account(const event& e) {
    return std::visit(
        [](const auto& v) -> const account_id& {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, order_event> || std::is_same_v<T, fill_event>) {
                return v.record.account;
            } else if constexpr (std::is_same_v<T, conditional_event>) {
                return v.record.account;
            } else {
                return v.account;
            }
        },
        e);
}

std::string to_string(const event& e) {
    const std::string head = std::to_string(to_ms(event_time(e))) + " " + event_account(e) + " ";
    return head + std::visit(
                      [](const auto& v) -> std::string {
                          using T = std::decay_t<decltype(v)>;
                          if constexpr (std::is_same_v<T, order_event>) {
                              return (v.amended ? "amend " : "order ") + order_line(v.record);
                          } else if constexpr (std::is_same_v<T, fill_event>) {
                              return "fill " + order_line(v.record) + " trade=" + std::to_string(v.trade_id) +
                                     " qty=" + d(v.qty) + " price=" + d(v.price) + " fee=" + d(v.fee) +
                                     " pnl=" + d(v.realized_pnl) + " " + std::string{to_string(v.role)};
                          } else if constexpr (std::is_same_v<T, conditional_event>) {
                              return "conditional " + conditional_line(v.record);
                          } else if constexpr (std::is_same_v<T, position_event>) {
                              return "position " + v.symbol.str() + " size=" + d(v.size) + " entry=" +
                                     d(v.entry_price) + " upnl=" + d(v.unrealized_pnl) + " " + v.reason;
                          } else if constexpr (std::is_same_v<T, balance_event>) {
                              return "balance " + v.asset + " wallet=" + d(v.wallet_balance) + " change=" +
                                     d(v.change) + " " + v.reason;
                          } else if constexpr (std::is_same_v<T, funding_event>) {
                              return "funding " + v.symbol.str() + " rate=" + d(v.rate) + " mark=" + d(v.mark) +
                                     " size=" + d(v.position_size) + " amount=" + d(v.amount);
                          } else if constexpr (std::is_same_v<T, liquidation_event>) {
                              return "liquidation " + v.symbol.str() + " size=" + d(v.size) + " price=" +
                                     d(v.price) + " pnl=" + d(v.realized_pnl) + " " +
                                     std::string{to_string(v.mode)};
                          } else {
                              return "trading_stop " + v.symbol.str() + " " + v.leg + " trigger=" +
                                     d(v.trigger_price) + " order=" + std::to_string(v.order);
                          }
                      },
                      e);
}

}  // namespace tradebot::sim::engine
