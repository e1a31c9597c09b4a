#pragma once

#include <cstdint>
#include <functional>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "app/venue_cache.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/events/types.hpp"
#include "tradebot/pipeline/trading_port.hpp"

namespace tradebot::app {

// The best bid/ask of an entry's spread check (issue 22): the venues' public streams keep it
// current (events::book_top: Binance !bookTicker for every symbol, Bybit tickers bid1Price /
// ask1Price) in the venue_cache, where it counts while younger than trading.mark_cache_ms. A
// quote missing or older than that is read over REST only when the caller waits for it
// (quote_wait::read, i.e. trading.block_on_spread); otherwise the answer is "unknown" at once and
// nothing is read: the stream brings the next one. Runs on the trading strand.
class quote_feed {
public:
    // The REST read of one symbol's quote (venue_client::book_top, at normal priority).
    using rest_read = std::function<boost::asio::awaitable<exchange::result<exchange::book_top_state>>()>;

    explicit quote_feed(venue_cache& cache) : cache_{cache} {}

    // Streamed quotes go into the cache from now on, handled on `executor`.
    void follow(events::router& router, boost::asio::any_io_executor executor);
    void stop() { sub_.reset(); }

    [[nodiscard]] boost::asio::awaitable<exchange::result<exchange::book_top_state>> quote(
        core::exchange_id venue, core::symbol symbol, pipeline::quote_wait wait, rest_read read);

    [[nodiscard]] std::uint64_t streamed() const noexcept { return streamed_; }
    [[nodiscard]] std::uint64_t rest_reads() const noexcept { return rest_reads_; }

private:
    venue_cache& cache_;
    events::subscription sub_;
    std::uint64_t streamed_ = 0;    // quotes received from the streams
    std::uint64_t rest_reads_ = 0;  // fallback reads sent
};

}  // namespace tradebot::app
