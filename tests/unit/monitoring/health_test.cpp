#include "tradebot/monitoring/health.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace tradebot::monitoring {
namespace {

using namespace std::chrono_literals;

class health_test : public ::testing::Test {
protected:
    core::manual_clock clock_;
    health health_{clock_};
};

TEST_F(health_test, starts_live_but_not_ready) {
    EXPECT_TRUE(health_.is_live());
    EXPECT_FALSE(health_.is_ready());
    EXPECT_EQ(health_.overall(), component_state::ok);
    health_.set_ready(true);
    EXPECT_TRUE(health_.is_ready());
    health_.set_ready(false);
    EXPECT_FALSE(health_.is_ready());
}

TEST_F(health_test, degraded_component_keeps_the_daemon_live_and_ready) {
    health_.set_ready(true);
    health_.set("binance.streams", component_state::degraded, "rest fallback");
    EXPECT_EQ(health_.overall(), component_state::degraded);
    EXPECT_TRUE(health_.is_live());
    EXPECT_TRUE(health_.is_ready());
}

TEST_F(health_test, failed_component_makes_the_daemon_not_live_and_not_ready) {
    health_.set_ready(true);
    health_.set("db", component_state::ok);
    health_.set("bybit.rest", component_state::degraded);
    health_.set("db", component_state::failed, "connection refused");
    EXPECT_EQ(health_.overall(), component_state::failed);
    EXPECT_FALSE(health_.is_live());
    EXPECT_FALSE(health_.is_ready());
    health_.set("db", component_state::ok);
    EXPECT_TRUE(health_.is_ready());
}

TEST_F(health_test, since_moves_only_when_the_state_changes) {
    const auto t0 = clock_.now_ms();
    health_.set("db", component_state::ok, "first");
    clock_.advance(5s);
    health_.set("db", component_state::ok, "second");
    auto db = health_.find("db");
    ASSERT_TRUE(db);
    EXPECT_EQ(db->since_ms, t0);
    EXPECT_EQ(db->detail, "second");
    clock_.advance(5s);
    health_.set("db", component_state::failed, "down");
    db = health_.find("db");
    ASSERT_TRUE(db);
    EXPECT_EQ(db->since_ms, t0 + 10'000);
    EXPECT_EQ(db->state, component_state::failed);
}

TEST_F(health_test, remove_forgets_a_component) {
    health_.set("paper", component_state::failed);
    health_.remove("paper");
    health_.remove("never-existed");
    EXPECT_FALSE(health_.find("paper"));
    EXPECT_TRUE(health_.is_live());
    EXPECT_TRUE(health_.components().empty());
}

TEST_F(health_test, components_are_sorted_by_name) {
    health_.set("zeta", component_state::ok);
    health_.set("alpha", component_state::degraded);
    const auto all = health_.components();
    ASSERT_EQ(all.size(), 2U);
    EXPECT_EQ(all[0].name, "alpha");
    EXPECT_EQ(all[1].name, "zeta");
}

TEST_F(health_test, status_json_has_status_flags_and_components) {
    health_.set("db", component_state::degraded, "slow \"queries\"");
    const auto json = boost::json::parse(health_.status_json()).as_object();
    EXPECT_EQ(json.at("status").as_string(), "degraded");
    EXPECT_TRUE(json.at("live").as_bool());
    EXPECT_FALSE(json.at("ready").as_bool());
    const auto& db = json.at("components").at("db").as_object();
    EXPECT_EQ(db.at("state").as_string(), "degraded");
    EXPECT_EQ(db.at("detail").as_string(), "slow \"queries\"");
    EXPECT_EQ(db.at("since_ms").as_int64(), clock_.now_ms());
}

TEST(component_state_test, names) {
    EXPECT_EQ(to_string(component_state::ok), "ok");
    EXPECT_EQ(to_string(component_state::degraded), "degraded");
    EXPECT_EQ(to_string(component_state::failed), "failed");
}

}  // namespace
}  // namespace tradebot::monitoring
