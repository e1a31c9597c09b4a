#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>

#include "tradebot/events/detail/subscriber_core.hpp"

namespace tradebot::events::detail {

template <class T>
class subscriber : public subscriber_core {
public:
    using handler = std::function<void(const T&)>;
    using filter = std::function<bool(const T&)>;

    subscriber(boost::asio::any_io_executor executor, topic_metrics metrics, std::string topic, handler h,
               std::shared_ptr<std::mutex> lock)
        : subscriber_core{std::move(executor), metrics, std::move(topic), std::move(lock)}, handler_{std::move(h)} {}

    // Stores `value` for delivery; true when the caller must schedule() a drain. Any thread, with
    // the topic's lock (mutex_) held and the subscriber active.
    [[nodiscard]] virtual bool push(const T& value) = 0;

    // Set once, before the topic lists the subscriber; then read under the topic's lock only.
    void set_filter(filter wanted) { filter_ = std::move(wanted); }
    [[nodiscard]] bool wants(const T& value) const { return !filter_ || filter_(value); }

protected:
    void deliver(const T& value) {
        try {
            handler_(value);
        } catch (const std::exception& e) {
            report_handler_error(e.what());
        } catch (...) {
            report_handler_error("unknown exception");
        }
    }

    // Delivers `batch` in order until the subscriber is cancelled; values left over are dropped.
    // The handler calls are counted once per batch: one atomic add, not one per value.
    template <class Batch>
    void deliver_all(const Batch& batch) {
        metrics_.queue_depth->Decrement(static_cast<double>(batch.size()));
        std::size_t delivered = 0;
        for (const auto& value : batch) {
            if (!active()) {
                break;
            }
            deliver(value);
            ++delivered;
        }
        if (delivered != 0) {
            metrics_.dispatched->Increment(static_cast<double>(delivered));
        }
    }

private:
    handler handler_;
    filter filter_;
};

}  // namespace tradebot::events::detail
