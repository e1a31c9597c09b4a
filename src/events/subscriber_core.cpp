#include "tradebot/events/detail/subscriber_core.hpp"

#include <boost/asio/post.hpp>

#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::events::detail {

subscriber_core::subscriber_core(boost::asio::any_io_executor executor, topic_metrics metrics, std::string topic,
                                 std::shared_ptr<std::mutex> lock)
    : mutex_{std::move(lock)}, metrics_{metrics}, executor_{std::move(executor)}, topic_{std::move(topic)} {}

void subscriber_core::cancel() noexcept {
    active_.store(false, std::memory_order_release);
    const std::lock_guard lock{*mutex_};
    metrics_.queue_depth->Decrement(static_cast<double>(discard_pending()));
}

void subscriber_core::schedule(std::shared_ptr<subscriber_core> self) {
    // post, never dispatch: a publisher running on the subscriber's strand must not re-enter the
    // handler from inside its own publish() call.
    const auto executor = self->executor_;
    boost::asio::post(executor, [self = std::move(self)] { self->drain(self); });
}

bool subscriber_core::claim_drain() noexcept {
    if (drain_scheduled_) {
        return false;
    }
    drain_scheduled_ = true;
    return true;
}

void subscriber_core::finish_drain(const std::shared_ptr<subscriber_core>& self) {
    {
        const std::lock_guard lock{*mutex_};
        if (!active() || !has_pending()) {
            drain_scheduled_ = false;
            return;
        }
    }
    schedule(self);
}

void subscriber_core::report_handler_error(const char* what) noexcept {
    metrics_.handler_errors->Increment();
    try {
        logging::error(logging::get("router"), "event handler threw", logging::kv("topic", topic_),
                       logging::kv("error", what));
    } catch (...) {  // NOLINT(bugprone-empty-catch): the counter above already records the failure
    }
}

}  // namespace tradebot::events::detail
