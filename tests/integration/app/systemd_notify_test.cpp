// The daemon under a Type=notify unit, as systemd sees it: NOTIFY_SOCKET is a Unix datagram socket
// this test owns, WATCHDOG_USEC is set, and the real binary runs against tradebot-sim and PostgreSQL.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "session_fixture.hpp"

using namespace std::chrono_literals;

namespace {

// The systemd side of the notify protocol: one bound datagram socket.
class notify_socket {
public:
    explicit notify_socket(const std::filesystem::path& path) : path_{path} {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
        bound_ = fd_ >= 0 && path.string().size() < sizeof(addr.sun_path) &&
                 ::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
    }
    ~notify_socket() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        std::filesystem::remove(path_);
    }
    notify_socket(const notify_socket&) = delete;
    notify_socket& operator=(const notify_socket&) = delete;

    [[nodiscard]] bool bound() const { return bound_; }

    // The next datagram within `timeout`, or an empty string.
    std::string receive(std::chrono::milliseconds timeout) const {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) {
            return {};
        }
        std::array<char, 4096> buf{};
        const auto n = ::recv(fd_, buf.data(), buf.size(), 0);
        return n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : std::string{};
    }

private:
    std::filesystem::path path_;
    int fd_ = -1;
    bool bound_ = false;
};

// The notify variables for the child only: the test process itself must not talk to the socket.
class notify_environment {
public:
    notify_environment(const std::string& socket, const std::string& watchdog_usec) {
        ::setenv("NOTIFY_SOCKET", socket.c_str(), 1);
        ::setenv("WATCHDOG_USEC", watchdog_usec.c_str(), 1);
        ::unsetenv("WATCHDOG_PID");
    }
    ~notify_environment() {
        ::unsetenv("NOTIFY_SOCKET");
        ::unsetenv("WATCHDOG_USEC");
    }
    notify_environment(const notify_environment&) = delete;
    notify_environment& operator=(const notify_environment&) = delete;
};

class systemd_notify_test : public tradebot::test::session_test {};

}  // namespace

TEST_F(systemd_notify_test, ready_after_reconciliation_watchdog_repeats_stopping_on_sigterm) {
    write_exchanges();
    write_main(pg_url_, "logging:\n  file: ''\n");
    // Short enough for a socket path (108 bytes): the temp dir may be deep.
    const auto socket_path = std::filesystem::temp_directory_path() /
                             ("tb-notify-" + std::to_string(::getpid()) + ".sock");
    notify_socket systemd{socket_path};
    ASSERT_TRUE(systemd.bound()) << socket_path;

    std::unique_ptr<tradebot::test::child_process> bot;
    {
        // 400 ms: the daemon must ping every 200 ms.
        notify_environment env{socket_path.string(), "400000"};
        bot = start("bot", "test");
    }

    // Until READY=1 only WATCHDOG=1 may come (the event loop runs during the reconciliation too);
    // when READY=1 arrives, /ready already answers 200.
    std::vector<std::string> before_ready;
    std::string ready;
    for (auto waited = 0ms; waited < 20s && ready.empty(); waited += 100ms) {
        const auto message = systemd.receive(100ms);
        if (message.starts_with("READY=1")) {
            ready = message;
            const auto [rc, answer] = get("/ready");
            EXPECT_TRUE(rc == 0 && answer.ends_with("\n200")) << "READY=1 sent while /ready is " << answer;
        } else if (!message.empty()) {
            before_ready.push_back(message);
        }
        ASSERT_FALSE(bot->wait_exit(0ms)) << bot->output();
    }
    ASSERT_FALSE(ready.empty()) << "no READY=1 within 20 s\n" << bot->output();
    EXPECT_NE(ready.find("STATUS="), std::string::npos) << ready;
    for (const auto& m : before_ready) {
        EXPECT_EQ(m, "WATCHDOG=1");
    }
    // Both venues are reconciled ("venue ready") before systemd is told.
    const auto out = bot->output();
    ASSERT_NE(out.find("exchange=binance mode=test"), std::string::npos) << out;
    ASSERT_NE(out.find("systemd notified"), std::string::npos) << out;
    EXPECT_LT(out.find("msg=\"venue ready\" exchange=binance"), out.find("systemd notified")) << out;
    EXPECT_LT(out.find("msg=\"venue ready\" exchange=bybit"), out.find("systemd notified")) << out;

    // The watchdog keeps coming from the running event loop: about 5 in one second.
    int pings = 0;
    const auto until = std::chrono::steady_clock::now() + 1s;
    while (std::chrono::steady_clock::now() < until) {
        const auto message = systemd.receive(50ms);
        if (message == "WATCHDOG=1") {
            ++pings;
        } else {
            EXPECT_TRUE(message.empty()) << "unexpected while running: " << message;
        }
    }
    EXPECT_GE(pings, 3) << "WATCHDOG_USEC=400000 asks for a ping at least every 400 ms";
    EXPECT_LE(pings, 8);

    bot->send_signal(SIGTERM);
    std::string stopping;
    for (int i = 0; i < 50 && stopping.empty(); ++i) {
        const auto message = systemd.receive(100ms);
        if (message.starts_with("STOPPING=1")) {
            stopping = message;
        } else {
            EXPECT_TRUE(message.empty() || message == "WATCHDOG=1") << message;
        }
    }
    EXPECT_FALSE(stopping.empty()) << "no STOPPING=1 after SIGTERM\n" << bot->output();
    const auto code = bot->wait_exit(10s);
    ASSERT_TRUE(code.has_value()) << bot->output();
    EXPECT_EQ(*code, 0) << bot->output();
    // Nothing after STOPPING=1 but the last pings: never a second READY=1.
    for (auto message = systemd.receive(100ms); !message.empty(); message = systemd.receive(100ms)) {
        EXPECT_EQ(message, "WATCHDOG=1");
    }
}

TEST_F(systemd_notify_test, silent_without_notify_socket) {
    // Run by hand or in a container: no socket, no watchdog, nothing logged about systemd.
    write_exchanges();
    write_main(pg_url_, "logging:\n  file: ''\n");
    ::unsetenv("NOTIFY_SOCKET");
    auto bot = start("bot", "test");
    ASSERT_TRUE(wait_ready(*bot)) << bot->output();
    bot->send_signal(SIGTERM);
    ASSERT_EQ(bot->wait_exit(10s), 0) << bot->output();
    EXPECT_EQ(bot->output().find("systemd"), std::string::npos) << bot->output();
}

TEST_F(systemd_notify_test, no_ready_while_postgresql_is_down_and_the_wait_is_in_status) {
    write_exchanges();
    // Nothing listens there: the start-up waits with back-off and never becomes ready.
    const auto dead_db = "postgresql://postgres@127.0.0.1:" + std::to_string(tradebot::test::free_port()) + "/none";
    write_main(dead_db, "logging:\n  file: ''\n");
    const auto socket_path = std::filesystem::temp_directory_path() /
                             ("tb-notify-down-" + std::to_string(::getpid()) + ".sock");
    notify_socket systemd{socket_path};
    ASSERT_TRUE(systemd.bound()) << socket_path;
    std::unique_ptr<tradebot::test::child_process> bot;
    {
        notify_environment env{socket_path.string(), "400000"};
        bot = start("bot", "test");
    }
    std::string status;
    int pings = 0;
    for (auto waited = 0ms; waited < 3s; waited += 100ms) {
        const auto message = systemd.receive(100ms);
        ASSERT_FALSE(message.starts_with("READY=1")) << "READY=1 without a database\n" << bot->output();
        if (message.starts_with("STATUS=waiting for PostgreSQL")) {
            status = message;
        } else if (message == "WATCHDOG=1") {
            ++pings;
        }
    }
    EXPECT_FALSE(status.empty()) << bot->output();
    // The event loop runs while it waits: the watchdog is fed.
    EXPECT_GE(pings, 5);
    const auto [rc, answer] = get("/ready");
    EXPECT_TRUE(answer.ends_with("\n503")) << answer;

    bot->send_signal(SIGTERM);
    std::string stopping;
    for (int i = 0; i < 50 && stopping.empty(); ++i) {
        const auto message = systemd.receive(100ms);
        ASSERT_FALSE(message.starts_with("READY=1")) << bot->output();
        if (message.starts_with("STOPPING=1")) {
            stopping = message;
        }
    }
    EXPECT_FALSE(stopping.empty()) << bot->output();
    const auto code = bot->wait_exit(10s);
    ASSERT_TRUE(code.has_value()) << bot->output();
    EXPECT_EQ(*code, 0) << bot->output();
}
