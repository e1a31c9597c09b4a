#include "tradebot/sim/engine/venue_errors.hpp"

#include <string>

namespace tradebot::sim::engine {

namespace {

std::string plain(const std::optional<core::decimal>& v) { return v ? v->normalized().to_string() : std::string{}; }

// Bybit prints prices and quantities in retMsg as integers scaled by 1e8.
std::string fixed8(const std::optional<core::decimal>& v) {
    if (!v) {
        return "0";
    }
    return std::to_string(v->rescale(8, core::rounding::half_even).mantissa());
}

std::string bybit_trigger_name(const std::optional<working_type>& w) {
    switch (w.value_or(working_type::last)) {
    case working_type::mark: return "MarkPrice";
    case working_type::index: return "IndexPrice";
    case working_type::last: return "LastPrice";
    }
    return "LastPrice";
}

bool position_mode_context(const rejection& r) { return r.field == "dualSidePosition"; }

}  // namespace

binance_error to_binance_error(const rejection& r) {
    switch (r.reason) {
    case reject_reason::unknown_symbol: return {400, -1121, "Invalid symbol."};
    case reject_reason::unknown_account: return {401, -2015, "Invalid API-key, IP, or permissions for action."};
    case reject_reason::order_type_not_supported:
        return {400, -4120, "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead."};
    case reject_reason::invalid_parameter:
    case reject_reason::invalid_callback_rate:
        return {400, -1130, "Data sent for parameter '" + r.field + "' is not valid."};
    case reject_reason::invalid_price_precision:
    case reject_reason::invalid_qty_precision:
        return {400, -1111, "Precision is over the maximum defined for this asset."};
    case reject_reason::price_not_positive:
    case reject_reason::price_below_min: return {400, -4013, "Price less than min price."};
    case reject_reason::price_above_max: return {400, -4002, "Price greater than max price."};
    case reject_reason::invalid_price_tick: return {400, -4014, "Price not increased by tick size."};
    case reject_reason::qty_not_positive: return {400, -4003, "Quantity less than zero."};
    case reject_reason::qty_too_small: return {400, -4004, "Quantity less than min quantity."};
    case reject_reason::qty_too_large: return {400, -4005, "Quantity greater than max quantity."};
    case reject_reason::invalid_qty_step: return {400, -4023, "Quantity not increased by step size."};
    case reject_reason::price_above_percent_range:
        return {400, -4016, "Price is higher than mark price multiplier cap."};
    case reject_reason::price_below_percent_range:
        return {400, -4024, "Price is lower than mark price multiplier floor."};
    case reject_reason::market_price_out_of_percent_range:
        return {400, -4131, "The counterparty's best price does not meet the PERCENT_PRICE filter limit"};
    case reject_reason::below_min_notional:
        return {400, -4164,
                "Order's notional must be no smaller than " + plain(r.limit) + " (unless you choose reduce only)"};
    case reject_reason::max_open_orders: return {400, -2025, "Reach max open order limit."};
    case reject_reason::missing_price:
        return {400, -1102, "Mandatory parameter '" + r.field + "' was not sent, was empty/null, or malformed."};
    case reject_reason::no_market_data:
        return {400, -1000, "An unknown error occured while processing the request."};
    case reject_reason::duplicate_client_id: return {400, -4116, "clientOrderId is duplicated."};
    case reject_reason::invalid_client_id:
        if (r.limit) {
            return {400, -4015, "Client order id length should not be more than 36 chars"};
        }
        return {400, -1100,
                "Illegal characters found in parameter '" + r.field + "'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'."};
    case reject_reason::position_side_mismatch:
    case reject_reason::hedge_mode_not_supported:
        return {400, -4061, "Order's position side does not match user's setting."};
    case reject_reason::insufficient_margin: return {400, -2019, "Margin is insufficient."};
    case reject_reason::max_position_at_leverage:
        return {400, -2027, "Exceeded the maximum allowable position at current leverage."};
    case reject_reason::reduce_only_rejected:
    case reject_reason::reduce_only_no_position:
    case reject_reason::zero_position: return {400, -2022, "ReduceOnly Order is rejected."};
    case reject_reason::post_only_would_take:
        return {400, -5022,
                "Due to the order could not be executed as maker, the Post Only order will be rejected. The order "
                "will not be recorded in the order history"};
    case reject_reason::fok_not_filled:
        return {400, -5021,
                "Due to the order could not be filled immediately, the FOK order has been rejected. The order will "
                "not be recorded in the order history"};
    case reject_reason::would_trigger_immediately:
    case reject_reason::take_profit_wrong_side:
    case reject_reason::stop_loss_wrong_side: return {400, -2021, "Order would immediately trigger."};
    case reject_reason::quantity_with_close_position:
        return {400, -4137, "Quantity must be zero with closePosition equals true."};
    case reject_reason::reduce_only_with_close_position:
        return {400, -1106, "Parameter 'reduceonly' sent when not required."};
    case reject_reason::unknown_order:
    case reject_reason::order_not_open: return {400, -2011, "Unknown order sent."};
    case reject_reason::invalid_leverage:
    case reject_reason::leverage_not_modified: return {400, -4028, "Leverage " + plain(r.submitted) + " is not valid"};
    case reject_reason::margin_mode_not_modified: return {400, -4046, "No need to change margin type."};
    case reject_reason::position_mode_not_modified: return {400, -4059, "No need to change position side."};
    case reject_reason::open_orders_exist:
        return position_mode_context(r)
                   ? binance_error{400, -4067, "Position side cannot be changed if there exists open orders."}
                   : binance_error{400, -4047, "Margin type cannot be changed if there exists open orders."};
    case reject_reason::position_exists:
        return position_mode_context(r)
                   ? binance_error{400, -4068, "Position side cannot be changed if there exists position."}
                   : binance_error{400, -4048, "Margin type cannot be changed if there exists position."};
    case reject_reason::not_modified: return {400, -5027, "No need to modify the order."};
    }
    return {400, -1000, "An unknown error occured while processing the request."};
}

bybit_error to_bybit_error(const rejection& r) {
    const std::string by = "??" + bybit_trigger_name(r.reference_type);
    switch (r.reason) {
    case reject_reason::unknown_symbol: return {10001, "params error: symbol invalid"};
    case reject_reason::unknown_account: return {10003, "API key is invalid."};
    case reject_reason::order_type_not_supported: return {10001, "params error: orderType invalid"};
    case reject_reason::invalid_parameter:
    case reject_reason::invalid_callback_rate: return {10001, "params error: " + r.field + " invalid"};
    case reject_reason::invalid_price_precision:
    case reject_reason::invalid_price_tick: return {10001, "params error: price invalid"};
    case reject_reason::invalid_qty_precision:
    case reject_reason::qty_not_positive:
    case reject_reason::invalid_qty_step: return {10001, "Qty invalid"};
    case reject_reason::price_not_positive:
    case reject_reason::price_below_min:
    case reject_reason::price_above_max:
    case reject_reason::price_above_percent_range:
    case reject_reason::price_below_percent_range:
    case reject_reason::market_price_out_of_percent_range:
        return {110003, "Order price is out of permissible range"};
    case reject_reason::qty_too_small: return {10001, "The number of contracts exceeds minimum limit allowed"};
    case reject_reason::qty_too_large:
        return {10001, "The number of contracts exceeds maximum limit allowed: too large, order_qty:" +
                           fixed8(r.submitted) + " > max_qty:" + fixed8(r.limit)};
    case reject_reason::below_min_notional:
        return {110094, "Order does not meet minimum order value " + plain(r.limit) + "USDT"};
    case reject_reason::max_open_orders: return {110020, "Active order number exceeds the limit"};
    case reject_reason::missing_price: return {10001, "params error: price invalid"};
    case reject_reason::no_market_data: return {10016, "Server error"};
    case reject_reason::duplicate_client_id: return {110072, "OrderLinkedID is duplicate"};
    case reject_reason::invalid_client_id: return {10001, "params error: orderLinkId invalid"};
    case reject_reason::position_side_mismatch:
    case reject_reason::hedge_mode_not_supported: return {10001, "position idx not match position mode"};
    case reject_reason::insufficient_margin: return {110007, "ab not enough for new order"};
    case reject_reason::max_position_at_leverage:
        return {110090, "position may exceed the max limit at this leverage"};  // [U] retMsg text
    case reject_reason::reduce_only_rejected:
        return {110017, "reduce-only order has same side with current position"};
    case reject_reason::reduce_only_no_position:
        return {110017, "current position is zero, cannot fix reduce-only order qty"};
    case reject_reason::post_only_would_take: return {10001, "PostOnly order will take liquidity"};
    case reject_reason::fok_not_filled: return {10001, "FOK order can not be filled"};
    case reject_reason::would_trigger_immediately:
        if (r.expected_direction == trigger_direction::rising) {
            return {110092, "expect Rising, but trigger_price[" + fixed8(r.submitted) + "] <= current[" +
                                fixed8(r.reference) + "]" + by};
        }
        return {110093, "expect Falling, but trigger_price[" + fixed8(r.submitted) + "] >= current[" +
                            fixed8(r.reference) + "]" + by};
    case reject_reason::quantity_with_close_position:
    case reject_reason::reduce_only_with_close_position: return {10001, "params error: closeOnTrigger invalid"};
    case reject_reason::unknown_order:
    case reject_reason::order_not_open: return {110001, "order not exists or too late to cancel"};
    case reject_reason::invalid_leverage: return {10001, "params error: leverage invalid"};
    case reject_reason::leverage_not_modified: return {110043, "leverage not modified"};
    case reject_reason::margin_mode_not_modified: return {110026, "Cross/isolated margin mode is not modified"};
    case reject_reason::position_mode_not_modified: return {110025, "Position mode is not modified"};
    case reject_reason::open_orders_exist: return {110028, "Open orders exist, so you cannot change position mode"};
    case reject_reason::position_exists:
        return {110024, "You have an existing position, so position mode cannot be switched"};
    case reject_reason::zero_position: return {10001, "can not set tp/sl/ts for zero position"};
    case reject_reason::take_profit_wrong_side:
        if (r.expected_direction == trigger_direction::rising) {
            return {10001, "TakeProfit:" + fixed8(r.submitted) + " set for Buy position should higher than base_price:" +
                               fixed8(r.reference) + by};
        }
        return {10001, "TakeProfit:" + fixed8(r.submitted) + " set for Sell position should lower than base_price:" +
                           fixed8(r.reference) + by};
    case reject_reason::stop_loss_wrong_side:
        if (r.expected_direction == trigger_direction::falling) {
            return {10001, "StopLoss:" + fixed8(r.submitted) + " set for Buy position should lower than base_price:" +
                               fixed8(r.reference) + by};
        }
        return {10001, "sl:" + fixed8(r.submitted) + " set for Sell position should greater base_price:" +
                           fixed8(r.reference) + by};
    case reject_reason::not_modified: return {34040, "not modified"};
    }
    return {10016, "Server error"};
}

}  // namespace tradebot::sim::engine
