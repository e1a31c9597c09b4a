#include "tradebot/exchange/paper/market_feed.hpp"

#include <algorithm>
#include <utility>

#include "exchange/paper/convert.hpp"

namespace tradebot::exchange::paper {

market_feed::market_feed(sim::engine::exchange& engine, const core::clock& clock, core::exchange_id venue,
                         std::chrono::milliseconds book_max_age, std::function<void()> published)
    : engine_{engine},
      clock_{clock},
      venue_{venue},
      book_max_age_{book_max_age},
      published_{std::move(published)} {}

void market_feed::on_mark_price(const events::mark_price& mark) {
    if (mark.exchange != venue_ || !mark.price.is_positive() || engine_.find_instrument(mark.symbol) == nullptr) {
        return;
    }
    const auto it = marks_.find(mark.symbol);
    if (it != marks_.end() && mark.exchange_ts < it->second.ts) {
        return;  // a late duplicate (stream vs REST): never move the market backwards
    }
    marks_[mark.symbol] = last_mark{mark.price, mark.index_price, mark.exchange_ts};
    feed(mark.symbol);
}

void market_feed::on_book_ticker(const core::symbol& symbol, core::decimal bid, core::decimal ask,
                                 events::time_point exchange_ts) {
    if (!bid.is_positive() || ask < bid || engine_.find_instrument(symbol) == nullptr) {
        return;
    }
    books_[symbol] = book{bid, ask, exchange_ts};
    if (marks_.find(symbol) != marks_.end()) {
        feed(symbol);
    }
}

void market_feed::feed(const core::symbol& symbol) {
    const auto* spec = engine_.find_instrument(symbol);
    const auto mark = marks_.find(symbol);
    if (spec == nullptr || mark == marks_.end()) {
        return;
    }
    std::optional<core::decimal> bid;
    std::optional<core::decimal> ask;
    if (const auto b = books_.find(symbol); b != books_.end()) {
        const auto age = b->second.ts > mark->second.ts ? b->second.ts - mark->second.ts : mark->second.ts - b->second.ts;
        // A quote read before the mark moved away from it is not the book any more: filling a stop
        // at a bid the market left seconds ago is what the backtest parity test caught (a stop
        // at 102.49 filled at 99.99). Within its own spread of the mark it still stands.
        const auto spread = std::max(b->second.ask - b->second.bid, spec->tick_size);
        const auto price = mark->second.price;
        if (age <= book_max_age_ && price >= b->second.bid - spread && price <= b->second.ask + spread) {
            bid = b->second.bid;
            ask = b->second.ask;
        }
    }
    // Funding first, at the price it was due at; then the new price runs the triggers.
    engine_.advance_to(clock_.now());
    engine_.on_price(symbol, make_prices(mark->second.price, mark->second.index, bid, ask, spec->tick_size));
    published_();
}

void market_feed::on_rest_mark(const mark_price_state& m) {
    // A venue time no time_point can hold is a corrupt answer: it must not drive paper fills.
    const auto exchange_ts = core::time_from_ms(m.time_ms);
    if (!exchange_ts) {
        return;
    }
    events::mark_price e;
    e.exchange = venue_;
    e.symbol = m.symbol;
    e.price = m.mark_price;
    e.exchange_ts = *exchange_ts;
    e.receive_ts = clock_.now();
    on_mark_price(e);
}

}  // namespace tradebot::exchange::paper
