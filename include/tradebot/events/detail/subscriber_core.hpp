#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "tradebot/events/detail/topic_metrics.hpp"

namespace tradebot::events::detail {

// The type-independent half of a subscriber: its executor, the "drain scheduled" flag and the
// active flag. Values wait in the typed subclass; a drain posted to the executor hands them to the
// handler. At most one drain per subscriber is in flight, so delivery order holds even on an
// executor that is not a strand.
class subscriber_core {
public:
    // `lock` is the topic's: one lock orders a publish and every subscriber's queue.
    subscriber_core(boost::asio::any_io_executor executor, topic_metrics metrics, std::string topic,
                    std::shared_ptr<std::mutex> lock);
    virtual ~subscriber_core() = default;
    subscriber_core(const subscriber_core&) = delete;
    subscriber_core& operator=(const subscriber_core&) = delete;

    [[nodiscard]] bool active() const noexcept { return active_.load(std::memory_order_acquire); }

    // Stops delivery: values already waiting are discarded and the handler is not called again
    // once this returns, except for a call already running on the executor. Any thread.
    void cancel() noexcept;

    // Posts a drain of `self` to its executor. Called by the publisher after push() asked for it.
    static void schedule(std::shared_ptr<subscriber_core> self);

protected:
    // Runs on the executor: deliver what is pending, then call finish_drain().
    virtual void drain(const std::shared_ptr<subscriber_core>& self) = 0;
    // Drops everything pending and returns how many values that was; mutex_ is held.
    virtual std::size_t discard_pending() noexcept = 0;
    // Whether values wait for delivery; mutex_ is held.
    [[nodiscard]] virtual bool has_pending() const noexcept = 0;
    // Must be called with mutex_ held when values were added: true when the caller must schedule.
    [[nodiscard]] bool claim_drain() noexcept;
    // Ends a drain: schedules the next one when values arrived meanwhile. Deciding that under the
    // same lock as push() means a value is never left waiting with no drain scheduled.
    void finish_drain(const std::shared_ptr<subscriber_core>& self);
    // Counts and logs a handler that threw; delivery continues with the next value.
    void report_handler_error(const char* what) noexcept;

    std::shared_ptr<std::mutex> mutex_;  // the topic's lock
    topic_metrics metrics_;

private:
    boost::asio::any_io_executor executor_;
    std::string topic_;
    bool drain_scheduled_ = false;  // guarded by mutex_
    std::atomic<bool> active_{true};
};

// The deleter of every subscriber: it waits for the topic's lock before deleting, so publish()
// may use a subscriber it has found alive under that lock without taking a reference to it (two
// atomic operations per subscriber and value fewer). Not deleted under the lock: a handler's
// captures may end a subscription of the same topic as they go.
struct subscriber_delete {
    std::shared_ptr<std::mutex> lock;
    void operator()(subscriber_core* s) const noexcept {
        { const std::lock_guard barrier{*lock}; }
        delete s;
    }
};

}  // namespace tradebot::events::detail
