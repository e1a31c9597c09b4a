#pragma once

#include <chrono>
#include <memory>
#include <set>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "tradebot/core/clock.hpp"
#include "tradebot/core/timer.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::trading {

// The coroutines one venue's trading components start on its strand: counted, so that the owner
// knows when it may be destroyed (idle), and stopped together, so that a shutdown does not wait
// out a pause. Pauses are in the injected clock's time (core::timer): a test advances a
// manual_clock instead of sleeping. Every member is called on the strand.
class task_group {
public:
    task_group(boost::asio::any_io_executor strand, const core::clock& clock, std::shared_ptr<spdlog::logger> log);
    ~task_group();
    task_group(const task_group&) = delete;
    task_group& operator=(const task_group&) = delete;

    // Runs `task` on the strand; `what` names it in the log if it throws.
    void spawn(boost::asio::awaitable<void> task, const char* what);
    // Waits `d`; false when the group was stopped (before or during the pause).
    [[nodiscard]] boost::asio::awaitable<bool> pause(std::chrono::steady_clock::duration d);
    // Running pauses end at once; new ones return false.
    void stop();
    [[nodiscard]] bool stopped() const noexcept { return stopped_; }
    [[nodiscard]] bool idle() const noexcept { return tasks_ == 0; }

private:
    boost::asio::any_io_executor strand_;
    const core::clock& clock_;
    std::shared_ptr<spdlog::logger> log_;
    std::set<core::timer*> pauses_;  // of the running pause() calls
    int tasks_ = 0;
    bool stopped_ = false;
};

}  // namespace tradebot::trading
