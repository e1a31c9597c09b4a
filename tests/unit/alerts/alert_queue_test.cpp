#include "tradebot/alerts/alert_queue.hpp"

#include <gtest/gtest.h>

namespace tradebot::alerts {
namespace {

queued_alert queued_of(alert_kind k, std::string text) {
    return queued_alert{.value = alert{.kind = k, .text = std::move(text), .ts = {}}, .admitted = false};
}

TEST(alert_queue, a_full_queue_drops_its_oldest_non_critical_alert_first) {
    alert_queue q{3};
    EXPECT_FALSE(q.push(queued_of(alert_kind::stop_failed, "critical 1")));
    EXPECT_FALSE(q.push(queued_of(alert_kind::kill_switch, "warning 1")));
    EXPECT_FALSE(q.push(queued_of(alert_kind::daily_loss_limit, "warning 2")));
    auto dropped = q.push(queued_of(alert_kind::unprotected_position, "critical 2"));
    ASSERT_TRUE(dropped);
    EXPECT_EQ(dropped->text, "warning 1");
    dropped = q.push(queued_of(alert_kind::shutdown, "warning 3"));
    ASSERT_TRUE(dropped);
    EXPECT_EQ(dropped->text, "warning 2");
    EXPECT_EQ(q.size(), 3U);
    // Order kept: first in, first out.
    EXPECT_EQ(q.pop()->value.text, "critical 1");
    EXPECT_EQ(q.pop()->value.text, "critical 2");
    EXPECT_EQ(q.pop()->value.text, "warning 3");
    EXPECT_FALSE(q.pop());
    EXPECT_TRUE(q.empty());
}

TEST(alert_queue, a_queue_of_critical_alerts_only_drops_the_oldest) {
    alert_queue q{2};
    EXPECT_FALSE(q.push(queued_of(alert_kind::stop_failed, "a")));
    EXPECT_FALSE(q.push(queued_of(alert_kind::unprotected_position, "b")));
    const auto dropped = q.push(queued_of(alert_kind::stop_failed, "c"));
    ASSERT_TRUE(dropped);
    EXPECT_EQ(dropped->text, "a");
    EXPECT_EQ(q.pop()->value.text, "b");
    EXPECT_EQ(q.pop()->value.text, "c");
}

}  // namespace
}  // namespace tradebot::alerts
