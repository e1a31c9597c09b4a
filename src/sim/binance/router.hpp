#pragma once

#include <string_view>

#include "sim/binance/auth.hpp"

namespace tradebot::sim::binance {

using handler_fn = wire::reply (*)(context&, call&);
using weight_fn = int (*)(const call&);

struct route {
    std::string_view method;
    std::string_view path;
    security level = security::none;
    weight_fn weight = nullptr;
    bool counts_order = false;  // ORDERS counters and X-MBX-ORDER-COUNT-* headers
    handler_fn handler = nullptr;
};

// nullptr for an unknown method + path.
const route* find_route(std::string_view method, std::string_view path);

}  // namespace tradebot::sim::binance
