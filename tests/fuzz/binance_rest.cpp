// Binance REST answers: the body as the adapter gets it (rest_client.cpp: parse_error_body first,
// then Boost.JSON, then the endpoint's parser). Every parser runs on every value, since a venue
// (or a proxy, or a fault) can answer any endpoint with any shape. Properties: nothing throws
// (the parsers return result<>; an exception would leave the adapter's coroutine), and what a
// parser accepts holds together (a mapped symbol, non-negative quantities where the venue's are).

#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "fuzz_check.hpp"
#include "tradebot/exchange/binance/wire.hpp"

namespace {

using namespace tradebot::exchange::binance;
namespace fuzz = tradebot::fuzz;
using tradebot::exchange::symbol_map;

symbol_map known_symbols() {
    symbol_map m{tradebot::core::exchange_id::binance};
    m.add_instrument("BTCUSDT", "BTC", "USDT");
    m.add_instrument("ETHUSDT", "ETH", "USDT");
    m.add_instrument("1000SHIBUSDT", "1000SHIB", "USDT");
    return m;
}

void run_parsers(const boost::json::value& v) {
    static const symbol_map symbols = known_symbols();
    {
        auto fresh = known_symbols();
        const auto rules = parse_exchange_info(v, fresh);
        if (rules) {
            for (const auto& r : *rules) {
                fuzz::check(!r.symbol.view().empty(), "exchangeInfo: a rule without its symbol");
            }
        }
    }
    (void)parse_server_time(v);
    (void)parse_premium_index(v, symbols);
    (void)parse_premium_index_all(v, symbols);
    (void)parse_open_interest(v, symbols);
    (void)parse_kline_at(v, 0);
    if (v.is_array() && !v.as_array().empty() && v.as_array()[0].is_array() && !v.as_array()[0].as_array().empty() &&
        v.as_array()[0].as_array()[0].is_int64()) {
        (void)parse_kline_at(v, v.as_array()[0].as_array()[0].as_int64());
    }
    (void)parse_order(v, symbols);
    (void)parse_orders(v, symbols);
    (void)parse_algo_order(v, symbols);
    (void)parse_algo_orders(v, symbols);
    if (const auto positions = parse_positions(v, symbols)) {
        for (const auto& p : *positions) {
            fuzz::check(p.quantity.is_positive(), "positionRisk: a flat or negative position was kept");
        }
    }
    (void)parse_balances(v);
    (void)parse_leverage_brackets(v, symbols);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto body = fuzz::as_text(data, size);
    (void)parse_error_body(body);
    boost::system::error_code ec;
    const auto v = boost::json::parse(body, ec);
    if (!ec) {
        run_parsers(v);
    }
    return 0;
}
