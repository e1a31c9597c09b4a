#pragma once

// The pieces of one Bybit frame after a single on-demand pass (private to the codec).

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "exchange/json_scan.hpp"
#include "exchange/staged_decode.hpp"
#include "tradebot/exchange/bybit/stream_codec.hpp"

namespace tradebot::exchange::bybit::detail {

struct item {
    json::fields scalars;
    std::vector<json::fields> coins;  // wallet: coin[]
};

using level = std::pair<std::string_view, std::string_view>;  // price, size

struct frame {
    json::fields top;
    json::fields data;  // "data" when it is an object (tickers, orderbook)
    std::vector<item> items;  // "data" when it is an array (publicTrade, private topics)
    std::optional<level> best_bid;  // orderbook data.b[0]
    std::optional<level> best_ask;  // orderbook data.a[0]
    bool data_is_object = false;
    bool data_is_array = false;

    void clear() {
        top.clear();
        data.clear();
        items.clear();
        best_bid.reset();
        best_ask.reset();
        data_is_object = data_is_array = false;
    }
};

using context = decode_context;

// private_topics.cpp
decoded decode_orders(const frame& f, const context& c);
decoded decode_executions(const frame& f, const context& c);
decoded decode_positions(const frame& f, const context& c);
decoded decode_wallet(const frame& f, const context& c);

}  // namespace tradebot::exchange::bybit::detail
