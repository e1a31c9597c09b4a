#include "app/quote_feed.hpp"

#include <utility>

namespace tradebot::app {

namespace asio = boost::asio;

void quote_feed::follow(events::router& router, asio::any_io_executor executor) {
    auto& quotes = router.topic<events::book_top>(events::topic_name::book_top,
                                                  events::policy::coalesce_by_key{events::by_venue_symbol{}});
    sub_ = quotes.subscribe(std::move(executor), [this](const events::book_top& q) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(q.exchange_ts.time_since_epoch());
        cache_.put_book(q.exchange, exchange::book_top_state{q.symbol, q.bid, q.ask, ms.count()});
        ++streamed_;
    });
}

asio::awaitable<exchange::result<exchange::book_top_state>> quote_feed::quote(core::exchange_id venue,
                                                                              core::symbol symbol,
                                                                              pipeline::quote_wait wait,
                                                                              rest_read read) {
    if (auto cached = cache_.book(venue, symbol)) {
        co_return *cached;
    }
    if (wait == pipeline::quote_wait::cached_only) {
        exchange::error e;
        e.kind = exchange::error_kind::retryable;
        e.venue = venue;
        e.message = "no fresh bid/ask from the stream";
        co_return e;
    }
    ++rest_reads_;
    auto got = co_await read();
    if (got) {
        cache_.put_book(venue, *got);
    }
    co_return got;
}

}  // namespace tradebot::app
