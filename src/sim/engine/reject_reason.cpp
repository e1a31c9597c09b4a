#include "tradebot/sim/engine/reject_reason.hpp"

namespace tradebot::sim::engine {

std::string_view to_string(reject_reason r) noexcept {
    switch (r) {
    case reject_reason::unknown_symbol: return "unknown_symbol";
    case reject_reason::order_type_not_supported: return "order_type_not_supported";
    case reject_reason::invalid_parameter: return "invalid_parameter";
    case reject_reason::unknown_account: return "unknown_account";
    case reject_reason::invalid_price_precision: return "invalid_price_precision";
    case reject_reason::invalid_qty_precision: return "invalid_qty_precision";
    case reject_reason::price_not_positive: return "price_not_positive";
    case reject_reason::price_below_min: return "price_below_min";
    case reject_reason::price_above_max: return "price_above_max";
    case reject_reason::invalid_price_tick: return "invalid_price_tick";
    case reject_reason::qty_not_positive: return "qty_not_positive";
    case reject_reason::qty_too_small: return "qty_too_small";
    case reject_reason::qty_too_large: return "qty_too_large";
    case reject_reason::invalid_qty_step: return "invalid_qty_step";
    case reject_reason::price_above_percent_range: return "price_above_percent_range";
    case reject_reason::price_below_percent_range: return "price_below_percent_range";
    case reject_reason::market_price_out_of_percent_range: return "market_price_out_of_percent_range";
    case reject_reason::below_min_notional: return "below_min_notional";
    case reject_reason::max_open_orders: return "max_open_orders";
    case reject_reason::missing_price: return "missing_price";
    case reject_reason::no_market_data: return "no_market_data";
    case reject_reason::duplicate_client_id: return "duplicate_client_id";
    case reject_reason::invalid_client_id: return "invalid_client_id";
    case reject_reason::position_side_mismatch: return "position_side_mismatch";
    case reject_reason::hedge_mode_not_supported: return "hedge_mode_not_supported";
    case reject_reason::insufficient_margin: return "insufficient_margin";
    case reject_reason::max_position_at_leverage: return "max_position_at_leverage";
    case reject_reason::reduce_only_rejected: return "reduce_only_rejected";
    case reject_reason::reduce_only_no_position: return "reduce_only_no_position";
    case reject_reason::post_only_would_take: return "post_only_would_take";
    case reject_reason::fok_not_filled: return "fok_not_filled";
    case reject_reason::would_trigger_immediately: return "would_trigger_immediately";
    case reject_reason::quantity_with_close_position: return "quantity_with_close_position";
    case reject_reason::reduce_only_with_close_position: return "reduce_only_with_close_position";
    case reject_reason::invalid_callback_rate: return "invalid_callback_rate";
    case reject_reason::unknown_order: return "unknown_order";
    case reject_reason::order_not_open: return "order_not_open";
    case reject_reason::invalid_leverage: return "invalid_leverage";
    case reject_reason::leverage_not_modified: return "leverage_not_modified";
    case reject_reason::margin_mode_not_modified: return "margin_mode_not_modified";
    case reject_reason::position_mode_not_modified: return "position_mode_not_modified";
    case reject_reason::open_orders_exist: return "open_orders_exist";
    case reject_reason::position_exists: return "position_exists";
    case reject_reason::zero_position: return "zero_position";
    case reject_reason::take_profit_wrong_side: return "take_profit_wrong_side";
    case reject_reason::stop_loss_wrong_side: return "stop_loss_wrong_side";
    case reject_reason::not_modified: return "not_modified";
    }
    return "?";
}

}  // namespace tradebot::sim::engine
