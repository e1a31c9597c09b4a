#include "tradebot/sim/engine/trigger_rules.hpp"

#include "fixture.hpp"

namespace tradebot::sim::engine::test {
namespace {

class trailing : public engine_test {
protected:
    static conditional_request trail(core::side s, std::optional<decimal> activation, decimal rate) {
        conditional_request r;
        r.symbol = btc;
        r.side = s;
        r.kind = conditional_kind::trailing_stop_market;
        r.qty = "0.1"_d;
        r.reduce_only = true;
        r.working = working_type::last;
        r.activation_price = activation;
        r.callback_rate = rate;
        return r;
    }
};

TEST_F(trailing, sell_activates_at_the_activation_price_and_fires_on_the_callback) {
    open(core::side::buy, "0.1"_d);
    auto placed = ex_.place_conditional(key, trail(core::side::sell, "51000"_d, "1"_d));
    ASSERT_TRUE(placed.ok());
    ex_.on_price(btc, at("50500"_d));
    EXPECT_FALSE(ex_.find_conditional(key, order_ref{placed->id, ""})->trailing_active);
    ex_.on_price(btc, at("51000"_d));
    EXPECT_TRUE(ex_.find_conditional(key, order_ref{placed->id, ""})->trailing_active);
    ex_.on_price(btc, at("52000"_d));  // best 52000 -> fires at 52000 * 0.99 = 51480
    EXPECT_EQ(ex_.find_conditional(key, order_ref{placed->id, ""})->trailing_extreme, "52000"_d);
    ex_.on_price(btc, at("51480.1"_d));
    EXPECT_EQ(size(), "0.1"_d);
    ex_.on_price(btc, at("51480"_d));
    EXPECT_EQ(size(), "0"_d);
    EXPECT_EQ(ex_.find_conditional(key, order_ref{placed->id, ""})->status, conditional_status::triggered);
}

TEST_F(trailing, a_fall_before_activation_does_not_fire) {
    open(core::side::buy, "0.1"_d);
    ASSERT_TRUE(ex_.place_conditional(key, trail(core::side::sell, "51000"_d, "1"_d)).ok());
    ex_.on_price(btc, at("45000"_d));
    EXPECT_EQ(size(), "0.1"_d);
}

TEST_F(trailing, buy_trailing_protects_a_short) {
    open(core::side::sell, "0.1"_d);
    auto placed = ex_.place_conditional(key, trail(core::side::buy, "49000"_d, "2"_d));
    ASSERT_TRUE(placed.ok());
    ex_.on_price(btc, at("49000"_d));
    ex_.on_price(btc, at("48000"_d));  // best 48000 -> fires at 48000 * 1.02 = 48960
    ex_.on_price(btc, at("48959.9"_d));
    EXPECT_EQ(size(), "-0.1"_d);
    ex_.on_price(btc, at("48960"_d));
    EXPECT_EQ(size(), "0"_d);
}

TEST_F(trailing, without_activation_price_tracking_starts_at_the_current_price) {
    open(core::side::buy, "0.1"_d);
    ASSERT_TRUE(ex_.place_conditional(key, trail(core::side::sell, std::nullopt, "0.5"_d)).ok());
    ex_.on_price(btc, at("49750.1"_d));  // 50000 * 0.995 = 49750
    EXPECT_EQ(size(), "0.1"_d);
    ex_.on_price(btc, at("49750"_d));
    EXPECT_EQ(size(), "0"_d);
}

TEST_F(trailing, activation_already_passed_would_trigger_immediately) {
    EXPECT_EQ(ex_.place_conditional(key, trail(core::side::sell, "50000"_d, "1"_d)).reason(),
              reject_reason::would_trigger_immediately);
    EXPECT_EQ(ex_.place_conditional(key, trail(core::side::buy, "50000"_d, "1"_d)).reason(),
              reject_reason::would_trigger_immediately);
    EXPECT_TRUE(ex_.place_conditional(key, trail(core::side::buy, "49999.9"_d, "1"_d)).ok());
}

TEST_F(trailing, callback_rate_must_be_within_0_1_and_10_percent) {
    EXPECT_EQ(ex_.place_conditional(key, trail(core::side::sell, "51000"_d, "0.09"_d)).reason(),
              reject_reason::invalid_callback_rate);
    EXPECT_EQ(ex_.place_conditional(key, trail(core::side::sell, "51000"_d, "10.1"_d)).reason(),
              reject_reason::invalid_callback_rate);
    EXPECT_TRUE(ex_.place_conditional(key, trail(core::side::sell, "51000"_d, "0.1"_d)).ok());
    EXPECT_TRUE(ex_.place_conditional(key, trail(core::side::sell, "51000"_d, "10"_d)).ok());
}

TEST(trailing_price, is_exact) {
    EXPECT_EQ(trailing_trigger_price(core::side::sell, "50123.4"_d, "1.3"_d), "49471.7958"_d);
    EXPECT_EQ(trailing_trigger_price(core::side::buy, "50123.4"_d, "1.3"_d), "50775.0042"_d);
}

}  // namespace
}  // namespace tradebot::sim::engine::test
