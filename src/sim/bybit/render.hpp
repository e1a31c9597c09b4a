#pragma once

#include <optional>

#include "sim/bybit/context.hpp"
#include "sim/bybit/protocol.hpp"

namespace tradebot::sim::bybit {

// The Bybit JSON of the engine's records, shared by REST and the private stream.
[[nodiscard]] json::object order_json(const context& ctx, const engine::order& o);
[[nodiscard]] json::object conditional_json(const context& ctx, const engine::conditional_order& c);
[[nodiscard]] json::object execution_json(const context& ctx, const execution_record& e, bool ws);
// REST position/list item (ws=false) or `position` topic item (entryPrice, category).
[[nodiscard]] json::object position_json(const context& ctx, const engine::account_id& a, const core::symbol& s,
                                         bool ws);
// result.list[0] of wallet-balance and the `wallet` topic item.
[[nodiscard]] json::object wallet_json(const context& ctx, const engine::account_id& a);

[[nodiscard]] std::string_view status_text(const engine::order& o) noexcept;
[[nodiscard]] std::string_view status_text(const engine::conditional_order& c) noexcept;

}  // namespace tradebot::sim::bybit
