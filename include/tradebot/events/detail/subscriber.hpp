#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <utility>

#include "tradebot/events/detail/subscriber_core.hpp"

namespace tradebot::events::detail {

template <class T>
class subscriber : public subscriber_core {
public:
    using handler = std::function<void(const T&)>;
    using filter = std::function<bool(const T&)>;

    subscriber(boost::asio::any_io_executor executor, topic_metrics metrics, std::string topic, handler h)
        : subscriber_core{std::move(executor), metrics, std::move(topic)}, handler_{std::move(h)} {}

    // Stores `value` for delivery; true when the caller must schedule() a drain. Any thread.
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
        metrics_.dispatched->Increment();
    }

    // Delivers `batch` in order until the subscriber is cancelled; values left over are dropped.
    template <class Batch>
    void deliver_all(const Batch& batch) {
        metrics_.queue_depth->Decrement(static_cast<double>(batch.size()));
        for (const auto& value : batch) {
            if (!active()) {
                return;
            }
            deliver(value);
        }
    }

private:
    handler handler_;
    filter filter_;
};

}  // namespace tradebot::events::detail
