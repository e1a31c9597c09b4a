#include "sim/binance/router.hpp"

#include <array>
#include <charconv>

namespace tradebot::sim::binance {

namespace {

bool has_symbol(const call& c) { return param(c, "symbol").has_value(); }
int limit_of(const call& c, int fallback) {
    const auto v = param(c, "limit");
    int n = fallback;
    if (v) {
        std::from_chars(v->data(), v->data() + v->size(), n);
    }
    return n;
}

// §A3 weights; [U] marks the ones the reference does not list.
int w1(const call&) { return 1; }
int w0(const call&) { return 0; }
int w5(const call&) { return 5; }
int w30(const call&) { return 30; }
int w20(const call&) { return 20; }  // commissionRate [U]
int w_price(const call& c) { return has_symbol(c) ? 1 : 2; }
int w_book(const call& c) { return has_symbol(c) ? 2 : 5; }          // [U]
int w_premium(const call& c) { return has_symbol(c) ? 1 : 10; }
int w_24hr(const call& c) { return has_symbol(c) ? 1 : 40; }         // [U]
int w_open_orders(const call& c) { return has_symbol(c) ? 1 : 40; }
int w_depth(const call& c) {
    const int l = limit_of(c, 500);
    return l <= 50 ? 2 : l <= 100 ? 5 : l <= 500 ? 10 : 20;
}
int w_klines(const call& c) {
    const int l = limit_of(c, 500);
    return l < 100 ? 1 : l < 500 ? 2 : l <= 1000 ? 5 : 10;
}
int w10(const call&) { return 10; }  // countdownCancelAll [U], capital/config/getall

using sec = security;
const std::array routes{
    route{"GET", "/fapi/v1/ping", sec::none, w1, false, md_ping},
    route{"GET", "/fapi/v1/time", sec::none, w1, false, md_time},
    route{"GET", "/fapi/v1/exchangeInfo", sec::none, w1, false, md_exchange_info},
    route{"GET", "/fapi/v1/ticker/price", sec::none, w_price, false, md_ticker_price},
    route{"GET", "/fapi/v2/ticker/price", sec::none, w_price, false, md_ticker_price},
    route{"GET", "/fapi/v1/ticker/bookTicker", sec::none, w_book, false, md_book_ticker},
    route{"GET", "/fapi/v1/premiumIndex", sec::none, w_premium, false, md_premium_index},
    route{"GET", "/fapi/v1/ticker/24hr", sec::none, w_24hr, false, md_ticker_24hr},
    route{"GET", "/fapi/v1/klines", sec::none, w_klines, false, md_klines},
    route{"GET", "/fapi/v1/markPriceKlines", sec::none, w_klines, false, md_mark_price_klines},
    route{"GET", "/fapi/v1/openInterest", sec::none, w1, false, md_open_interest},
    route{"GET", "/fapi/v1/fundingRate", sec::none, w1, false, md_funding_rate},  // [U] weight: 500/5min/IP shared
    route{"GET", "/fapi/v1/depth", sec::none, w_depth, false, md_depth},
    route{"POST", "/fapi/v1/order", sec::signed_, w0, true, order_new},
    route{"PUT", "/fapi/v1/order", sec::signed_, w0, true, order_modify},  // 1 on the order counters, 0 on weight
    route{"DELETE", "/fapi/v1/order", sec::signed_, w1, false, order_cancel},
    route{"GET", "/fapi/v1/order", sec::signed_, w1, false, order_query},
    route{"GET", "/fapi/v1/openOrder", sec::signed_, w1, false, open_order_query},
    route{"GET", "/fapi/v1/openOrders", sec::signed_, w_open_orders, false, open_orders},
    route{"GET", "/fapi/v1/allOrders", sec::signed_, w5, false, all_orders},
    route{"DELETE", "/fapi/v1/allOpenOrders", sec::signed_, w1, false, cancel_all_open},
    route{"POST", "/fapi/v1/countdownCancelAll", sec::signed_, w10, false, countdown_cancel_all},
    route{"GET", "/fapi/v1/userTrades", sec::signed_, w5, false, user_trades},
    route{"GET", "/fapi/v1/income", sec::signed_, w30, false, income_history},
    route{"POST", "/fapi/v1/leverage", sec::signed_, w1, false, set_leverage},
    route{"GET", "/fapi/v1/leverageBracket", sec::signed_, w1, false, leverage_bracket},
    route{"GET", "/fapi/v1/symbolConfig", sec::signed_, w5, false, symbol_config},
    route{"GET", "/fapi/v1/commissionRate", sec::signed_, w20, false, commission_rate},
    route{"POST", "/fapi/v1/marginType", sec::signed_, w1, false, set_margin_type},
    route{"GET", "/fapi/v1/positionSide/dual", sec::signed_, w30, false, get_dual},
    route{"POST", "/fapi/v1/positionSide/dual", sec::signed_, w1, false, set_dual},
    route{"GET", "/fapi/v2/account", sec::signed_, w5, false, account_v2},
    route{"GET", "/fapi/v3/account", sec::signed_, w5, false, account_v3},
    route{"GET", "/fapi/v2/balance", sec::signed_, w5, false, balance},
    route{"GET", "/fapi/v3/balance", sec::signed_, w5, false, balance},
    route{"GET", "/fapi/v2/positionRisk", sec::signed_, w5, false, position_risk_v2},
    route{"GET", "/fapi/v3/positionRisk", sec::signed_, w5, false, position_risk_v3},
    route{"POST", "/fapi/v1/algoOrder", sec::signed_, w0, true, algo_new},
    route{"DELETE", "/fapi/v1/algoOrder", sec::signed_, w1, false, algo_cancel},
    route{"GET", "/fapi/v1/algoOrder", sec::signed_, w1, false, algo_query},
    route{"GET", "/fapi/v1/openAlgoOrders", sec::signed_, w_open_orders, false, algo_open_orders},
    route{"DELETE", "/fapi/v1/algoOpenOrders", sec::signed_, w1, false, algo_cancel_all},
    // The wallet API lives on the spot host; the simulator serves every host on one port [U].
    route{"GET", "/sapi/v1/capital/config/getall", sec::signed_, w10, false, capital_config_getall},
    route{"GET", "/sapi/v1/margin/allPairs", sec::api_key, w1, false, margin_all_pairs},
    route{"POST", "/fapi/v1/listenKey", sec::api_key, w1, false, listen_key_new},
    route{"PUT", "/fapi/v1/listenKey", sec::api_key, w1, false, listen_key_keepalive},
    route{"DELETE", "/fapi/v1/listenKey", sec::api_key, w1, false, listen_key_close},
};

}  // namespace

const route* find_route(std::string_view method, std::string_view path) {
    for (const auto& r : routes) {
        if (r.method == method && r.path == path) {
            return &r;
        }
    }
    return nullptr;
}

}  // namespace tradebot::sim::binance
