#include "tradebot/sim/engine/funding_schedule.hpp"

#include "fixture.hpp"

namespace tradebot::sim::engine::test {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

const time_point jan1{seconds{1'767'225'600}};  // 2026-01-01 00:00:00 UTC

TEST(funding_schedule, eight_hour_grid_at_00_08_16_utc) {
    EXPECT_EQ(next_funding_time(jan1, hours{8}), jan1 + hours{8});
    EXPECT_EQ(next_funding_time(jan1 + hours{8} - seconds{1}, hours{8}), jan1 + hours{8});
    EXPECT_EQ(next_funding_time(jan1 + hours{8}, hours{8}), jan1 + hours{16});
    EXPECT_EQ(next_funding_time(jan1 + hours{17}, hours{8}), jan1 + hours{24});
    EXPECT_EQ(next_funding_time(jan1 + hours{1}, hours{4}), jan1 + hours{4});
}

class funding : public engine_test {};

TEST_F(funding, long_pays_a_positive_rate_at_the_funding_time) {
    open(core::side::buy, "0.1"_d);
    const decimal before = wallet();
    ex_.set_funding_rate(btc, "0.0001"_d);
    ex_.set_prices(btc, prices("50000"_d, "50100"_d, "50099.9"_d, "50100.1"_d));  // mark is what counts
    ex_.advance_to(jan1 + hours{8} - seconds{1});
    EXPECT_TRUE(ex_.pending_events().empty());
    ex_.advance_to(jan1 + hours{8});
    const auto paid = events_of<funding_event>();
    ASSERT_EQ(paid.size(), 1U);
    EXPECT_EQ(paid[0].amount, "-0.5"_d);  // 0.1 * 50000 * 0.0001
    EXPECT_EQ(paid[0].time, jan1 + hours{8});
    EXPECT_EQ(wallet(), before - "0.5"_d);
    EXPECT_EQ(*ex_.next_funding(btc), jan1 + hours{16});
}

TEST_F(funding, short_receives_a_positive_rate) {
    open(core::side::sell, "0.1"_d);
    const decimal before = wallet();
    ex_.set_funding_rate(btc, "0.0001"_d);
    ex_.advance_to(jan1 + hours{8});
    EXPECT_EQ(wallet(), before + "0.5"_d);
}

TEST_F(funding, negative_rate_pays_longs) {
    open(core::side::buy, "0.1"_d);
    const decimal before = wallet();
    ex_.set_funding_rate(btc, "-0.0002"_d);
    ex_.advance_to(jan1 + hours{8});
    EXPECT_EQ(wallet(), before + "1"_d);
}

TEST_F(funding, settles_every_interval_up_to_midnight_utc) {
    open(core::side::buy, "0.1"_d);
    ex_.set_funding_rate(btc, "0.0001"_d);
    ex_.advance_to(jan1 + hours{24});
    const auto paid = events_of<funding_event>();
    ASSERT_EQ(paid.size(), 3U);
    EXPECT_EQ(paid[0].time, jan1 + hours{8});
    EXPECT_EQ(paid[1].time, jan1 + hours{16});
    EXPECT_EQ(paid[2].time, jan1 + hours{24});  // 2026-01-02 00:00 UTC
}

TEST_F(funding, flat_accounts_pay_nothing) {
    ex_.set_funding_rate(btc, "0.0001"_d);
    ex_.advance_to(jan1 + hours{8});
    EXPECT_TRUE(events_of<funding_event>().empty());
}

TEST_F(funding, per_symbol_interval) {
    auto spec = btc_spec();
    spec.symbol = core::symbol::from_string("ETHUSDT");
    spec.funding_interval = hours{4};
    ex_.add_instrument(spec);
    EXPECT_EQ(*ex_.next_funding(spec.symbol), jan1 + hours{4});
}

}  // namespace
}  // namespace tradebot::sim::engine::test
