#include "app/mark_refresher.hpp"

#include <string>
#include <utility>

#include <boost/asio/co_spawn.hpp>

#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::app {

namespace asio = boost::asio;
using logging::kv;

void mark_refresher::start(core::exchange_id venue, reader read) {
    auto& l = loops_[venue];
    if (stopped_ || l.running) {
        return;
    }
    l.read = std::move(read);
    l.pause = std::make_unique<core::timer>(executor_, clock_);
    l.running = true;
    asio::co_spawn(executor_, run(venue), [this, venue](const std::exception_ptr&) { loops_[venue].running = false; });
}

void mark_refresher::stop() {
    stopped_ = true;
    for (auto& [venue, l] : loops_) {
        if (l.pause) {
            l.pause->cancel();
        }
    }
}

bool mark_refresher::idle() const noexcept {
    for (const auto& [venue, l] : loops_) {
        if (l.running) {
            return false;
        }
    }
    return true;
}

asio::awaitable<void> mark_refresher::run(core::exchange_id venue) {
    auto& l = loops_[venue];
    while (!stopped_) {
        auto all = co_await l.read();
        note_health(venue, all);
        if (all) {
            for (const auto& m : *all) {
                cache_.put_mark(venue, m);
            }
        } else {
            // The signal path then reads its marks one by one over REST: slower, not wrong.
            logging::warn(logging::get("trading"), "bulk mark read failed", kv("exchange", core::to_string(venue)),
                          kv("error", all.error().describe()));
        }
        if (stopped_ || !co_await l.pause->wait_for(every_)) {
            break;
        }
    }
}

void mark_refresher::note_health(core::exchange_id venue,
                                 const exchange::result<std::vector<exchange::mark_price_state>>& read) {
    const auto was = rest_ok_.find(venue);
    if (states_ == nullptr || (was != rest_ok_.end() && was->second == read.has_value())) {
        return;
    }
    rest_ok_[venue] = read.has_value();
    states_->publish(events::rest_state{.exchange = venue,
                                        .ok = read.has_value(),
                                        .detail = read ? std::string{} : read.error().describe(),
                                        .ts = clock_.now()});
}

}  // namespace tradebot::app
