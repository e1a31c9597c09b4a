#include "tradebot/app/service_notifier.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <utility>

#include <systemd/sd-daemon.h>

namespace tradebot::app {

namespace {

// A status is one line: the protocol separates assignments with newlines.
std::string one_line(std::string_view text) {
    std::string line{text};
    std::replace(line.begin(), line.end(), '\n', ' ');
    return line;
}

}  // namespace

service_notifier::service_notifier(sink send, std::optional<std::chrono::microseconds> watchdog_usec)
    : send_{std::move(send)}, watchdog_usec_{watchdog_usec} {
    if (watchdog_usec_ && watchdog_usec_->count() <= 0) {
        watchdog_usec_.reset();
    }
}

service_notifier service_notifier::from_environment() {
    const char* socket = std::getenv("NOTIFY_SOCKET");
    if (socket == nullptr || *socket == '\0') {
        return service_notifier{nullptr, std::nullopt};
    }
    // sd_watchdog_enabled checks WATCHDOG_PID against our pid: a watchdog meant for a parent
    // (e.g. a wrapper script) is not ours to feed.
    std::uint64_t usec = 0;
    std::optional<std::chrono::microseconds> watchdog;
    if (::sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        watchdog = std::chrono::microseconds{static_cast<std::int64_t>(usec)};
    }
    // sd_notify fails only when the socket is gone; systemd then no longer waits on us, and
    // there is nothing to do about it on the event loop.
    return service_notifier{[](std::string_view message) { ::sd_notify(0, std::string{message}.c_str()); },
                            watchdog};
}

std::optional<std::chrono::microseconds> service_notifier::watchdog_interval() const noexcept {
    if (!send_ || !watchdog_usec_) {
        return std::nullopt;
    }
    return std::max(std::chrono::microseconds{1000}, *watchdog_usec_ / 2);
}

void service_notifier::ready(std::string_view status) {
    if (ready_sent_ || stopping_sent_) {
        return;
    }
    ready_sent_ = true;
    send("READY=1\nSTATUS=" + one_line(status));
}

void service_notifier::watchdog() { send("WATCHDOG=1"); }

void service_notifier::status(std::string_view text) {
    send("STATUS=" + one_line(text));
}

void service_notifier::stopping(std::string_view status) {
    if (stopping_sent_) {
        return;
    }
    stopping_sent_ = true;
    send("STOPPING=1\nSTATUS=" + one_line(status));
}

void service_notifier::send(const std::string& message) const {
    if (send_) {
        send_(message);
    }
}

}  // namespace tradebot::app
