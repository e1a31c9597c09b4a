#include "tradebot/exchange/bybit/rest_codec.hpp"

#include <string>

#include <gtest/gtest.h>

#include "tradebot/exchange/signing.hpp"

namespace tradebot::exchange::bybit {
namespace {

using namespace tradebot::core::literals;

envelope ok(std::string_view body) {
    auto r = parse_envelope(200, body);
    EXPECT_TRUE(r.has_value()) << body;
    return r.has_value() ? *r : envelope{};
}

TEST(BybitEnvelope, SuccessKeepsResultAndTime) {
    const auto e = ok(R"({"retCode":0,"retMsg":"OK","result":{"timeSecond":"1688639403","timeNano":"1688639403423213947"},"retExtInfo":{},"time":1688639403423})");
    EXPECT_EQ(e.time_ms, 1688639403423);
    ASSERT_TRUE(parse_server_time(e).has_value());
    EXPECT_EQ(*parse_server_time(e), 1688639403423);
}

TEST(BybitEnvelope, SuccessMessagesVary) {
    for (const char* msg : {"OK", "success", "SUCCESS", ""}) {
        const std::string body = std::string{R"({"retCode":0,"retMsg":")"} + msg + R"(","result":{},"time":1})";
        EXPECT_TRUE(parse_envelope(200, body).has_value()) << msg;
    }
}

TEST(BybitEnvelope, BusinessErrorsAreHttp200WithRetCode) {
    struct row {
        int code;
        const char* msg;
        error_kind kind;
    };
    for (const row& r : {row{10001, "Qty invalid", error_kind::invalid_request},
                         row{10002, "invalid request, please check your server timestamp or recv_window param. req_timestamp[1696396708819],server_timestamp[1696396707813],recv_window[15000]", error_kind::clock_skew},
                         row{10006, "Too many visits!", error_kind::rate_limited},
                         row{110043, "leverage not modified", error_kind::no_change},
                         row{34040, "not modified", error_kind::no_change},
                         row{110001, "order not exists or too late to cancel", error_kind::unknown_order},
                         row{110072, "OrderLinkedID is duplicate", error_kind::duplicate_client_id},
                         row{110093, "expect Falling, but trigger_price[633023000] >= current[632859000]??LastPrice", error_kind::would_trigger_immediately},
                         row{110007, "ab not enough for new order", error_kind::insufficient_margin},
                         row{10004, "error sign! origin_string[...]", error_kind::auth}}) {
        const std::string body = R"({"retCode":)" + std::to_string(r.code) + R"(,"retMsg":")" + r.msg +
                                 R"(","result":{},"retExtInfo":{},"time":1701180667626})";
        const auto e = parse_envelope(200, body);
        ASSERT_FALSE(e.has_value()) << r.code;
        EXPECT_EQ(e.error().kind, r.kind) << r.code;
        EXPECT_EQ(e.error().venue_code, r.code);
        EXPECT_EQ(e.error().http_status, 200U);
        EXPECT_EQ(e.error().message, r.msg);
        EXPECT_EQ(e.error().venue, core::exchange_id::bybit);
    }
}

TEST(BybitEnvelope, HttpErrorsWithoutEnvelope) {
    const auto banned = parse_envelope(403, "access too frequent");
    ASSERT_FALSE(banned.has_value());
    EXPECT_EQ(banned.error().kind, error_kind::rate_limited);
    EXPECT_EQ(banned.error().http_status, 403U);

    const auto garbage = parse_envelope(200, "<html>oops</html>");
    ASSERT_FALSE(garbage.has_value());
    EXPECT_EQ(garbage.error().kind, error_kind::bad_response);

    const auto no_code = parse_envelope(200, R"({"result":{}})");
    ASSERT_FALSE(no_code.has_value());
    EXPECT_EQ(no_code.error().kind, error_kind::bad_response);
}

TEST(BybitRequests, UrlEncodeKeepsUnreserved) {
    EXPECT_EQ(url_encode("BTCUSDT"), "BTCUSDT");
    EXPECT_EQ(url_encode("a=b&c d%"), "a%3Db%26c%20d%25");
    EXPECT_EQ(url_encode("page_2-x.y~"), "page_2-x.y~");
}

TEST(BybitRequests, LimitBodyMatchesReferenceShapeAndSignsExactBytes) {
    limit_order_request r;
    r.symbol = core::symbol::from_string("BTCUSDT");
    r.side = core::side::buy;
    r.quantity = "0.001"_d;
    r.price = "50000"_d;
    r.client_id = core::client_order_id{42, core::order_purpose::entry, 1, false};
    const std::string body = limit_order_body("BTCUSDT", r);
    EXPECT_EQ(body, R"({"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"0.001","price":"50000","timeInForce":"GTC","positionIdx":0,"orderLinkId":")" +
                        r.client_id.str() + R"("})");
    // §B2 self-computed vector over the same shape with orderLinkId "sim-001".
    const std::string ref_body =
        R"({"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"0.001","price":"50000","timeInForce":"GTC","positionIdx":0,"orderLinkId":"sim-001"})";
    const api_credentials creds{"XXXXXXXXXX", "bybit-test-secret-0123456789"};
    EXPECT_EQ(bybit_signature(creds, 1700000000000, 5000, ref_body),
              "e153ef7c3178163da815e40a67017b9a1b3a41df82f04b6a19c110a0445442f6");
}

TEST(BybitRequests, MarketBodyReduceOnlyAndPostOnly) {
    market_order_request m;
    m.symbol = core::symbol::from_string("1000SHIBUSDT");
    m.side = core::side::sell;
    m.quantity = "1200"_d;
    m.reduce_only = true;
    m.client_id = core::client_order_id{7, core::order_purpose::exit, 0, false};
    EXPECT_EQ(market_order_body("SHIB1000USDT", m),
              R"({"category":"linear","symbol":"SHIB1000USDT","side":"Sell","orderType":"Market","qty":"1200","positionIdx":0,"orderLinkId":")" +
                  m.client_id.str() + R"(","reduceOnly":true})");
    limit_order_request l;
    l.quantity = "1"_d;
    l.price = "0.012345"_d;
    l.tif = time_in_force::post_only;
    l.client_id = m.client_id;
    EXPECT_NE(limit_order_body("SHIB1000USDT", l).find(R"("timeInForce":"PostOnly")"), std::string::npos);
}

// trading.entry_order_type limit_ioc: the entry is orderType=Limit with timeInForce=IOC.
TEST(BybitRequests, LimitIocEntryBody) {
    limit_order_request l;
    l.side = core::side::sell;
    l.quantity = "0.010"_d;
    l.price = "2996.51"_d;
    l.tif = time_in_force::ioc;
    l.client_id = core::client_order_id{12, core::order_purpose::entry, 0, false};
    EXPECT_EQ(limit_order_body("ETHUSDT", l),
              R"({"category":"linear","symbol":"ETHUSDT","side":"Sell","orderType":"Limit","qty":"0.010","price":"2996.51","timeInForce":"IOC","positionIdx":0,"orderLinkId":")" +
                  l.client_id.str() + R"("})");
}

TEST(BybitRequests, SettingsBodies) {
    EXPECT_EQ(set_leverage_body("BTCUSDT", 10),
              R"({"category":"linear","symbol":"BTCUSDT","buyLeverage":"10","sellLeverage":"10"})");
    EXPECT_EQ(switch_mode_body(), R"({"category":"linear","coin":"USDT","mode":0})");
    EXPECT_EQ(margin_mode_body(margin_mode::cross), R"({"setMarginMode":"REGULAR_MARGIN"})");
    EXPECT_EQ(cancel_order_body("BTCUSDT", "tbp-1-entry-0"),
              R"({"category":"linear","symbol":"BTCUSDT","orderLinkId":"tbp-1-entry-0"})");
}

TEST(BybitRequests, ALastPriceStopSaysSo) {
    trading_stop_params fixed;
    fixed.stop_loss = "58000.5"_d;
    fixed.mark_trigger = false;
    EXPECT_EQ(trading_stop_body("BTCUSDT", fixed),
              R"({"category":"linear","symbol":"BTCUSDT","tpslMode":"Full","positionIdx":0,"stopLoss":"58000.5","slTriggerBy":"LastPrice"})");
}

TEST(BybitRequests, TradingStopBodies) {
    trading_stop_params fixed;
    fixed.stop_loss = "58000.5"_d;
    EXPECT_EQ(trading_stop_body("BTCUSDT", fixed),
              R"({"category":"linear","symbol":"BTCUSDT","tpslMode":"Full","positionIdx":0,"stopLoss":"58000.5","slTriggerBy":"MarkPrice"})");
    trading_stop_params trailing;
    trailing.trailing_stop = "600.0"_d;
    trailing.active_price = "61000"_d;
    EXPECT_EQ(trading_stop_body("BTCUSDT", trailing),
              R"({"category":"linear","symbol":"BTCUSDT","tpslMode":"Full","positionIdx":0,"trailingStop":"600.0","activePrice":"61000"})");
    trading_stop_params cancel;
    cancel.stop_loss = core::decimal{};
    EXPECT_EQ(trading_stop_body("BTCUSDT", cancel),
              R"({"category":"linear","symbol":"BTCUSDT","tpslMode":"Full","positionIdx":0,"stopLoss":"0"})");
}

TEST(BybitRequests, TrailingDistanceIsRoundedToTick) {
    EXPECT_EQ(trailing_distance("60000"_d, "1"_d, "0.10"_d), "600"_d);
    EXPECT_EQ(trailing_distance("60000.3"_d, "0.5"_d, "0.10"_d), "300.0"_d);  // 300.0015 -> 300.0
    EXPECT_EQ(trailing_distance("0.012345"_d, "0.3"_d, "0.000001"_d), "0.000037"_d);
    EXPECT_EQ(trailing_distance("0.012345"_d, "0.001"_d, "0.000001"_d), "0.000001"_d);  // never below a tick
}

TEST(BybitResponses, InstrumentsKeepLinearPerpetualsAndMapMultiplierNames) {
    const auto e = ok(R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","nextPageCursor":"first%3D5%26last%3D9","list":[
 {"symbol":"BTCUSDT","symbolId":5,"contractType":"LinearPerpetual","status":"Trading","baseCoin":"BTC","quoteCoin":"USDT",
 "launchTime":"1585526400000","deliveryTime":"0","deliveryFeeRate":"","priceScale":"2",
 "leverageFilter":{"minLeverage":"1","maxLeverage":"100.00","leverageStep":"0.01"},
 "priceFilter":{"minPrice":"0.10","maxPrice":"1999999.80","tickSize":"0.10"},
 "lotSizeFilter":{"maxOrderQty":"1190.000","minOrderQty":"0.001","qtyStep":"0.001","postOnlyMaxOrderQty":"1190.000",
                  "maxMktOrderQty":"500.000","minNotionalValue":"5"},
 "unifiedMarginTrade":true,"fundingInterval":480,"settleCoin":"USDT","copyTrading":"both",
 "upperFundingRate":"0.00375","lowerFundingRate":"-0.00375","isPreListing":false,"preListingInfo":null,
 "riskParameters":{"priceLimitRatioX":"0.01","priceLimitRatioY":"0.02"},"symbolType":""},
 {"symbol":"SHIB1000USDT","contractType":"LinearPerpetual","status":"Trading","baseCoin":"SHIB1000","quoteCoin":"USDT","priceScale":"6",
 "leverageFilter":{"maxLeverage":"50.00"},"priceFilter":{"minPrice":"0.000001","maxPrice":"1.999998","tickSize":"0.000001"},
 "lotSizeFilter":{"maxOrderQty":"5000000","minOrderQty":"100","qtyStep":"100","maxMktOrderQty":"1000000","minNotionalValue":"5"}},
 {"symbol":"BTC-26DEC25","contractType":"LinearFutures","status":"Trading","baseCoin":"BTC","quoteCoin":"USDT",
 "priceFilter":{"tickSize":"0.5"},"lotSizeFilter":{"qtyStep":"0.001"}},
 {"symbol":"NEWUSDT","contractType":"LinearPerpetual","status":"PreLaunch","baseCoin":"NEW","quoteCoin":"USDT",
 "priceFilter":{"tickSize":"0.0001"},"lotSizeFilter":{"qtyStep":"1"}}
]},"retExtInfo":{},"time":1}
)");
    symbol_map map{core::exchange_id::bybit};
    const auto page = parse_instruments(e, map);
    ASSERT_TRUE(page.has_value());
    EXPECT_EQ(page->next_cursor, "first%3D5%26last%3D9");
    ASSERT_EQ(page->rules.size(), 2U);
    const auto& btc = page->rules[0];
    EXPECT_EQ(btc.symbol.str(), "BTCUSDT");
    EXPECT_EQ(btc.tick_size, "0.10"_d);
    EXPECT_EQ(btc.min_price, "0.10"_d);
    EXPECT_EQ(btc.max_price, "1999999.80"_d);
    EXPECT_EQ(btc.step_size, "0.001"_d);
    EXPECT_EQ(btc.min_qty, "0.001"_d);
    EXPECT_EQ(btc.max_qty, "1190"_d);
    EXPECT_EQ(btc.market_max_qty, "500"_d);
    EXPECT_EQ(btc.min_notional, "5"_d);
    EXPECT_EQ(btc.price_precision, 2);
    EXPECT_EQ(btc.max_leverage, "100"_d);
    EXPECT_EQ(btc.contract_multiplier, 1);
    const auto& shib = page->rules[1];
    EXPECT_EQ(shib.symbol.str(), "1000SHIBUSDT");
    EXPECT_EQ(shib.contract_multiplier, 1000);
    EXPECT_EQ(map.size(), 2U);
    ASSERT_TRUE(map.to_venue(core::symbol::from_string("1000SHIBUSDT")).has_value());
    EXPECT_EQ(*map.to_venue(core::symbol::from_string("1000SHIBUSDT")), "SHIB1000USDT");
    EXPECT_FALSE(map.to_internal("BTC-26DEC25").has_value());
    // Reloading is not a conflict.
    EXPECT_TRUE(parse_instruments(e, map).has_value());
    EXPECT_EQ(map.size(), 2U);
}

symbol_map loaded() {
    symbol_map m{core::exchange_id::bybit};
    m.add_instrument("BTCUSDT", "BTC", "USDT");
    m.add_instrument("ETHUSDT", "ETH", "USDT");
    m.add_instrument("SHIB1000USDT", "SHIB1000", "USDT");
    return m;
}

TEST(BybitResponses, PositionsSkipFlatAndReadStops) {
    const auto e = ok(R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","nextPageCursor":"","list":[
 {"positionIdx":0,"symbol":"BTCUSDT","side":"Buy","size":"0.010","avgPrice":"60000.00","markPrice":"60100.00","leverage":"10",
  "liqPrice":"54300.10","unrealisedPnl":"1.0000","takeProfit":"","stopLoss":"58000.00","trailingStop":"0","updatedTime":"1700000000123"},
 {"positionIdx":0,"symbol":"ETHUSDT","side":"","size":"0","avgPrice":"0","markPrice":"3000","leverage":"10","liqPrice":"",
  "unrealisedPnl":"0","stopLoss":"","trailingStop":"0","updatedTime":"1"},
 {"positionIdx":0,"symbol":"SHIB1000USDT","side":"Sell","size":"1000","avgPrice":"0.012000","markPrice":"0.011900","leverage":"12.5",
  "liqPrice":"","unrealisedPnl":"0.1","stopLoss":"0.012600","trailingStop":"0.000120","updatedTime":"1700000000456"},
 {"positionIdx":0,"symbol":"XYZUSDT","side":"Buy","size":"1","avgPrice":"1","markPrice":"1","leverage":"1","liqPrice":"","unrealisedPnl":"0"}
]},"retExtInfo":{},"time":1700000000999})");
    const auto map = loaded();
    const auto page = parse_positions(e, map);
    ASSERT_TRUE(page.has_value());
    ASSERT_EQ(page->positions.size(), 2U);
    const auto& btc = page->positions[0];
    EXPECT_EQ(btc.symbol.str(), "BTCUSDT");
    EXPECT_EQ(btc.side, core::position_side::long_);
    EXPECT_EQ(btc.quantity, "0.01"_d);
    EXPECT_EQ(btc.entry_price, "60000"_d);
    EXPECT_EQ(btc.mark_price, "60100"_d);
    ASSERT_TRUE(btc.liquidation_price.has_value());
    EXPECT_EQ(*btc.liquidation_price, "54300.1"_d);
    EXPECT_EQ(btc.leverage, "10"_d);
    EXPECT_EQ(btc.updated_ms, 1700000000123);
    const auto& shib = page->positions[1];
    EXPECT_EQ(shib.symbol.str(), "1000SHIBUSDT");
    EXPECT_EQ(shib.side, core::position_side::short_);
    EXPECT_FALSE(shib.liquidation_price.has_value());  // "" is no value, never 0
    EXPECT_EQ(shib.leverage, "12.5"_d);

    ASSERT_EQ(page->stops.size(), 2U);
    EXPECT_EQ(page->stops[0].kind, stop_kind::fixed);
    EXPECT_EQ(*page->stops[0].trigger_price, "58000"_d);
    EXPECT_TRUE(page->stops[0].venue_id.empty());
    EXPECT_EQ(page->stops[1].kind, stop_kind::trailing);
    EXPECT_EQ(page->stops[1].position, core::position_side::short_);
    ASSERT_TRUE(page->stops[1].callback_pct.has_value());
    EXPECT_EQ(*page->stops[1].callback_pct, "1"_d);  // 0.00012 of 0.012 entry
}

TEST(BybitResponses, PositionsMalformedIsAnErrorNotAnEmptyList) {
    const auto e = ok(R"({"retCode":0,"retMsg":"OK","result":{},"time":1})");
    const auto map = loaded();
    const auto page = parse_positions(e, map);
    ASSERT_FALSE(page.has_value());
    EXPECT_EQ(page.error().kind, error_kind::bad_response);
}

TEST(BybitResponses, OrdersMapStatusTypeAndEmptyStrings) {
    const auto e = ok(R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","nextPageCursor":"page2","list":[
 {"orderId":"1321003749386327552","orderLinkId":"tbp-42-en-1","symbol":"BTCUSDT","price":"50000.00","qty":"0.010","side":"Buy",
  "positionIdx":0,"orderStatus":"New","avgPrice":"","leavesQty":"0.010","cumExecQty":"0.000","timeInForce":"GTC","orderType":"Limit",
  "stopOrderType":"","triggerPrice":"","reduceOnly":false,"createdTime":"1700000000001","updatedTime":"1700000000002"},
 {"orderId":"2","orderLinkId":"manual-1","symbol":"SHIB1000USDT","price":"0.013000","qty":"1000","side":"Sell","orderStatus":"Filled",
  "avgPrice":"0.012345","cumExecQty":"1000","orderType":"Market","stopOrderType":"UNKNOWN","triggerPrice":"0","reduceOnly":true,
  "createdTime":"1","updatedTime":"2"},
 {"orderId":"3","orderLinkId":"","symbol":"BTCUSDT","price":"0","qty":"0.010","side":"Sell","orderStatus":"Untriggered",
  "avgPrice":"","cumExecQty":"0","orderType":"Market","stopOrderType":"StopLoss","triggerPrice":"58000.00","reduceOnly":true},
 {"orderId":"4","orderLinkId":"tbp-42-ex-0","symbol":"BTCUSDT","price":"0","qty":"0.010","side":"Sell","orderStatus":"Untriggered",
  "avgPrice":"","cumExecQty":"0","orderType":"Market","stopOrderType":"Stop","triggerPrice":"57000.00","reduceOnly":true},
 {"orderId":"5","orderLinkId":"x","symbol":"BTCUSDT","price":"50000","qty":"0.010","side":"Buy","orderStatus":"Cancelled",
  "avgPrice":"50000","cumExecQty":"0.004","orderType":"Limit","stopOrderType":""}
]},"time":1})");
    const auto map = loaded();
    const auto page = parse_orders(e, map);
    ASSERT_TRUE(page.has_value());
    EXPECT_EQ(page->next_cursor, "page2");
    ASSERT_EQ(page->orders.size(), 5U);
    const auto& o = page->orders[0];
    EXPECT_EQ(o.venue_order_id, "1321003749386327552");
    ASSERT_TRUE(o.client_id.has_value());
    EXPECT_EQ(o.client_id->position_id, 42);
    EXPECT_EQ(o.type, core::order_type::limit);
    EXPECT_EQ(o.status, order_status::new_);
    EXPECT_EQ(*o.price, "50000"_d);
    EXPECT_TRUE(o.average_price.is_zero());
    EXPECT_EQ(o.created_ms, 1700000000001);
    const auto& m = page->orders[1];
    EXPECT_EQ(m.symbol.str(), "1000SHIBUSDT");
    EXPECT_FALSE(m.client_id.has_value());
    EXPECT_EQ(m.raw_client_id, "manual-1");
    EXPECT_EQ(m.type, core::order_type::market);
    EXPECT_FALSE(m.price.has_value());  // a market order's price is a protection price, not a limit
    EXPECT_EQ(m.status, order_status::filled);
    EXPECT_EQ(m.average_price, "0.012345"_d);
    EXPECT_TRUE(m.reduce_only);
    EXPECT_EQ(page->orders[2].type, core::order_type::stop_market);
    EXPECT_TRUE(page->position_tpsl[2]);
    EXPECT_EQ(page->orders[3].type, core::order_type::stop_market);
    EXPECT_FALSE(page->position_tpsl[3]);
    EXPECT_EQ(page->orders[4].status, order_status::canceled);
    EXPECT_EQ(page->orders[4].filled_quantity, "0.004"_d);
}

TEST(BybitResponses, WalletAvailableIsWalletMinusInitialMargin) {
    const auto e = ok(R"({"retCode":0,"retMsg":"OK","result":{"list":[{"accountType":"UNIFIED","totalAvailableBalance":"",
 "coin":[{"coin":"USDT","equity":"10010","walletBalance":"10000.50","totalPositionIM":"600.25","totalOrderIM":"","unrealisedPnl":"9.5",
          "availableToWithdraw":""}]}]},"time":1})");
    const auto b = parse_wallet(e);
    ASSERT_TRUE(b.has_value());
    ASSERT_EQ(b->size(), 1U);
    EXPECT_EQ((*b)[0].asset, "USDT");
    EXPECT_EQ((*b)[0].wallet_balance, "10000.5"_d);
    EXPECT_EQ((*b)[0].available, "9400.25"_d);
    EXPECT_EQ((*b)[0].unrealized_pnl, "9.5"_d);
}

TEST(BybitResponses, MarkPriceAndOrderId) {
    const auto map = loaded();
    const auto t = ok(R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[{"symbol":"SHIB1000USDT","lastPrice":"0.012","markPrice":"0.012001","indexPrice":"0.012"}]},"time":1700000000500})");
    const auto m = parse_mark_price(t, map);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->symbol.str(), "1000SHIBUSDT");
    EXPECT_EQ(m->mark_price, "0.012001"_d);
    EXPECT_EQ(m->time_ms, 1700000000500);
    const auto empty = ok(R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[]},"time":1})");
    EXPECT_FALSE(parse_mark_price(empty, map).has_value());

    const auto id = parse_order_id(ok(R"({"retCode":0,"retMsg":"OK","result":{"orderId":"1321003749386327552","orderLinkId":"x"},"time":1})"));
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(*id, "1321003749386327552");
    EXPECT_FALSE(parse_order_id(ok(R"({"retCode":0,"retMsg":"OK","result":{},"time":1})")).has_value());
}

TEST(BybitResponses, BookTopFromTickers) {
    const auto map = loaded();
    const auto t = ok(R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[{"symbol":"SHIB1000USDT","lastPrice":"0.012","markPrice":"0.012001","bid1Price":"0.011998","bid1Size":"1000","ask1Price":"0.012003","ask1Size":"2000"}]},"time":1700000000500})");
    const auto b = parse_book_top(t, map);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->symbol.str(), "1000SHIBUSDT");
    EXPECT_EQ(b->bid, "0.011998"_d);
    EXPECT_EQ(b->ask, "0.012003"_d);
    EXPECT_EQ(b->time_ms, 1700000000500);
    // One side not quoted ("" is no value): the spread is unknown, never computed from a zero.
    const auto one_sided = ok(R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[{"symbol":"SHIB1000USDT","bid1Price":"","ask1Price":"0.012003"}]},"time":1})");
    EXPECT_FALSE(parse_book_top(one_sided, map).has_value());
    const auto empty = ok(R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[]},"time":1})");
    EXPECT_FALSE(parse_book_top(empty, map).has_value());
}

// §11 #49: GET /v5/market/risk-limit (the official V5 shape [U]): tiers of the symbol only, the
// notional cap at a leverage is the widest tier whose maxLeverage allows it.
TEST(BybitResponses, RiskLimitTiersGiveTheNotionalCapAtALeverage) {
    const auto t = ok(R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[
        {"id":2,"symbol":"ETHUSDT","riskLimitValue":"1000000","maintenanceMargin":"0.01","initialMargin":"0.02","isLowestRisk":0,"maxLeverage":"50.00","mmDeduction":"1500"},
        {"id":1,"symbol":"ETHUSDT","riskLimitValue":"300000","maintenanceMargin":"0.005","initialMargin":"0.01","isLowestRisk":1,"maxLeverage":"100.00","mmDeduction":""},
        {"id":1,"symbol":"BTCUSDT","riskLimitValue":"2000000","maintenanceMargin":"0.005","initialMargin":"0.01","isLowestRisk":1,"maxLeverage":"100.00","mmDeduction":""}],
        "nextPageCursor":""},"time":1700000000500})");
    const auto eth = core::symbol::from_string("ETHUSDT");
    const auto tiers = parse_risk_limits(t, eth, "ETHUSDT");
    ASSERT_TRUE(tiers.has_value()) << tiers.error().describe();
    ASSERT_EQ(tiers->brackets.size(), 2U);
    EXPECT_EQ(tiers->max_leverage(), 100);
    EXPECT_EQ(tiers->max_notional_at(100), "300000"_d);
    EXPECT_EQ(tiers->max_notional_at(51), "300000"_d);
    EXPECT_EQ(tiers->max_notional_at(50), "1000000"_d);
    EXPECT_EQ(tiers->max_notional_at(101), "0"_d);
    const auto none = parse_risk_limits(ok(R"({"retCode":0,"retMsg":"OK","result":{"list":[]},"time":1})"), eth, "ETHUSDT");
    ASSERT_TRUE(none.has_value());
    EXPECT_FALSE(none->max_notional_at(10).has_value()) << "no tiers: no limit known";
    EXPECT_FALSE(parse_risk_limits(ok(R"({"retCode":0,"retMsg":"OK","result":{"list":[{"symbol":"ETHUSDT","riskLimitValue":"1"}]},"time":1})"),
                                   eth, "ETHUSDT")
                     .has_value());
}

// Issue 22: every symbol's tiers in one read (pages merged by the client), every symbol's quote.
TEST(BybitResponses, RiskLimitsAndQuotesOfEverySymbol) {
    const auto map = loaded();
    const auto t = ok(R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[
        {"id":2,"symbol":"SHIB1000USDT","riskLimitValue":"1000000","maintenanceMargin":"0.01","maxLeverage":"25.00"},
        {"id":1,"symbol":"NOPEUSDT","riskLimitValue":"5","maintenanceMargin":"0.01","maxLeverage":"10.00"},
        {"id":1,"symbol":"SHIB1000USDT","riskLimitValue":"200000","maintenanceMargin":"0.005","maxLeverage":"50.00"}],
        "nextPageCursor":"page2"},"time":1700000000500})");
    const auto page = parse_risk_limits_page(t, map);
    ASSERT_TRUE(page.has_value()) << page.error().describe();
    EXPECT_EQ(page->next_cursor, "page2");
    ASSERT_EQ(page->limits.size(), 1U);
    EXPECT_EQ(page->limits[0].symbol.str(), "1000SHIBUSDT");
    EXPECT_EQ(page->limits[0].max_leverage(), 50);
    EXPECT_EQ(page->limits[0].max_notional_at(50), "200000"_d);
    EXPECT_EQ(page->limits[0].max_notional_at(25), "1000000"_d);
    const auto no_leverage =
        ok(R"({"retCode":0,"retMsg":"OK","result":{"list":[{"symbol":"SHIB1000USDT","riskLimitValue":"1"}]},"time":1})");
    EXPECT_FALSE(parse_risk_limits_page(no_leverage, map).has_value());

    const auto tickers = ok(R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[
        {"symbol":"SHIB1000USDT","markPrice":"0.012001","bid1Price":"0.011998","ask1Price":"0.012003"},
        {"symbol":"NOPEUSDT","bid1Price":"1","ask1Price":"2"},
        {"symbol":"BTCUSDT","bid1Price":"","ask1Price":"30000"}]},"time":1700000000500})");
    const auto tops = parse_book_tops(tickers, map);
    ASSERT_TRUE(tops.has_value());
    ASSERT_EQ(tops->size(), 1U);  // unknown symbol and a one-sided book left out
    EXPECT_EQ((*tops)[0].symbol.str(), "1000SHIBUSDT");
    EXPECT_EQ((*tops)[0].bid, "0.011998"_d);
    EXPECT_EQ((*tops)[0].time_ms, 1700000000500);
}

TEST(BybitResponses, OpenInterestValueAndKline) {
    const auto map = loaded();
    const auto t = ok(R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[{"symbol":"SHIB1000USDT","lastPrice":"0.012","markPrice":"0.012001","openInterest":"373504107","openInterestValue":"4482424.52","turnover24h":"1000"}]},"time":1700000000500})");
    const auto oi = parse_open_interest_value(t, map);
    ASSERT_TRUE(oi.has_value());
    EXPECT_EQ(*oi, "4482424.52"_d);
    // "" is no value, never zero (original-bot.md §11: a null OI read as 0 blocked every signal).
    const auto blank = ok(R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[{"symbol":"SHIB1000USDT","openInterestValue":""}]},"time":1})");
    EXPECT_FALSE(parse_open_interest_value(blank, map).has_value());
    const auto empty = ok(R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[]},"time":1})");
    EXPECT_FALSE(parse_open_interest_value(empty, map).has_value());

    // §B5: 7 strings, newest first; turnover is field 6.
    const auto k = ok(R"({"retCode":0,"retMsg":"OK","result":{"symbol":"BTCUSDT","category":"linear","list":[["1670608800000","17071","17073","17027","17055.5","268611","15.74462667"],["1670605200000","17071.5","17071.5","17061","17071","4177","0.24469757"],["1670601600000","17086.5","17088","16978","17071.5","6356","0.37288112"]]},"retExtInfo":{},"time":1672025956592})");
    const auto row = parse_kline_at(k, 1670605200000);
    ASSERT_TRUE(row.has_value());
    ASSERT_TRUE(row->has_value());
    EXPECT_EQ((*row)->open, "17071.5"_d);
    EXPECT_EQ((*row)->close, "17071"_d);
    EXPECT_EQ((*row)->turnover, "0.24469757"_d);
    const auto missing = parse_kline_at(k, 1670612400000);
    ASSERT_TRUE(missing.has_value());
    EXPECT_FALSE(missing->has_value());
    EXPECT_FALSE(parse_kline_at(ok(R"({"retCode":0,"retMsg":"OK","result":{},"time":1})"), 1).has_value());
    EXPECT_FALSE(parse_kline_at(ok(R"({"retCode":0,"retMsg":"OK","result":{"list":[["x","1","1","1","1","1","1"]]},"time":1})"), 1).has_value());
    EXPECT_FALSE(parse_kline_at(ok(R"({"retCode":0,"retMsg":"OK","result":{"list":[[1,"1","1","1","1","1","1"]]},"time":1})"), 1).has_value());
}

TEST(BybitResponses, OrderStatusVocabulary) {
    EXPECT_EQ(parse_order_status("PartiallyFilled"), order_status::partially_filled);
    EXPECT_EQ(parse_order_status("PartiallyFilledCanceled"), order_status::canceled);
    EXPECT_EQ(parse_order_status("Deactivated"), order_status::canceled);
    EXPECT_EQ(parse_order_status("Rejected"), order_status::rejected);
    EXPECT_EQ(parse_order_status("Untriggered"), order_status::new_);
    EXPECT_FALSE(parse_order_status("Bogus").has_value());
}

}  // namespace
}  // namespace tradebot::exchange::bybit
