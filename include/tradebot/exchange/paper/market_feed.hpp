#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>

#include "tradebot/core/clock.hpp"
#include "tradebot/events/types.hpp"
#include "tradebot/exchange/venue_client.hpp"
#include "tradebot/sim/engine/exchange.hpp"

namespace tradebot::exchange::paper {

// The market the paper engine sees: each symbol's last mark (streamed, or read over REST) and
// book ticker, fed to the engine as its prices (bid/ask from a fresh book ticker the mark has not
// left, else mark -/+ one tick). Part of paper::client, on its strand.
class market_feed {
public:
    // `published` runs after each engine change, to publish what the engine did.
    market_feed(sim::engine::exchange& engine, const core::clock& clock, core::exchange_id venue,
                std::chrono::milliseconds book_max_age, std::function<void()> published);

    // Marks of another venue, of unknown symbols and older than the last one fed are ignored.
    void on_mark_price(const events::mark_price& mark);
    // A mark read over REST, fed as if streamed.
    void on_rest_mark(const mark_price_state& m);
    void on_book_ticker(const core::symbol& symbol, core::decimal bid, core::decimal ask,
                        events::time_point exchange_ts);

private:
    struct book {
        core::decimal bid;
        core::decimal ask;
        events::time_point ts;
    };
    struct last_mark {
        core::decimal price;
        std::optional<core::decimal> index;
        events::time_point ts;
    };

    void feed(const core::symbol& symbol);

    sim::engine::exchange& engine_;
    const core::clock& clock_;
    core::exchange_id venue_;
    std::chrono::milliseconds book_max_age_;
    std::function<void()> published_;
    std::map<core::symbol, last_mark> marks_;
    std::map<core::symbol, book> books_;
};

}  // namespace tradebot::exchange::paper
