#include "tradebot/pipeline/venue_lanes.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/co_spawn.hpp>

#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::pipeline {

namespace asio = boost::asio;

std::size_t venue_lanes::submit(const asio::any_io_executor& executor, std::vector<signals::signal> batch,
                                batch_context context) {
    if (stopped_) {
        return 0;
    }
    std::size_t n = 0;
    for (auto& s : batch) {
        if (holds(s.id)) {
            continue;  // a NOTIFY and a table read, or a deferral come due, found it twice
        }
        auto& l = lanes_[s.exchange];
        if (l.queue.empty() || l.queue.back().context.wave != context.wave) {
            l.queue.push_back(pending{context, {}});
        }
        l.queue.back().signals.push_back(std::move(s));
        ++n;
    }
    for (auto& [venue, l] : lanes_) {
        if (!l.running && !l.queue.empty()) {
            l.running = true;
            // The lane ends by itself when its queue is empty.
            asio::co_spawn(executor, run(venue), [this, v = venue](const std::exception_ptr& e) {
                if (!e) {
                    return;  // run() cleared `running` as it left its loop
                }
                auto& failed = lanes_[v];
                failed.running = false;
                failed.deciding.clear();
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& ex) {
                    // Its signals stay new and claimed: the next start resolves them.
                    logging::error(logging::get("signals"), "signal lane failed",
                                   logging::kv("exchange", core::to_string(v)), logging::kv("error", ex.what()));
                }
            });
        }
    }
    return n;
}

asio::awaitable<void> venue_lanes::run(core::exchange_id venue) {
    auto& l = lanes_[venue];
    while (!stopped_ && !l.queue.empty()) {
        auto next = std::move(l.queue.front());
        l.queue.pop_front();
        l.deciding.clear();
        for (const auto& s : next.signals) {
            l.deciding.push_back(s.id);
        }
        co_await decide_(venue, std::move(next.signals), std::move(next.context));
        l.deciding.clear();
    }
    l.queue.clear();  // stopped: left new for the next start
    // Here, not in the completion handler: a submit() between the two would find the lane
    // running and leave its signals queued with nobody to decide them.
    l.running = false;
}

bool venue_lanes::holds(std::int64_t id) const {
    return std::ranges::any_of(lanes_, [id](const auto& entry) {
        const auto& l = entry.second;
        return std::ranges::find(l.deciding, id) != l.deciding.end() ||
               std::ranges::any_of(l.queue, [id](const pending& p) {
                   return std::ranges::any_of(p.signals, [id](const signals::signal& s) { return s.id == id; });
               });
    });
}

std::vector<std::int64_t> venue_lanes::held() const {
    std::vector<std::int64_t> out;
    for (const auto& [venue, l] : lanes_) {
        out.insert(out.end(), l.deciding.begin(), l.deciding.end());
        for (const auto& p : l.queue) {
            for (const auto& s : p.signals) {
                out.push_back(s.id);
            }
        }
    }
    return out;
}

std::size_t venue_lanes::queued() const noexcept {
    std::size_t n = 0;
    for (const auto& [venue, l] : lanes_) {
        for (const auto& p : l.queue) {
            n += p.signals.size();
        }
    }
    return n;
}

bool venue_lanes::busy(core::exchange_id venue) const {
    const auto it = lanes_.find(venue);
    return it != lanes_.end() && it->second.running;
}

bool venue_lanes::idle() const noexcept {
    return std::ranges::none_of(lanes_, [](const auto& entry) { return entry.second.running; });
}

void venue_lanes::stop() noexcept { stopped_ = true; }

}  // namespace tradebot::pipeline
