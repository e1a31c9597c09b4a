// app::service_notifier: what the daemon tells systemd, and when it says nothing.
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tradebot/app/service_notifier.hpp"

using namespace std::chrono_literals;
using tradebot::app::service_notifier;

namespace {

struct notify_log {
    std::vector<std::string> sent;
    service_notifier::sink sink() {
        return [this](std::string_view m) { sent.emplace_back(m); };
    }
};

// Sets (or unsets, for nullptr) an environment variable for one scope.
class scoped_env {
public:
    scoped_env(const char* name, const char* value) : name_{name} {
        if (const char* old = std::getenv(name)) {
            old_ = old;
        }
        if (value != nullptr) {
            ::setenv(name, value, 1);
        } else {
            ::unsetenv(name);
        }
    }
    ~scoped_env() {
        if (old_) {
            ::setenv(name_, old_->c_str(), 1);
        } else {
            ::unsetenv(name_);
        }
    }
    scoped_env(const scoped_env&) = delete;
    scoped_env& operator=(const scoped_env&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

}  // namespace

TEST(service_notifier, ready_and_stopping_are_sent_once_each_with_a_status) {
    notify_log log;
    service_notifier n{log.sink(), std::nullopt};
    EXPECT_TRUE(n.enabled());
    EXPECT_FALSE(n.ready_sent());
    n.ready("reconciled");
    n.ready("again");
    EXPECT_TRUE(n.ready_sent());
    n.stopping("draining");
    n.stopping("again");
    ASSERT_EQ(log.sent.size(), 2u);
    EXPECT_EQ(log.sent[0], "READY=1\nSTATUS=reconciled");
    EXPECT_EQ(log.sent[1], "STOPPING=1\nSTATUS=draining");
}

TEST(service_notifier, no_ready_after_stopping) {
    // A shutdown during the start-up reconciliation: systemd must not see the service become ready.
    notify_log log;
    service_notifier n{log.sink(), std::nullopt};
    n.stopping("draining");
    n.ready("reconciled");
    ASSERT_EQ(log.sent.size(), 1u);
    EXPECT_EQ(log.sent[0], "STOPPING=1\nSTATUS=draining");
}

TEST(service_notifier, watchdog_interval_is_half_of_watchdog_usec) {
    notify_log log;
    service_notifier n{log.sink(), 3s};
    ASSERT_TRUE(n.watchdog_interval().has_value());
    EXPECT_EQ(*n.watchdog_interval(), 1500ms);
    n.watchdog();
    n.watchdog();
    EXPECT_EQ(log.sent, (std::vector<std::string>{"WATCHDOG=1", "WATCHDOG=1"}));

    EXPECT_FALSE((service_notifier{log.sink(), std::nullopt}.watchdog_interval()));
    EXPECT_FALSE((service_notifier{log.sink(), 0us}.watchdog_interval()));
    // Without a socket there is nobody to feed.
    EXPECT_FALSE((service_notifier{nullptr, 3s}.watchdog_interval()));
}

TEST(service_notifier, without_notify_socket_nothing_is_enabled) {
    scoped_env socket{"NOTIFY_SOCKET", nullptr};
    scoped_env usec{"WATCHDOG_USEC", "2000000"};
    auto n = service_notifier::from_environment();
    EXPECT_FALSE(n.enabled());
    EXPECT_FALSE(n.watchdog_interval());
    n.ready("reconciled");  // does nothing, and must not crash
    n.watchdog();
}

TEST(service_notifier, reads_watchdog_usec_and_honours_watchdog_pid) {
    scoped_env socket{"NOTIFY_SOCKET", "/nonexistent/tradebot-notify-test.sock"};
    scoped_env usec{"WATCHDOG_USEC", "2000000"};
    {
        scoped_env pid{"WATCHDOG_PID", nullptr};
        const auto n = service_notifier::from_environment();
        EXPECT_TRUE(n.enabled());
        ASSERT_TRUE(n.watchdog_interval().has_value());
        EXPECT_EQ(*n.watchdog_interval(), 1s);
    }
    {
        // A watchdog granted to another process (e.g. a wrapper script) is not ours to feed.
        scoped_env pid{"WATCHDOG_PID", std::to_string(::getpid() + 1).c_str()};
        const auto n = service_notifier::from_environment();
        EXPECT_TRUE(n.enabled());
        EXPECT_FALSE(n.watchdog_interval());
    }
}

TEST(service_notifier, status_is_one_line) {
    notify_log log;
    service_notifier n{log.sink(), std::nullopt};
    n.status("waiting for PostgreSQL\nREADY=1");
    // A newline in the text must not become a second assignment: READY=1 here would lie.
    EXPECT_EQ(log.sent, (std::vector<std::string>{"STATUS=waiting for PostgreSQL READY=1"}));
}
