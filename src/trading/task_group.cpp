#include "trading/task_group.hpp"

#include <exception>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "tradebot/logging/structured.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

task_group::task_group(asio::any_io_executor strand, std::shared_ptr<spdlog::logger> log)
    : strand_{std::move(strand)}, log_{std::move(log)} {}

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
    asio::steady_timer timer{strand_};
    struct registered {
        std::set<asio::steady_timer*>& pauses;
        asio::steady_timer* timer;
        ~registered() { pauses.erase(timer); }
    };
    pauses_.insert(&timer);
    const registered scope{pauses_, &timer};
    timer.expires_after(d);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return !stopped_;
}

void task_group::stop() {
    stopped_ = true;
    for (auto* timer : pauses_) {
        timer->cancel();
    }
}

}  // namespace tradebot::trading
