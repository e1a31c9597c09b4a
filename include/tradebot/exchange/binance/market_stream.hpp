#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tradebot/core/clock.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/events/topic.hpp"
#include "tradebot/events/types.hpp"
#include "tradebot/exchange/binance/stream_codec.hpp"
#include "tradebot/exchange/symbol_map.hpp"
#include "tradebot/exchange/venue_metrics.hpp"
#include "tradebot/net/backoff.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace spdlog {
class logger;
}  // namespace spdlog

namespace tradebot::exchange::binance {

struct market_stream_options {
    std::string ws_base;  // "wss://fstream.binance.com"
    // §A9 (2026 split): mark price, kline, aggTrade ... on "market"; bookTicker and depth on
    // "public" only (on /market they are silently absent). One market_stream per route.
    std::string route = "market";
    // Per-symbol stream suffixes, e.g. {"markPrice@1s"} on market, {"bookTicker"} on public.
    std::vector<std::string> streams{"markPrice@1s"};
    // Streams of every symbol at once (e.g. "!bookTicker" on public), subscribed whatever
    // set_symbols() asks for.
    std::vector<std::string> all_symbol_streams;
    bool verify_peer = true;
    std::string ca_file;
    std::chrono::milliseconds connect_timeout{std::chrono::seconds{10}};
    std::chrono::milliseconds idle_timeout{std::chrono::seconds{30}};
    // markPrice@1s ticks every second: 10 s of silence on a subscribed stream means it froze.
    std::chrono::milliseconds stall_timeout{std::chrono::seconds{10}};
    net::backoff_options backoff;
    // §A9: at most 10 incoming messages per second per connection, 1024 streams per connection.
    // Control messages go out at most one per command_interval, each with <= streams_per_command.
    std::chrono::milliseconds command_interval{std::chrono::milliseconds{250}};
    std::size_t streams_per_command = 100;
    std::string name = "market";  // stream label in stream_state and metrics
    // A control message the venue refuses ({"error":...}) is followed by a SUBSCRIBE of the whole
    // desired set after this pause, doubled per refusal in a row up to retry_max (§11 #39).
    std::chrono::milliseconds retry_initial{std::chrono::seconds{1}};
    std::chrono::milliseconds retry_max{std::chrono::seconds{30}};
};

// One combined-stream connection (<ws_base>/<route>/stream) whose subscriptions follow a desired
// set of symbols: set_symbols() diffs against what is subscribed and sends SUBSCRIBE /
// UNSUBSCRIBE in batches paced to the venue's incoming-message limit; after every reconnect the
// whole set is subscribed again (on_connected); a refused command is retried (see
// market_stream_options::retry_initial), and resubscribe() asks again for symbols whose marks
// stopped while the connection lived. Mark prices are published on the router; book
// tickers go to on_book_ticker() and, with publish_quotes(), onto the router's book_top topic.
//
// Runs on its own strand; every public member is thread-safe. Symbols not in the symbol map are
// skipped with a warning. stop() before destroying the io_context.
class market_stream {
public:
    market_stream(boost::asio::io_context& io, const symbol_map& symbols,
                  events::topic<events::mark_price>* marks, events::topic<events::stream_state>* states,
                  const core::clock& clock, venue_metrics* metrics, std::shared_ptr<spdlog::logger> log,
                  market_stream_options options);
    ~market_stream();
    market_stream(const market_stream&) = delete;
    market_stream& operator=(const market_stream&) = delete;

    // Called on the stream's strand; set before start().
    void on_book_ticker(std::function<void(const book_ticker&)> handler);
    // Book tickers also go out as events::book_top on this topic, from the reading thread (no
    // hop per frame); set before start().
    void publish_quotes(events::topic<events::book_top>* quotes);

    void start();
    void stop();
    void set_symbols(std::set<core::symbol> symbols);
    // SUBSCRIBEs again the streams of those `symbols` that are wanted (a venue keeps a stream
    // subscribed twice as one): for a symbol whose feed went quiet while the connection lived.
    void resubscribe(std::set<core::symbol> symbols);
    // Control messages the venue refused since start.
    [[nodiscard]] std::uint64_t commands_refused() const noexcept;

    // Stream names on the wire after the queued commands went out (for tests and /status).
    [[nodiscard]] std::set<std::string> subscriptions() const;
    [[nodiscard]] std::uint64_t commands_sent() const noexcept;
    [[nodiscard]] std::uint64_t connects() const noexcept;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

// The SUBSCRIBE / UNSUBSCRIBE frames that move `current` to `desired`, at most `per_command`
// streams each, ids from `next_id` on (sans-io; unit-tested).
[[nodiscard]] std::vector<std::string> subscription_commands(const std::set<std::string>& current,
                                                             const std::set<std::string>& desired,
                                                             std::size_t per_command, std::uint64_t& next_id);

}  // namespace tradebot::exchange::binance
