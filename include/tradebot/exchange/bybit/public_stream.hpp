#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <set>
#include <string>

#include "tradebot/core/clock.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/exchange/bybit/stream_codec.hpp"
#include "tradebot/exchange/symbol_map.hpp"
#include "tradebot/exchange/venue_metrics.hpp"
#include "tradebot/net/ws_client.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace tradebot::exchange::bybit {

struct public_stream_options {
    std::string ws_base;  // "wss://stream.bybit.com" (the path /v5/public/linear is appended)
    std::string ca_file;
    bool verify_peer = true;
    std::chrono::milliseconds ping_interval{20'000};
    std::chrono::milliseconds idle_timeout{30'000};
    // tickers push every 100 ms: a subscribed feed silent this long is stalled.
    std::chrono::milliseconds stall_timeout{30'000};
    // Topics per subscribe request. Linear has no args-count limit, only <= 21,000 chars of args
    // per connection (§B9); small batches keep one bad topic from hiding the rest.
    std::size_t batch_size = 10;
    net::backoff_options backoff{};
    // A subscribe the venue refuses (not "already subscribed") is sent again after this pause,
    // doubled per refusal in a row up to retry_max (§11 #39).
    std::chrono::milliseconds retry_initial{1'000};
    std::chrono::milliseconds retry_max{30'000};
};

// Bybit's public linear WebSocket for mark prices: keeps a desired set of symbols subscribed as
// tickers.<VENUE SYMBOL> (diffed on set_symbols, batched), merges snapshots and deltas with the
// codec's ticker book, and publishes events::mark_price (topic "mark_price", coalesced by
// venue+symbol), the best bid/ask as events::book_top (topic "book_top", likewise) and
// stream_state "public". On every reconnect the ticker book is cleared and the
// whole desired set is subscribed again. A refused subscribe is retried; resubscribe() asks again
// for symbols whose marks stopped while the connection lived.
class public_stream {
public:
    public_stream(boost::asio::io_context& io, public_stream_options options, const symbol_map& symbols,
                  const core::clock& clock, events::router& router, venue_metrics* metrics = nullptr);
    ~public_stream();
    public_stream(const public_stream&) = delete;
    public_stream& operator=(const public_stream&) = delete;

    // The symbols whose mark price is wanted (internal names; unknown ones are skipped and
    // logged). Thread-safe; takes effect at once when connected, else on the next connect.
    void set_symbols(std::set<core::symbol> symbols);
    [[nodiscard]] std::set<core::symbol> symbols() const;
    // Unsubscribes and subscribes again the tickers of those `symbols` that are wanted (Bybit
    // refuses a second subscribe of a topic it holds; the new subscribe brings a snapshot).
    void resubscribe(std::set<core::symbol> symbols);

    void start();
    void stop();

    [[nodiscard]] std::uint64_t subscribe_requests() const noexcept;  // subscribe frames sent
    [[nodiscard]] std::uint64_t mark_prices() const noexcept;         // mark_price events published
    [[nodiscard]] std::uint64_t subscribes_refused() const noexcept;  // subscribe answers with success false
    [[nodiscard]] net::ws_counters counters() const noexcept;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

}  // namespace tradebot::exchange::bybit
