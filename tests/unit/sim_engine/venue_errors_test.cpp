#include "tradebot/sim/engine/venue_errors.hpp"

#include "fixture.hpp"

namespace tradebot::sim::engine::test {
namespace {

TEST(venue_errors, binance_codes_and_messages) {
    EXPECT_EQ(to_binance_error(reject(reject_reason::would_trigger_immediately)),
              (binance_error{400, -2021, "Order would immediately trigger."}));
    EXPECT_EQ(to_binance_error(reject(reject_reason::insufficient_margin)).code, -2019);
    EXPECT_EQ(to_binance_error(reject(reject_reason::reduce_only_rejected)).message, "ReduceOnly Order is rejected.");
    EXPECT_EQ(to_binance_error(reject(reject_reason::qty_not_positive)).code, -4003);
    EXPECT_EQ(to_binance_error(reject(reject_reason::invalid_price_precision)).message,
              "Precision is over the maximum defined for this asset.");
    EXPECT_EQ(to_binance_error(reject(reject_reason::unknown_order)).message, "Unknown order sent.");
    EXPECT_EQ(to_binance_error(reject(reject_reason::unknown_account)).http_status, 401);
    EXPECT_EQ(to_binance_error(reject(reject_reason::order_type_not_supported)).code, -4120);
    rejection notional = reject(reject_reason::below_min_notional);
    notional.limit = "100.0"_d;
    EXPECT_EQ(to_binance_error(notional).message,
              "Order's notional must be no smaller than 100 (unless you choose reduce only)");
    EXPECT_EQ(to_binance_error(notional).code, -4164);
    rejection long_id = reject(reject_reason::invalid_client_id);
    long_id.limit = "36"_d;
    EXPECT_EQ(to_binance_error(long_id).code, -4015);
    rejection mode = reject(reject_reason::open_orders_exist);
    mode.field = "dualSidePosition";
    EXPECT_EQ(to_binance_error(mode).code, -4067);
    mode.field = "marginType";
    EXPECT_EQ(to_binance_error(mode).code, -4047);
}

TEST(venue_errors, bybit_trigger_direction_messages_embed_scaled_prices) {
    rejection r = reject(reject_reason::would_trigger_immediately);
    r.submitted = "6.33023"_d;
    r.reference = "6.32859"_d;
    r.expected_direction = trigger_direction::falling;
    r.reference_type = working_type::last;
    EXPECT_EQ(to_bybit_error(r),
              (bybit_error{110093, "expect Falling, but trigger_price[633023000] >= current[632859000]??LastPrice"}));
    r.expected_direction = trigger_direction::rising;
    r.reference_type = working_type::mark;
    EXPECT_EQ(to_bybit_error(r).ret_code, 110092);
    EXPECT_EQ(to_bybit_error(r).message, "expect Rising, but trigger_price[633023000] <= current[632859000]??MarkPrice");
}

TEST(venue_errors, bybit_codes) {
    EXPECT_EQ(to_bybit_error(reject(reject_reason::insufficient_margin)).ret_code, 110007);
    EXPECT_EQ(to_bybit_error(reject(reject_reason::reduce_only_no_position)).ret_code, 110017);
    EXPECT_EQ(to_bybit_error(reject(reject_reason::leverage_not_modified)),
              (bybit_error{110043, "leverage not modified"}));
    EXPECT_EQ(to_bybit_error(reject(reject_reason::duplicate_client_id)).ret_code, 110072);
    EXPECT_EQ(to_bybit_error(reject(reject_reason::not_modified)).ret_code, 34040);
    rejection notional = reject(reject_reason::below_min_notional);
    notional.limit = "5"_d;
    EXPECT_EQ(to_bybit_error(notional).ret_code, 110094);
    rejection big = reject(reject_reason::qty_too_large);
    big.submitted = "5797"_d;
    big.limit = "3600"_d;
    EXPECT_EQ(to_bybit_error(big).message,
              "The number of contracts exceeds maximum limit allowed: too large, order_qty:579700000000 > "
              "max_qty:360000000000");
}

TEST(venue_errors, every_reason_has_a_name_and_a_mapping) {
    for (int i = 0; i <= static_cast<int>(reject_reason::not_modified); ++i) {
        const auto reason = static_cast<reject_reason>(i);
        EXPECT_NE(to_string(reason), "?") << i;
        EXPECT_LT(to_binance_error(reject(reason)).code, 0) << to_string(reason);
        EXPECT_NE(to_bybit_error(reject(reason)).ret_code, 0) << to_string(reason);
    }
}

}  // namespace
}  // namespace tradebot::sim::engine::test
