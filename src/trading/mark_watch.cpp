#include "trading/mark_watch.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "trading/task_group.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/trading/position_book.hpp"
#include "tradebot/trading/trading_metrics.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

mark_watch::mark_watch(const position_book& book, task_group& tasks, trading_metrics& metrics,
                       const config::settings& settings, const core::clock& clock,
                       std::shared_ptr<spdlog::logger> log)
    : book_{book}, tasks_{tasks}, metrics_{metrics}, settings_{settings}, clock_{clock}, log_{std::move(log)} {}

void mark_watch::on_mark(const core::symbol& s) {
    // Only symbols the venue's positions need: a mark stamped long before a position opens on
    // the symbol would make the new position look stale at once.
    if (book_.busy_with(s)) {
        fresh_.insert_or_assign(s, clock_.steady_now());
    }
}

std::set<core::symbol> mark_watch::stale(std::chrono::steady_clock::time_point now) {
    const auto limit = settings_.trading.mark_stale_seconds;
    std::set<core::symbol> out;
    for (const auto& [s, pos] : book_.live()) {
        const auto it = fresh_.find(s);
        if (it == fresh_.end()) {
            fresh_.emplace(s, now);  // no mark yet: the period starts with the position
            continue;
        }
        if (now - it->second >= limit) {
            out.insert(s);
            it->second = now;
        }
    }
    std::erase_if(fresh_, [this](const auto& e) { return !book_.busy_with(e.first); });
    return out;
}

void mark_watch::check() {
    auto symbols = stale(clock_.steady_now());
    if (symbols.empty()) {
        return;
    }
    std::string names;
    for (const auto& s : symbols) {
        names += names.empty() ? "" : ",";
        names += s.str();
    }
    logging::warn(log_, "marks stale: resubscribing", kv("exchange", core::to_string(book_.venue())),
                  kv("symbols", names), kv("stale_seconds", settings_.trading.mark_stale_seconds.count()));
    metrics_.mark_resubscribes(book_.venue(), static_cast<double>(symbols.size()));
    if (resubscribe_) {
        resubscribe_(std::move(symbols));
    }
}

asio::awaitable<void> mark_watch::run() {
    const auto limit = settings_.trading.mark_stale_seconds;
    if (limit.count() <= 0) {
        co_return;
    }
    const auto every = std::max<std::chrono::steady_clock::duration>(std::chrono::seconds{1}, limit / 3);
    for (;;) {
        const bool awake = co_await tasks_.pause(every);
        if (!awake) {
            co_return;
        }
        check();
    }
}

}  // namespace tradebot::trading
