#include "tradebot/alerts/kill_switch_watch.hpp"

#include <string>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "tradebot/alerts/event_alerts.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::alerts {

namespace asio = boost::asio;

namespace {

// How often the kill-switch file is looked at after a kill_switch alert (as often as the signal
// path looks at it).
constexpr std::chrono::seconds kill_switch_check{1};

}  // namespace

kill_switch_watch::kill_switch_watch(strand_type strand, const core::clock& clock, std::function<void(alert)> cleared)
    : strand_{std::move(strand)}, clock_{clock}, cleared_{std::move(cleared)}, timer_{strand_} {}

kill_switch_watch::~kill_switch_watch() = default;

void kill_switch_watch::watch(std::filesystem::path file, std::function<bool()> active) {
    file_ = std::move(file);
    active_ = std::move(active);
    files_ = std::make_unique<asio::thread_pool>(1);
}

void kill_switch_watch::arm() {
    if (!active_ || watching_ || closing_) {
        return;
    }
    watching_ = true;
    timer_.expires_after(kill_switch_check);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || closing_) {
            watching_ = false;
            return;
        }
        asio::co_spawn(strand_, check(), [this](const std::exception_ptr& e) {
            if (e) {
                watching_ = false;
                logging::error(logging::get("app"), "kill switch watch failed");
            }
        });
    });
}

void kill_switch_watch::close() {
    closing_ = true;
    timer_.cancel();
}

asio::awaitable<void> kill_switch_watch::check() {
    // Named before co_await: GCC 12 destroys a capturing temporary closure twice there.
    auto probe = [active = active_]() -> asio::awaitable<bool> { co_return active(); };
    const bool on = co_await asio::co_spawn(*files_, std::move(probe), asio::use_awaitable);
    watching_ = false;
    if (closing_) {
        co_return;
    }
    if (on) {
        arm();
        co_return;
    }
    cleared_(alert{.kind = alert_kind::kill_switch,
                   .text = "kill switch " + file_.string() + " cleared: new entries are allowed again",
                   .ts = clock_.now(),
                   .subject = std::string{kill_switch_subject},
                   .resolved = true});
}

}  // namespace tradebot::alerts
