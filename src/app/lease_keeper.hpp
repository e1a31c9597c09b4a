#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/object.hpp>

#include "tradebot/app/lease_tracker.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/core/timer.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot/db/instance_lease.hpp"
#include "tradebot/db/lease_store.hpp"

namespace prometheus {
class Registry;
class Gauge;
template <class T>
class Family;
class Counter;
}  // namespace prometheus

namespace tradebot::app {

// Keeps this instance's side of the instance lease on the trading strand: acquires it (standby),
// renews it (active), and demotes the instance when it is lost: a renewal finds another token,
// a fenced write was refused, or no renewal was confirmed before the tracker's deadline (the
// instance stops trading by itself, it never trades on a lease it may have lost).
//
// Before the instance is told it is active, the trading connection is given the new token
// (database::set_session), so every write of the new term carries it. A demotion is final for
// this process: the daemon drains and exits, and its supervisor starts it again as a standby.
class lease_keeper {
public:
    using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;

    struct hooks {
        std::function<void(std::int64_t token)> promoted;     // on the strand
        std::function<void(std::string_view reason)> demoted;  // on the strand; reason: renew_refused, fenced_write, expired
    };

    // `lease` answers on a connection of its own (renewals never wait behind trading SQL);
    // `trading_db` is the connection whose writes are fenced.
    lease_keeper(strand_type strand, const core::clock& clock, db::lease_store& lease, db::database& trading_db,
                 std::string scope, std::string holder, lease_timing timing, prometheus::Registry& registry,
                 hooks h);
    ~lease_keeper();
    lease_keeper(const lease_keeper&) = delete;
    lease_keeper& operator=(const lease_keeper&) = delete;

    // Fences the trading connection with token 0 (no write passes) and makes one acquire
    // attempt; true when it made this instance active. Then start() keeps the lease.
    [[nodiscard]] boost::asio::awaitable<bool> first_attempt();
    void start();
    // Ends the loops (on the strand). release() after the trading work drained: expires the
    // lease at once so a standby takes over without waiting out the duration.
    void stop();
    [[nodiscard]] boost::asio::awaitable<void> release();
    // From any thread: a write on the trading connection was refused by the fence.
    void fenced();

    // Thread-safe, for /status and /metrics.
    [[nodiscard]] instance_role role() const noexcept { return role_.load(); }
    [[nodiscard]] boost::json::object status() const;
    [[nodiscard]] const std::string& scope() const noexcept { return scope_; }

private:
    boost::asio::awaitable<void> keep();
    boost::asio::awaitable<void> watch_deadline();
    // One acquire; promotes when granted. Returns the holder's remaining time otherwise.
    boost::asio::awaitable<std::int64_t> try_acquire();
    boost::asio::awaitable<void> try_renew();
    void promote(std::int64_t token, lease_tracker::time_point sent);
    void demote(std::string_view reason);
    void publish(instance_role r);

    strand_type strand_;
    const core::clock& clock_;
    db::lease_store& lease_;
    db::database& trading_db_;
    std::string scope_;
    std::string holder_;
    lease_tracker tracker_;
    hooks hooks_;
    core::timer pause_;
    core::timer deadline_timer_;
    bool stopped_ = false;
    bool demoted_ = false;     // final for this process
    bool watching_ = false;    // watch_deadline() running
    bool logged_failure_ = false;
    std::int64_t holder_expires_in_ms_ = 0;  // the holder's remaining lease at our last look
    std::atomic<instance_role> role_{instance_role::standby};
    mutable std::mutex seen_mutex_;
    std::string seen_holder_;    // the holder the last look found (standby)
    std::int64_t seen_token_ = 0;
    prometheus::Gauge& active_gauge_;
    prometheus::Family<prometheus::Counter>& lost_;
    prometheus::Counter& acquired_;
};

}  // namespace tradebot::app
