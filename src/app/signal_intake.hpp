#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "tradebot/core/types.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot/db/listener.hpp"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Counter;
}  // namespace prometheus

namespace spdlog {
class logger;
}

namespace tradebot::app {

// The daemon's intake of new signal rows until the trading core consumes them: a NOTIFY (or the
// fallback poll) wakes it, it reads the 'new' rows after the last one seen, validates, logs and
// counts them. A NOTIFY carries only a wake-up; the table is the source of truth, so a burst of
// notifications costs one query and a lost one is found by the next poll. Runs on its strand.
class signal_intake {
public:
    using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;

    signal_intake(strand_type strand, db::database& database, prometheus::Registry& registry,
                  std::chrono::milliseconds poll_interval);

    // Starts the fallback poll. Call on the strand.
    void start();
    // Call on the strand; a notification only schedules a read.
    void on_notification(const db::notification& n);
    // Reads whatever is new, e.g. after the listener reconnected.
    void catch_up();
    // No new reads start; a running one finishes. Call on the strand.
    void stop();
    // Calls `done` on the strand once no read is running (at once if none is).
    void when_idle(std::function<void()> done);

    [[nodiscard]] std::int64_t last_seen_id() const noexcept { return last_id_; }

private:
    boost::asio::awaitable<void> drain();
    void schedule_poll();

    strand_type strand_;
    db::database& database_;
    std::shared_ptr<spdlog::logger> log_;
    std::chrono::milliseconds poll_interval_;
    boost::asio::steady_timer poll_timer_;
    prometheus::Counter& received_;
    prometheus::Counter& invalid_;
    prometheus::Counter& wakeups_notify_;
    prometheus::Counter& wakeups_poll_;
    std::int64_t last_id_ = 0;
    bool running_ = false;
    bool again_ = false;
    bool stopped_ = false;
    std::function<void()> on_idle_;
};

}  // namespace tradebot::app
