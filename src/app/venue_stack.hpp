#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/exchange/venue_client.hpp"

namespace prometheus {
class Registry;
}

namespace tradebot::app {

// Everything one venue needs, built from its exchange block: the HTTPS pool, rate limiter, time
// sync, metrics, signed REST client, symbol map, the venue_client and its streams (public mark
// prices and best bid/asks always — Binance: markPrice on /market, !bookTicker on /public; the
// private stream only with `private_stream`, i.e. when the venue trades for real). The streams publish on the shared router. Paper mode uses this stack for reference data
// and prices only and puts the in-process paper venue in front of client().
//
// Order of use: client().load_instruments() before start() (the streams need the symbol map);
// stop() before the io_context is destroyed.
class venue_stack {
public:
    // nullptr with `error` set when the exchange block cannot work (a stream URL without the
    // venue's path, private streams without keys).
    static std::unique_ptr<venue_stack> create(boost::asio::io_context& io, const core::clock& clock,
                                               events::router& router, prometheus::Registry& registry,
                                               core::exchange_id venue, const config::exchange_settings& settings,
                                               bool private_stream, std::string& error);

    ~venue_stack();
    venue_stack(const venue_stack&) = delete;
    venue_stack& operator=(const venue_stack&) = delete;

    [[nodiscard]] core::exchange_id venue() const noexcept { return venue_; }
    [[nodiscard]] exchange::venue_client& client() noexcept;

    void start();
    // The market streams only (a standby's warm prices); start() later adds the rest.
    void start_market();
    void stop();
    // The symbols whose mark price is streamed (positions and candidate signals).
    void set_symbols(std::set<core::symbol> symbols);
    // Asks the market stream again for these symbols' marks (they stopped while it was up).
    void resubscribe(std::set<core::symbol> symbols);

    struct parts;

private:
    venue_stack(core::exchange_id venue, std::unique_ptr<parts> p);

    core::exchange_id venue_;
    std::unique_ptr<parts> parts_;
};

// "wss://host/market" -> "wss://host": the streams append the venue's own path; nullopt when the
// URL does not end with it (a custom endpoint spelled differently is a config error, said once).
[[nodiscard]] std::optional<std::string> strip_ws_path(std::string_view url, std::string_view path);

}  // namespace tradebot::app
