#pragma once

#include <optional>
#include <string>

#include "sim/bybit/context.hpp"
#include "sim/bybit/protocol.hpp"

namespace tradebot::sim::bybit {

// An order the client names by orderId (public id, see id_aliases) or orderLinkId.
struct located {
    const engine::order* order = nullptr;
    const engine::conditional_order* conditional = nullptr;
    engine::order_id public_id = 0;
    std::string link;
};

[[nodiscard]] located locate(const context& ctx, const engine::account_id& a, const core::symbol& s,
                             const request& r);

// The engine's rejection as Bybit's retCode/retMsg (engine/venue_errors.hpp).
[[nodiscard]] outcome rejected(const engine::rejection& e);

// {"orderId","orderLinkId"} acknowledgement.
[[nodiscard]] json::object ack(engine::order_id public_id, const std::string& link);

}  // namespace tradebot::sim::bybit
