// Bybit REST answers: the body as the adapter gets it (parse_envelope with the HTTP status, then
// the endpoint's parser on the envelope). Every parser runs on every envelope, since a venue (or a
// proxy, or a fault) can answer any endpoint with any shape. The first byte picks the HTTP status
// (200 mostly, else one of the error statuses the envelope classifies). Properties: nothing
// throws (the parsers return result<>), and what a parser accepts holds together.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "tradebot/exchange/bybit/rest_codec.hpp"

namespace {

using namespace tradebot::exchange::bybit;
namespace fuzz = tradebot::fuzz;
using tradebot::exchange::symbol_map;

constexpr std::array<unsigned, 8> statuses{200, 200, 200, 200, 400, 403, 429, 503};

symbol_map known_symbols() {
    symbol_map m{tradebot::core::exchange_id::bybit};
    m.add_instrument("BTCUSDT", "BTC", "USDT");
    m.add_instrument("ETHUSDT", "ETH", "USDT");
    m.add_instrument("1000PEPEUSDT", "1000PEPE", "USDT");
    return m;
}

void run_parsers(const envelope& e) {
    static const symbol_map symbols = known_symbols();
    (void)parse_server_time(e);
    {
        auto fresh = known_symbols();
        if (const auto page = parse_instruments(e, fresh)) {
            for (const auto& r : page->rules) {
                fuzz::check(!r.symbol.view().empty(), "instruments: a rule without its symbol");
            }
        }
    }
    (void)parse_mark_price(e, symbols);
    (void)parse_mark_prices(e, symbols);
    (void)parse_open_interest_value(e, symbols);
    (void)parse_kline_at(e, 0);
    (void)parse_orders(e, symbols);
    if (const auto page = parse_positions(e, symbols)) {
        for (const auto& p : page->positions) {
            fuzz::check(p.quantity.is_positive(), "positions: a flat or negative position was kept");
        }
    }
    (void)parse_wallet(e);
    (void)parse_order_id(e);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const unsigned status = statuses[data[0] % statuses.size()];
    const auto body = fuzz::as_text(data + 1, size - 1);
    if (const auto e = parse_envelope(status, body)) {
        run_parsers(*e);
    }
    return 0;
}
