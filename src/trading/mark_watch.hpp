#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include <boost/asio/awaitable.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/core/symbol.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::trading {

class position_book;
class task_group;
class trading_metrics;

// Per-symbol freshness of the streamed marks (original-bot.md §11 #39). A venue can stop sending
// one symbol while the connection and the other symbols carry on (a subscription lost around a
// reconnect, a SUBSCRIBE refused): the stream's stall detection never fires, and the trailing
// stop and the aged exit of that position would freeze without a word. Every third of
// trading.mark_stale_seconds this compares the live positions' symbols with those that had a
// mark within that time and hands the difference to the stream to subscribe again.
//
// On the venue's trading strand; time is the injected clock's (a test advances a manual clock).
class mark_watch {
public:
    using resubscriber = std::function<void(std::set<core::symbol>)>;

    mark_watch(const position_book& book, task_group& tasks, trading_metrics& metrics,
               const config::settings& settings, const core::clock& clock, std::shared_ptr<spdlog::logger> log);

    // Who resubscribes (the venue's market stream); without one the check only logs.
    void set_resubscriber(resubscriber r) { resubscribe_ = std::move(r); }
    // A streamed mark of `s` arrived now.
    void on_mark(const core::symbol& s);
    // The live symbols whose last mark (or, without one, the moment the watch first saw them live,
    // or their last resubscription) is mark_stale_seconds old or older; each is stamped as
    // resubscribed `now`, so that it is asked for again only after another full period.
    [[nodiscard]] std::set<core::symbol> stale(std::chrono::steady_clock::time_point now);
    // One check: stale(), then the resubscription, the log line and the metric.
    void check();
    // check() every third of the period until the task group stops; returns at once when off.
    [[nodiscard]] boost::asio::awaitable<void> run();

private:
    const position_book& book_;
    task_group& tasks_;
    trading_metrics& metrics_;
    const config::settings& settings_;
    const core::clock& clock_;
    std::shared_ptr<spdlog::logger> log_;
    resubscriber resubscribe_;
    std::map<core::symbol, std::chrono::steady_clock::time_point> fresh_;  // last evidence per symbol
};

}  // namespace tradebot::trading
