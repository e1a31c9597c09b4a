#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tradebot::app {

// The daemon's side of the systemd notify protocol (Type=notify): READY=1 once the start-up
// reconciliation is done and /ready answers 200, WATCHDOG=1 from the event loop, STOPPING=1 when
// the shutdown begins. Outside systemd (no NOTIFY_SOCKET) every call does nothing. The sink is
// injectable so that tests see each message; from_environment() sends through libsystemd.
class service_notifier {
public:
    using sink = std::function<void(std::string_view message)>;

    // `watchdog_usec` is the WATCHDOG_USEC systemd granted, nullopt when no watchdog is asked for.
    service_notifier(sink send, std::optional<std::chrono::microseconds> watchdog_usec);

    // NOTIFY_SOCKET and WATCHDOG_USEC (and WATCHDOG_PID, which must be ours) as systemd sets them;
    // a null sink when NOTIFY_SOCKET is unset.
    static service_notifier from_environment();

    [[nodiscard]] bool enabled() const noexcept { return static_cast<bool>(send_); }
    // How often to send WATCHDOG=1: half of WATCHDOG_USEC, so that one late tick is not a restart.
    [[nodiscard]] std::optional<std::chrono::microseconds> watchdog_interval() const noexcept;

    void ready(std::string_view status);  // sent once; later calls do nothing
    void watchdog();
    // STATUS= only, for `systemctl status` while the start-up waits (e.g. for PostgreSQL).
    void status(std::string_view text);
    void stopping(std::string_view status);  // sent once
    [[nodiscard]] bool ready_sent() const noexcept { return ready_sent_; }

private:
    void send(const std::string& message) const;

    sink send_;
    std::optional<std::chrono::microseconds> watchdog_usec_;
    bool ready_sent_ = false;
    bool stopping_sent_ = false;
};

}  // namespace tradebot::app
