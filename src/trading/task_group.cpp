#include "trading/task_group.hpp"

#include <exception>
#include <utility>

#include <boost/asio/co_spawn.hpp>

#include "tradebot/logging/structured.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

task_group::task_group(asio::any_io_executor strand, const core::clock& clock, std::shared_ptr<spdlog::logger> log)
    : strand_{std::move(strand)}, clock_{clock}, log_{std::move(log)} {}

task_group::~task_group() {
    if (tasks_ > 0) {
        logging::critical(log_, "trading tasks still running at destruction", kv("tasks", tasks_));
    }
}

void task_group::spawn(asio::awaitable<void> task, const char* what) {
    ++tasks_;
    asio::co_spawn(strand_, std::move(task), [this, what](const std::exception_ptr& e) {
        --tasks_;
        if (!e) {
            return;
        }
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            logging::critical(log_, "trading task failed", kv("task", what), kv("error", ex.what()));
        }
    });
}

asio::awaitable<bool> task_group::pause(std::chrono::steady_clock::duration d) {
    if (stopped_) {
        co_return false;
    }
    core::timer timer{strand_, clock_};
    struct registered {
        std::set<core::timer*>& pauses;
        core::timer* timer;
        ~registered() { pauses.erase(timer); }
    };
    pauses_.insert(&timer);
    const registered scope{pauses_, &timer};
    const bool passed = co_await timer.wait_for(d);
    co_return passed && !stopped_;
}

void task_group::stop() {
    stopped_ = true;
    for (auto* timer : pauses_) {
        timer->cancel();
    }
}

}  // namespace tradebot::trading
