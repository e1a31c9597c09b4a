#pragma once

// The pieces of one Binance frame after a single on-demand pass (private to the codec).

#include <string_view>
#include <vector>

#include "exchange/json_scan.hpp"
#include "exchange/staged_decode.hpp"
#include "tradebot/exchange/binance/stream_codec.hpp"

namespace tradebot::exchange::binance::detail {

struct frame {
    json::fields top;      // root scalars; in a combined frame also those of "data"
    json::fields order;    // "o" of ORDER_TRADE_UPDATE / ALGO_UPDATE
    json::fields account;  // "a" of ACCOUNT_UPDATE
    std::vector<json::fields> balances;     // a.B[]
    std::vector<json::fields> positions;    // a.P[]
    std::vector<json::fields> array_items;  // a root array or an array "data" (!markPrice@arr)
    std::vector<std::string_view> result_list;
    bool has_order = false;
    bool has_account = false;
    bool is_array = false;
    bool has_result_list = false;

    void clear() {
        top.clear();
        order.clear();
        account.clear();
        balances.clear();
        positions.clear();
        array_items.clear();
        result_list.clear();
        has_order = has_account = is_array = has_result_list = false;
    }
};

using context = decode_context;

// user_events.cpp
decoded decode_order_trade_update(const frame& f, const context& c);
decoded decode_algo_update(const frame& f, const context& c);
decoded decode_account_update(const frame& f, const context& c);
decoded decode_listen_key_expired(const frame& f, const context& c);

}  // namespace tradebot::exchange::binance::detail
