#pragma once

#include <deque>
#include <memory>
#include <mutex>

#include "tradebot/events/detail/subscriber.hpp"

namespace tradebot::events::detail {

// policy::fifo: an unbounded queue per subscriber, delivered in publish order.
template <class T>
class fifo_subscriber final : public subscriber<T> {
public:
    using subscriber<T>::subscriber;

    bool push(const T& value) override {
        queue_.push_back(value);
        this->metrics_.queue_depth->Increment();
        return this->claim_drain();
    }

private:
    void drain(const std::shared_ptr<subscriber_core>& self) override {
        std::deque<T> batch;
        {
            const std::lock_guard lock{*this->mutex_};
            batch.swap(queue_);
        }
        this->deliver_all(batch);
        this->finish_drain(self);
    }

    bool has_pending() const noexcept override { return !queue_.empty(); }

    std::size_t discard_pending() noexcept override {
        const std::size_t n = queue_.size();
        queue_.clear();
        return n;
    }

    std::deque<T> queue_;
};

}  // namespace tradebot::events::detail
