#pragma once

// The daemon's own alerts (issue 17): critical events posted to one webhook in Discord's or
// Telegram's format. Everything runs on the notifier's strand: the trading core only publishes
// its typed events (position_event, signal_event, stream_state, rest_state) on the router, and
// post() only queues, so a slow
// or dead receiver never holds up trading. The queue is bounded: when full, the oldest
// non-critical alert is dropped (tradebot_alerts_dropped_total). Alerts of a kind beyond
// the rate limit are counted and coalesced (rate_limiter). Failed posts are retried with back-off.
// A problem that ends gets a resolution (RESOLVED): a position at risk that has a stop again or is
// closed, a venue REST API, stream or the database back after an outage that was announced (an
// outage is announced once it lasts alerts.webhook.outage_grace_seconds), the kill switch cleared.
// Metrics (label kind): tradebot_alerts_sent_total, _suppressed_total, _dropped_total,
// _failed_total (given up), _retries_total; the gauge tradebot_alerts_queue_depth.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "tradebot/alerts/alert.hpp"
#include "tradebot/alerts/alert_queue.hpp"
#include "tradebot/alerts/kill_switch_watch.hpp"
#include "tradebot/alerts/outage_tracker.hpp"
#include "tradebot/alerts/position_alerts.hpp"
#include "tradebot/alerts/rate_limiter.hpp"
#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/events/subscription.hpp"
#include "tradebot/net/backoff.hpp"
#include "tradebot/net/https_client.hpp"

namespace tradebot::alerts {

class webhook_notifier {
public:
    // `label` names this instance in every message ("tradebot production host"). With an empty
    // webhook URL the notifier is off: follow() and post() do nothing.
    webhook_notifier(boost::asio::io_context& io, const core::clock& clock, prometheus::Registry& registry,
                     config::webhook_settings settings, std::string label);
    ~webhook_notifier();
    webhook_notifier(const webhook_notifier&) = delete;
    webhook_notifier& operator=(const webhook_notifier&) = delete;

    [[nodiscard]] bool enabled() const noexcept { return enabled_; }

    // Alerts from the router's position, signal, stream and REST events, from now on. Call once,
    // at wiring.
    void follow(events::router& router);
    // After a kill_switch alert, `active` (run on a thread of the notifier's own, never on the
    // io_context: it looks at the file system) is asked once a second until it says the switch is
    // off, which gives the resolution "kill switch <file> cleared". Call once, at wiring.
    void watch_kill_switch(std::filesystem::path file, std::function<bool()> active);
    // The database connection's state, from any thread (the DB thread's callback): down longer
    // than the grace gives a database_down alert, its return after that the resolution.
    void database_state(bool up, std::string detail);
    // Queues an alert. Any thread; never blocks and never waits for the receiver.
    void post(alert a);
    // Shutdown: no more events are followed; what is queued (post() before or right after this
    // included) is sent with one attempt each, and whatever is left at `within` is dropped. The
    // io_context's run() returns once that is done.
    void close(std::chrono::steady_clock::duration within);
    // True when nothing is queued or being sent. Any thread.
    [[nodiscard]] bool idle() const noexcept { return posted_.load() == 0 && !draining_.load(); }

private:
    void enqueue(queued_alert q);  // strand only
    void arm_summaries();
    // Strand only: a subject down or up (outages_), and the timer for the next grace to end.
    void outage(alert_kind kind, const std::string& subject, bool up, std::string detail);
    void arm_outages();
    boost::asio::awaitable<void> drain();
    boost::asio::awaitable<void> deliver(alert a);
    [[nodiscard]] bool past_close_deadline() const;

    const core::clock& clock_;
    config::webhook_settings settings_;
    std::string label_;
    bool enabled_;
    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    std::unique_ptr<net::https_client> client_;
    std::string target_;  // the URL's path and query; the client has its origin
    rate_limiter limiter_;
    net::backoff backoff_;
    alert_queue queue_;
    position_alerts positions_;
    outage_tracker outages_;
    kill_switch_watch kill_switch_;
    std::atomic<bool> draining_{false};
    std::atomic<int> posted_{0};  // post()ed, not queued yet
    bool summaries_armed_ = false;
    bool closing_ = false;
    std::chrono::steady_clock::time_point close_deadline_{};
    boost::asio::steady_timer retry_timer_;
    boost::asio::steady_timer summary_timer_;
    boost::asio::steady_timer outage_timer_;
    events::subscription positions_sub_;
    events::subscription signals_sub_;
    events::subscription streams_sub_;
    events::subscription rest_sub_;

    prometheus::Family<prometheus::Counter>& sent_;
    prometheus::Family<prometheus::Counter>& suppressed_;
    prometheus::Family<prometheus::Counter>& dropped_;
    prometheus::Family<prometheus::Counter>& failed_;
    prometheus::Family<prometheus::Counter>& retries_;
    prometheus::Gauge& depth_;
};

}  // namespace tradebot::alerts
