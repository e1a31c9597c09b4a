#include "tradebot/pipeline/signal_intake.hpp"

#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::pipeline {
namespace asio = boost::asio;
using logging::kv;

namespace {

prometheus::Family<prometheus::Counter>& wakeups_family(prometheus::Registry& r) {
    return prometheus::BuildCounter()
        .Name("tradebot_signal_wakeups_total")
        .Help("Reads of the signals table, by what triggered them")
        .Register(r);
}

}  // namespace

signal_intake::signal_intake(strand_type strand, drain_function drain_once, row_function on_row, std::size_t batch,
                             prometheus::Registry& registry, std::chrono::milliseconds poll_interval)
    : strand_{std::move(strand)},
      drain_once_{std::move(drain_once)},
      on_row_{std::move(on_row)},
      batch_{batch},
      log_{logging::get("signals")},
      poll_interval_{poll_interval},
      poll_timer_{strand_},
      wakeups_notify_{wakeups_family(registry).Add({{"trigger", "notify"}})},
      wakeups_poll_{wakeups_family(registry).Add({{"trigger", "poll"}})} {}

void signal_intake::start() { schedule_poll(); }

void signal_intake::on_notification(const db::notification& n) {
    wakeups_notify_.Increment();
    logging::debug(log_, "signal notification", kv("channel", n.channel), kv("payload", n.payload));
    auto row = db::signal_row_from_notification(n.payload);
    if (!row || !on_row_(std::move(*row))) {
        read_table_ = true;
    }
    wake();
}

void signal_intake::catch_up() {
    read_table_ = true;
    wake();
}

void signal_intake::wake() {
    if (stopped_) {
        return;
    }
    if (running_) {
        again_ = true;  // the running read loops once more instead of a second query in parallel
        return;
    }
    running_ = true;
    asio::co_spawn(strand_, drain(), [this](const std::exception_ptr& e) {
        running_ = false;
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                logging::error(log_, "signal read failed", kv("error", ex.what()));
            }
        }
        if (on_idle_) {
            std::exchange(on_idle_, {})();
        }
    });
}

void signal_intake::stop() {
    stopped_ = true;
    poll_timer_.cancel();
}

void signal_intake::when_idle(std::function<void()> done) {
    if (!running_) {
        done();
        return;
    }
    on_idle_ = std::move(done);
}

void signal_intake::schedule_poll() {
    if (stopped_ || poll_interval_.count() <= 0) {
        return;
    }
    poll_timer_.expires_after(poll_interval_);
    poll_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopped_) {
            return;
        }
        wakeups_poll_.Increment();
        catch_up();
        schedule_poll();
    });
}

asio::awaitable<void> signal_intake::drain() {
    do {
        again_ = false;
        const auto n = co_await drain_once_(std::exchange(read_table_, false));
        // A full batch means more may be waiting.
        again_ = again_ || n >= batch_;
    } while (again_ && !stopped_);
}

}  // namespace tradebot::pipeline
