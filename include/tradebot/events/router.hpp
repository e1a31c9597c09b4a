#pragma once

// The in-process event router: typed topics between components that live on different strands.
// Publishers call topic<T>::publish() from any strand; each subscriber gets its values through
// asio::post on its own executor, in publish order, with latest-value coalescing on price topics.
// Handlers are never called under a router lock and never inline from publish().
// Metrics (label topic): tradebot_events_published_total, _dispatched_total, _coalesced_total,
// _handler_errors_total, and the gauge tradebot_events_queue_depth (values waiting, all subscribers).

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include <prometheus/family.h>
#include <prometheus/registry.h>

#include "tradebot/events/detail/coalescing_subscriber.hpp"
#include "tradebot/events/detail/fifo_subscriber.hpp"
#include "tradebot/events/policy.hpp"
#include "tradebot/events/topic.hpp"

namespace tradebot::events {

class router {
public:
    // `registry` must outlive the router and every handler still queued on an executor.
    explicit router(prometheus::Registry& registry);
    router(const router&) = delete;
    router& operator=(const router&) = delete;

    // The FIFO topic `name`, created on first use. Asking again for the same name returns the same
    // topic; asking with another value type or policy throws std::logic_error (a wiring bug).
    // Thread safety: any thread; normally called while wiring components at start-up.
    template <class T>
    events::topic<T>& topic(std::string_view name, policy::fifo = {}) {
        return find_or_create<T>(name, false, [](boost::asio::any_io_executor ex, detail::topic_metrics m,
                                                 std::string topic_name, typename events::topic<T>::handler h,
                                                 std::shared_ptr<std::mutex> lock) {
            return std::shared_ptr<detail::subscriber<T>>(
                new detail::fifo_subscriber<T>(std::move(ex), m, std::move(topic_name), std::move(h), lock),
                detail::subscriber_delete{lock});
        });
    }

    // The coalescing topic `name`, created on first use (same rules as above).
    template <class T, class KeyFn>
    events::topic<T>& topic(std::string_view name, policy::coalesce_by_key<KeyFn> p) {
        static_assert(std::is_invocable_v<const KeyFn&, const T&>, "the key extractor must accept const T&");
        return find_or_create<T>(name, true, [key = std::move(p.key)](boost::asio::any_io_executor ex,
                                                                    detail::topic_metrics m, std::string topic_name,
                                                                    typename events::topic<T>::handler h,
                                                                    std::shared_ptr<std::mutex> lock) {
            return std::shared_ptr<detail::subscriber<T>>(
                new detail::coalescing_subscriber<T, KeyFn>(std::move(ex), m, std::move(topic_name), std::move(h),
                                                            lock, key),
                detail::subscriber_delete{lock});
        });
    }

private:
    template <class T, class Make>
    events::topic<T>& find_or_create(std::string_view name, bool coalescing, Make make) {
        const std::lock_guard lock{mutex_};
        if (const auto it = topics_.find(name); it != topics_.end()) {
            auto* existing = dynamic_cast<events::topic<T>*>(it->second.get());
            if (existing == nullptr || existing->coalescing() != coalescing) {
                throw std::logic_error{"events::router: topic '" + std::string{name} +
                                       "' already exists with another type or policy"};
            }
            return *existing;
        }
        const auto metrics = metrics_for(name);
        auto created = std::make_unique<events::topic<T>>(
            std::string{name}, metrics,
            [metrics, topic_name = std::string{name}, make = std::move(make)](
                boost::asio::any_io_executor ex, typename events::topic<T>::handler h,
                std::shared_ptr<std::mutex> topic_lock) {
                return make(std::move(ex), metrics, topic_name, std::move(h), std::move(topic_lock));
            },
            coalescing);
        auto& ref = *created;
        topics_.emplace(std::string{name}, std::move(created));
        return ref;
    }

    [[nodiscard]] detail::topic_metrics metrics_for(std::string_view name);

    prometheus::Family<prometheus::Counter>& published_;
    prometheus::Family<prometheus::Counter>& dispatched_;
    prometheus::Family<prometheus::Counter>& coalesced_;
    prometheus::Family<prometheus::Counter>& handler_errors_;
    prometheus::Family<prometheus::Gauge>& queue_depth_;
    std::mutex mutex_;
    std::map<std::string, std::unique_ptr<detail::topic_base>, std::less<>> topics_;
};

}  // namespace tradebot::events
