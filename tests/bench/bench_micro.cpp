// Micro-benchmarks (ns per operation) of the pieces every order and every price goes through:
// core::decimal parse / format / step rounding, HMAC-SHA256 request signing, and the exact
// signed request of a market order for each venue.

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/ids.hpp"
#include "tradebot/exchange/api_credentials.hpp"
#include "tradebot/exchange/binance/wire.hpp"
#include "tradebot/exchange/bybit/rest_codec.hpp"
#include "tradebot/exchange/hmac.hpp"
#include "tradebot/exchange/signing.hpp"

namespace {

using tradebot::core::decimal;
namespace ex = tradebot::exchange;

// Shapes seen on the wire: 8-decimal Binance marks, funding rates, Bybit tick prices, quantities.
constexpr std::array<std::string_view, 8> decimal_texts{"11794.15000000", "0.00038167", "25.3519", "60000.1",
                                                        "0.012",          "1234.5",     "-0.0123", "100"};

std::array<decimal, decimal_texts.size()> parsed_decimals() {
    std::array<decimal, decimal_texts.size()> out{};
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = decimal::from_string(decimal_texts[i]);
    }
    return out;
}

void decimal_parse(benchmark::State& state) {
    std::size_t i = 0;
    for (auto _ : state) {
        auto d = decimal::parse(decimal_texts[i]);
        benchmark::DoNotOptimize(d);
        i = (i + 1) % decimal_texts.size();
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(decimal_parse);

// The allocation-free form the codecs can use.
void decimal_format_to(benchmark::State& state) {
    const auto values = parsed_decimals();
    std::array<char, 32> buf{};
    std::size_t i = 0;
    for (auto _ : state) {
        const auto n = values[i].format_to(buf.data());
        benchmark::DoNotOptimize(n);
        benchmark::DoNotOptimize(buf);
        i = (i + 1) % values.size();
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(decimal_format_to);

void decimal_to_string(benchmark::State& state) {
    const auto values = parsed_decimals();
    std::size_t i = 0;
    for (auto _ : state) {
        auto s = values[i].to_string();
        benchmark::DoNotOptimize(s);
        i = (i + 1) % values.size();
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(decimal_to_string);

// A computed quantity floored to the lot step, and a stop price moved to the nearest tick.
void decimal_round_to_step(benchmark::State& state) {
    const std::array<decimal, 4> values{decimal::from_string("0.0123456"), decimal::from_string("11794.1537"),
                                        decimal::from_string("25.35199"), decimal::from_string("0.000123456")};
    const std::array<decimal, 4> steps{decimal::from_string("0.001"), decimal::from_string("0.1"),
                                       decimal::from_string("0.0001"), decimal::from_string("0.0000001")};
    std::size_t i = 0;
    for (auto _ : state) {
        auto q = values[i].floor_to_step(steps[i]);
        auto p = values[i].nearest_step(steps[i]);
        benchmark::DoNotOptimize(q);
        benchmark::DoNotOptimize(p);
        i = (i + 1) % values.size();
    }
    // Two roundings per iteration.
    state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(decimal_round_to_step);

const ex::api_credentials& credentials() {
    static const ex::api_credentials creds{"vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
                                           "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"};
    return creds;
}

constexpr std::int64_t timestamp_ms = 1'767'225'600'123;

// What binance::rest_client::build_target signs for POST /fapi/v1/order (market entry).
constexpr std::string_view binance_order_query =
    "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.012&newClientOrderId=tbp-123456-en-0"
    "&newOrderRespType=RESULT&recvWindow=5000&timestamp=1767225600123";

// What bybit::rest_client signs for POST /v5/order/create: the exact JSON body.
constexpr std::string_view bybit_order_body =
    R"({"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.012",)"
    R"("positionIdx":0,"orderLinkId":"tbp-123456-en-0"})";

void hmac_sha256_hex_raw(benchmark::State& state) {
    const auto& secret = credentials().reveal_secret();
    for (auto _ : state) {
        auto h = ex::hmac_sha256_hex(secret, binance_order_query);
        benchmark::DoNotOptimize(h);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(hmac_sha256_hex_raw);

void binance_sign_order_query(benchmark::State& state) {
    for (auto _ : state) {
        auto q = ex::binance_signed_query(credentials(), binance_order_query);
        benchmark::DoNotOptimize(q);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(binance_sign_order_query);

void bybit_sign_v5_prehash(benchmark::State& state) {
    for (auto _ : state) {
        auto s = ex::bybit_signature(credentials(), timestamp_ms, 5000, bybit_order_body);
        benchmark::DoNotOptimize(s);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bybit_sign_v5_prehash);

ex::market_order_request market_entry() {
    ex::market_order_request r;
    r.symbol = tradebot::core::symbol::from_string("BTCUSDT");
    r.side = tradebot::core::side::buy;
    r.quantity = decimal::from_string("0.012");
    r.client_id = tradebot::core::client_order_id{123456, tradebot::core::order_purpose::entry, 0, false};
    return r;
}

// The same steps as binance::rest_client::build_target: parameters, recvWindow, timestamp, then
// "&signature=<hex>": the request target that goes on the wire.
void binance_market_order_signed(benchmark::State& state) {
    const auto request = market_entry();
    // The signing benchmarks above use this request's exact bytes; say so if the codec changes.
    if (const auto built = tradebot::exchange::binance::market_order_query("BTCUSDT", request).str() +
                           "&recvWindow=5000&timestamp=" + std::to_string(timestamp_ms);
        built != binance_order_query) {
        std::fprintf(stderr, "built: %s\n", built.c_str());
        state.SkipWithError("binance_order_query is no longer what market_order_query builds");
        return;
    }
    for (auto _ : state) {
        std::string query = tradebot::exchange::binance::market_order_query("BTCUSDT", request).str();
        query.append("&recvWindow=").append(std::to_string(5000));
        query.append("&timestamp=").append(std::to_string(timestamp_ms));
        std::string target = "/fapi/v1/order?";
        target.append(ex::binance_signed_query(credentials(), query));
        benchmark::DoNotOptimize(target);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(binance_market_order_signed);

void binance_market_order_unsigned(benchmark::State& state) {
    const auto request = market_entry();
    for (auto _ : state) {
        auto q = tradebot::exchange::binance::market_order_query("BTCUSDT", request);
        benchmark::DoNotOptimize(q);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(binance_market_order_unsigned);

// bybit::rest_client's steps for a POST: the JSON body, then X-BAPI-SIGN over ts+key+recv+body.
void bybit_market_order_signed(benchmark::State& state) {
    const auto request = market_entry();
    if (const auto built = tradebot::exchange::bybit::market_order_body("BTCUSDT", request); built != bybit_order_body) {
        std::fprintf(stderr, "built: %s\n", built.c_str());
        state.SkipWithError("bybit_order_body is no longer what market_order_body builds");
        return;
    }
    for (auto _ : state) {
        std::string body = tradebot::exchange::bybit::market_order_body("BTCUSDT", request);
        std::string sign = ex::bybit_signature(credentials(), timestamp_ms, 5000, body);
        benchmark::DoNotOptimize(body);
        benchmark::DoNotOptimize(sign);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bybit_market_order_signed);

void bybit_market_order_unsigned(benchmark::State& state) {
    const auto request = market_entry();
    for (auto _ : state) {
        auto body = tradebot::exchange::bybit::market_order_body("BTCUSDT", request);
        benchmark::DoNotOptimize(body);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bybit_market_order_unsigned);

}  // namespace

BENCHMARK_MAIN();
