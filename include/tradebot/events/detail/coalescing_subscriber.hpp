#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "tradebot/events/detail/subscriber.hpp"

namespace tradebot::events::detail {

// policy::coalesce_by_key: one pending slot per key; a newer value replaces the waiting one.
template <class T, class KeyFn>
class coalescing_subscriber final : public subscriber<T> {
public:
    using key_type = std::decay_t<std::invoke_result_t<const KeyFn&, const T&>>;

    coalescing_subscriber(boost::asio::any_io_executor executor, topic_metrics metrics, std::string topic,
                          typename subscriber<T>::handler h, std::shared_ptr<std::mutex> lock, KeyFn key)
        : subscriber<T>{std::move(executor), metrics, std::move(topic), std::move(h), std::move(lock)},
          key_{std::move(key)} {}

    bool push(const T& value) override {
        const auto [it, inserted] = slot_of_.try_emplace(key_(value), pending_.size());
        if (inserted) {
            pending_.push_back(value);
            this->metrics_.queue_depth->Increment();
        } else {
            pending_[it->second] = value;
            ++coalesced_;  // counted into the metric once per drain: one atomic add, not one per value
        }
        return this->claim_drain();
    }

private:
    void drain(const std::shared_ptr<subscriber_core>& self) override {
        std::vector<T> batch;
        std::uint64_t coalesced = 0;
        {
            const std::lock_guard lock{*this->mutex_};
            batch.swap(pending_);
            pending_.swap(spare_);  // the next values go into the last batch's storage
            slot_of_.clear();       // keeps its buckets: no allocation per key and drain
            coalesced = std::exchange(coalesced_, 0);
        }
        if (coalesced != 0) {
            this->metrics_.coalesced->Increment(static_cast<double>(coalesced));
        }
        this->deliver_all(batch);
        batch.clear();
        {
            const std::lock_guard lock{*this->mutex_};
            spare_.swap(batch);
        }
        this->finish_drain(self);
    }

    bool has_pending() const noexcept override { return !pending_.empty(); }

    std::size_t discard_pending() noexcept override {
        const std::size_t n = pending_.size();
        pending_.clear();
        slot_of_.clear();
        if (const auto coalesced = std::exchange(coalesced_, 0); coalesced != 0) {
            this->metrics_.coalesced->Increment(static_cast<double>(coalesced));
        }
        return n;
    }

    KeyFn key_;
    // Values in the order their key first became pending; slot_of_ maps a key to its index.
    std::vector<T> pending_;
    std::vector<T> spare_;  // an empty vector with the capacity of an earlier batch
    boost::unordered_flat_map<key_type, std::size_t, std::hash<key_type>> slot_of_;
    std::uint64_t coalesced_ = 0;  // values replaced since the last drain
};

}  // namespace tradebot::events::detail
