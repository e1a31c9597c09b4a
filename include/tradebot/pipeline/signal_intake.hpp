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
#include "tradebot/db/listener.hpp"
#include "tradebot/db/signal_repository.hpp"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Counter;
}  // namespace prometheus

namespace spdlog {
class logger;
}

namespace tradebot::pipeline {

// When to decide signals: a NOTIFY (or the fallback poll) wakes it and it runs the drain function
// (the signal processor's immediate-mode batch) until a batch comes back short. A NOTIFY that
// carries its row (migration 0002) hands the row over to be decided without reading the table;
// one that carries only an id, the poll and a listener reconnect make the drain read (claim) the
// table, which stays the source of truth: a burst costs one read and a lost NOTIFY is found by
// the next poll. At most one drain runs at a time. Runs on its strand.
class signal_intake {
public:
    using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;

    // Decides the rows handed over, and with `read_table` also claims and decides one batch
    // from the table; returns how many rows it took.
    using drain_function = std::function<boost::asio::awaitable<std::size_t>(bool read_table)>;
    // Takes a row a NOTIFY carried, to be decided by the next drain; false: not taken, the next
    // drain reads the table instead.
    using row_function = std::function<bool(db::signal_row)>;

    signal_intake(strand_type strand, drain_function drain_once, row_function on_row, std::size_t batch,
                  prometheus::Registry& registry, std::chrono::milliseconds poll_interval);

    // Starts the fallback poll. Call on the strand.
    void start();
    // Call on the strand; hands the row it carries to the next drain, or schedules a table read.
    void on_notification(const db::notification& n);
    // Reads whatever is new from the table, e.g. after the listener reconnected.
    void catch_up();
    // No new reads start; a running one finishes. Call on the strand.
    void stop();
    // Calls `done` on the strand once no read is running (at once if none is).
    void when_idle(std::function<void()> done);

private:
    boost::asio::awaitable<void> drain();
    void wake();
    void schedule_poll();

    strand_type strand_;
    drain_function drain_once_;
    row_function on_row_;
    std::size_t batch_;
    std::shared_ptr<spdlog::logger> log_;
    std::chrono::milliseconds poll_interval_;
    boost::asio::steady_timer poll_timer_;
    prometheus::Counter& wakeups_notify_;
    prometheus::Counter& wakeups_poll_;
    bool running_ = false;
    bool again_ = false;
    bool read_table_ = false;
    bool stopped_ = false;
    std::function<void()> on_idle_;
};

}  // namespace tradebot::pipeline
