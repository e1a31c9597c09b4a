#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "tradebot/events/detail/subscriber.hpp"
#include "tradebot/events/subscription.hpp"

namespace tradebot::events {

namespace detail {
// What the router keeps of any topic, whatever its value type.
class topic_base {
public:
    virtual ~topic_base() = default;
};
}  // namespace detail

// One typed topic. Created and owned by router::topic<T>(); handed out by reference.
template <class T>
class topic final : public detail::topic_base {
public:
    using handler = std::function<void(const T&)>;
    using filter = std::function<bool(const T&)>;
    // Makes a subscriber that shares the topic's lock (and is deleted by detail::subscriber_delete).
    using factory = std::function<std::shared_ptr<detail::subscriber<T>>(boost::asio::any_io_executor, handler,
                                                                         std::shared_ptr<std::mutex>)>;

    topic(std::string name, detail::topic_metrics metrics, factory make, bool coalescing)
        : name_{std::move(name)}, metrics_{metrics}, make_{std::move(make)}, coalescing_{coalescing} {}

    // Calls `h` with every value published from now on, always through asio::post to `executor`
    // (give the component's strand). Keep the subscription no longer than that executor's
    // io_context. Thread safety: any thread.
    [[nodiscard]] subscription subscribe(boost::asio::any_io_executor executor, handler h) {
        return subscribe(std::move(executor), std::move(h), nullptr);
    }
    // As above, for the values `wanted` accepts only; the others are not queued or posted at all
    // (a venue's components take only that venue's marks). `wanted` runs in publish(), on the
    // publisher's thread under the topic's lock: make it a pure function of the value.
    [[nodiscard]] subscription subscribe(boost::asio::any_io_executor executor, handler h, filter wanted) {
        auto sub = make_(std::move(executor), std::move(h), mutex_);
        sub->set_filter(std::move(wanted));
        {
            const std::lock_guard lock{*mutex_};
            subscribers_.push_back({sub, sub.get()});
        }
        return subscription{std::move(sub)};
    }

    // Queues `value` for every current subscriber and returns without waiting for any handler.
    // Concurrent publishers are ordered by this topic's lock, so all subscribers see one order.
    // One lock for the topic and all its subscribers' queues; a subscriber is referenced (two
    // atomic operations) only when a drain must be posted to it, not per value.
    // Thread safety: any thread or strand, including from inside a handler.
    void publish(const T& value) {
        metrics_.published->Increment();
        boost::container::small_vector<std::shared_ptr<detail::subscriber<T>>, 8> to_schedule;
        {
            const std::lock_guard lock{*mutex_};
            // Subscribers that were cancelled or destroyed are forgotten here rather than by the
            // subscription, so a subscription never reaches back into a topic that may be gone.
            // One that has not expired stays alive while the lock is held (subscriber_delete).
            std::size_t kept = 0;
            for (std::size_t i = 0; i < subscribers_.size(); ++i) {
                auto& entry = subscribers_[i];
                if (entry.ref.expired() || !entry.raw->active()) {
                    continue;
                }
                if (entry.raw->wants(value) && entry.raw->push(value)) {
                    // Moved out and released after the lock: the last reference must not go here.
                    if (auto s = entry.ref.lock()) {
                        to_schedule.push_back(std::move(s));
                    }
                }
                if (kept != i) {
                    subscribers_[kept] = std::move(entry);
                }
                ++kept;
            }
            subscribers_.resize(kept);
        }
        for (auto& s : to_schedule) {
            detail::subscriber_core::schedule(std::move(s));
        }
    }

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] bool coalescing() const noexcept { return coalescing_; }
    [[nodiscard]] std::size_t subscriber_count() const {
        // No reference taken under the lock: dropping the last one here would run
        // subscriber_delete, which waits for this lock.
        const std::lock_guard lock{*mutex_};
        return static_cast<std::size_t>(std::count_if(subscribers_.begin(), subscribers_.end(), [](const auto& e) {
            return !e.ref.expired() && e.raw->active();
        }));
    }

private:
    std::string name_;
    detail::topic_metrics metrics_;
    factory make_;
    bool coalescing_;
    // Shared with the subscribers, whose queues it guards too.
    std::shared_ptr<std::mutex> mutex_ = std::make_shared<std::mutex>();
    // Weak: the subscription owns its subscriber, so the topic never keeps a strand (and with it
    // an io_context) referenced after the owning component is gone. `raw` is used only while
    // `ref` has not expired, under the lock.
    struct listed {
        std::weak_ptr<detail::subscriber<T>> ref;
        detail::subscriber<T>* raw = nullptr;
    };
    std::vector<listed> subscribers_;
};

}  // namespace tradebot::events
