// Request building and REST answer parsing of the Binance adapter, with the reference's recorded
// payloads (exchange-apis.md §A2, §A5-§A8).

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "tradebot/exchange/binance/market_stream.hpp"
#include "tradebot/exchange/binance/rest_client.hpp"
#include "tradebot/exchange/binance/wire.hpp"
#include "tradebot/exchange/signing.hpp"

namespace tradebot::exchange::binance {
namespace {

using namespace core::literals;

symbol_map loaded_map() {
    symbol_map m{core::exchange_id::binance};
    EXPECT_EQ(m.add_instrument("BTCUSDT", "BTC", "USDT"), add_status::added);
    EXPECT_EQ(m.add_instrument("BNBUSDT", "BNB", "USDT"), add_status::added);
    EXPECT_EQ(m.add_instrument("1000SHIBUSDT", "1000SHIB", "USDT"), add_status::added);
    return m;
}

core::client_order_id cid(std::int64_t position, core::order_purpose purpose, std::uint16_t attempt) {
    core::client_order_id id;
    id.position_id = position;
    id.purpose = purpose;
    id.attempt = attempt;
    return id;
}

TEST(binance_wire, percent_encoding_and_decimals) {
    EXPECT_EQ(percent_encode("BTCUSDT"), "BTCUSDT");
    EXPECT_EQ(percent_encode("a b/c:d"), "a%20b%2Fc%3Ad");
    EXPECT_EQ(percent_encode("测"), "%E6%B5%8B");  // §A2: non-ASCII symbols UTF-8 percent-encoded
    EXPECT_EQ(format_decimal("0.0100"_d), "0.01");
    EXPECT_EQ(format_decimal("60000.10"_d), "60000.1");
    EXPECT_EQ(format_decimal("5"_d), "5");
    query_builder q;
    q.add("symbol", "BTCUSDT").add("quantity", "0.010"_d).add("leverage", 20).add_bool("reduceOnly", true);
    EXPECT_EQ(q.str(), "symbol=BTCUSDT&quantity=0.01&leverage=20&reduceOnly=true");
}

TEST(binance_wire, market_order_query_is_exact) {
    market_order_request r;
    r.symbol = core::symbol::from_string("BTCUSDT");
    r.side = core::side::sell;
    r.quantity = "0.002"_d;
    r.reduce_only = true;
    r.client_id = cid(42, core::order_purpose::exit, 1);
    EXPECT_EQ(market_order_query("BTCUSDT", r).str(),
              "symbol=BTCUSDT&side=SELL&type=MARKET&quantity=0.002&reduceOnly=true&newClientOrderId=" +
                  r.client_id.str() + "&newOrderRespType=RESULT");
}

TEST(binance_wire, limit_order_query_is_exact) {
    limit_order_request r;
    r.side = core::side::buy;
    r.quantity = "1"_d;
    r.price = "9000.00"_d;
    r.tif = time_in_force::post_only;
    r.client_id = cid(7, core::order_purpose::entry, 0);
    EXPECT_EQ(limit_order_query("BTCUSDT", r).str(),
              "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTX&quantity=1&price=9000&newClientOrderId=" +
                  r.client_id.str() + "&newOrderRespType=RESULT");
}

// trading.entry_order_type limit_ioc: type=LIMIT with timeInForce=IOC at the bounded price.
TEST(binance_wire, limit_ioc_entry_query_is_exact) {
    limit_order_request r;
    r.side = core::side::buy;
    r.quantity = "0.010"_d;
    r.price = "3004.49"_d;
    r.tif = time_in_force::ioc;
    r.client_id = cid(12, core::order_purpose::entry, 0);
    EXPECT_EQ(limit_order_query("ETHUSDT", r).str(),
              "symbol=ETHUSDT&side=BUY&type=LIMIT&timeInForce=IOC&quantity=0.01&price=3004.49&newClientOrderId=" +
                  r.client_id.str() + "&newOrderRespType=RESULT");
}

TEST(binance_wire, stop_queries_use_the_algo_api_spelling) {
    stop_request r;
    r.position = core::position_side::long_;
    r.trigger_price = "58000.50"_d;
    r.client_id = cid(9, core::order_purpose::stop, 2);
    EXPECT_EQ(stop_query("BTCUSDT", r, std::nullopt).str(),
              "algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&type=STOP_MARKET&triggerPrice=58000.5&closePosition=true"
              "&workingType=MARK_PRICE&clientAlgoId=" +
                  r.client_id.str());
    r.kind = stop_kind::trailing;
    r.position = core::position_side::short_;
    r.callback_pct = "1.5"_d;
    r.activation_price = "59000"_d;
    EXPECT_EQ(stop_query("BTCUSDT", r, "0.010"_d).str(),
              "algoType=CONDITIONAL&symbol=BTCUSDT&side=BUY&type=TRAILING_STOP_MARKET&callbackRate=1.5"
              "&activatePrice=59000&quantity=0.01&reduceOnly=true&workingType=MARK_PRICE&clientAlgoId=" +
                  r.client_id.str());
}

TEST(binance_wire, signed_target_matches_the_official_vector) {
    boost::asio::io_context io;
    net::https_client_options ho;
    ho.base_url = "https://127.0.0.1:1";
    net::https_client http{io, ho};
    core::manual_clock clock;
    rate_limiter limiter{io.get_executor(), clock, binance_limits()};
    time_sync sync{clock};
    // §A2 example 1: api key / secret and payload from the docs, signature reproduced locally.
    rest_client rest{http,
                     api_credentials{"dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83",
                                     "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"},
                     limiter, sync, clock, nullptr, nullptr};
    rest_request r;
    r.method = "POST";
    r.path = "/fapi/v1/order";
    r.query = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC";
    EXPECT_EQ(rest.build_target(r, 1591702613943),
              "/fapi/v1/order?symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC"
              "&recvWindow=5000&timestamp=1591702613943"
              "&signature=3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9");
    r.auth = security::none;
    r.query = "symbol=BTCUSDT";
    EXPECT_EQ(rest.build_target(r, 1), "/fapi/v1/order?symbol=BTCUSDT");
}

TEST(binance_wire, error_bodies) {
    const auto e = parse_error_body(R"({"code":-2019,"msg":"Margin is insufficient."})");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, -2019);
    EXPECT_EQ(e->msg, "Margin is insufficient.");
    EXPECT_FALSE(parse_error_body(R"({"code":200,"msg":"success"})"));
    EXPECT_FALSE(parse_error_body(R"({"algoId":1,"clientAlgoId":"x","code":"200","msg":"success"})"));
    EXPECT_FALSE(parse_error_body("<html>503</html>"));
    EXPECT_FALSE(parse_error_body(R"({"orderId":1})"));
    EXPECT_EQ(classify_binance(400, -2019, "Margin is insufficient."), error_kind::insufficient_margin);
    EXPECT_EQ(classify_binance(400, -1021, ""), error_kind::clock_skew);
}

TEST(binance_wire, exchange_info_perpetuals_only) {
    symbol_map m{core::exchange_id::binance};
    const auto v = boost::json::parse(R"({"timezone":"UTC","serverTime":1,"rateLimits":[],"exchangeFilters":[],
      "symbols":[
        {"symbol":"BTCUSDT","pair":"BTCUSDT","contractType":"PERPETUAL","status":"TRADING","baseAsset":"BTC",
         "quoteAsset":"USDT","marginAsset":"USDT","pricePrecision":2,"quantityPrecision":3,
         "filters":[{"filterType":"PRICE_FILTER","minPrice":"261.10","maxPrice":"809484","tickSize":"0.10"},
                    {"filterType":"LOT_SIZE","minQty":"0.001","maxQty":"1000","stepSize":"0.001"},
                    {"filterType":"MARKET_LOT_SIZE","minQty":"0.001","maxQty":"120","stepSize":"0.001"},
                    {"filterType":"MAX_NUM_ORDERS","limit":200},
                    {"filterType":"MIN_NOTIONAL","notional":"100"},
                    {"filterType":"PERCENT_PRICE","multiplierUp":"1.0500","multiplierDown":"0.9500","multiplierDecimal":"4"},
                    {"filterType":"POSITION_RISK_CONTROL","positionControlSide":"NONE"}]},
        {"symbol":"1000SHIBUSDT","contractType":"PERPETUAL","status":"TRADING","baseAsset":"1000SHIB","quoteAsset":"USDT",
         "pricePrecision":6,"quantityPrecision":0,
         "filters":[{"filterType":"PRICE_FILTER","minPrice":"0.000001","maxPrice":"200","tickSize":"0.000001"},
                    {"filterType":"LOT_SIZE","minQty":"1","maxQty":"10000000","stepSize":"1"}]},
        {"symbol":"BTCUSDT_261225","contractType":"CURRENT_QUARTER","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT",
         "filters":[{"filterType":"PRICE_FILTER","minPrice":"1","maxPrice":"2","tickSize":"0.1"},
                    {"filterType":"LOT_SIZE","minQty":"1","maxQty":"2","stepSize":"1"}]},
        {"symbol":"OLDUSDT","contractType":"PERPETUAL","status":"SETTLING","baseAsset":"OLD","quoteAsset":"USDT","filters":[]}
      ]})");
    const auto rules = parse_exchange_info(v, m);
    ASSERT_TRUE(rules) << rules.error().describe();
    ASSERT_EQ(rules->size(), 2U);
    const auto& btc = (*rules)[0];
    EXPECT_EQ(btc.symbol.str(), "BTCUSDT");
    EXPECT_EQ(btc.tick_size, "0.1"_d);
    EXPECT_EQ(btc.min_price, "261.1"_d);
    EXPECT_EQ(btc.step_size, "0.001"_d);
    EXPECT_EQ(btc.max_qty, "1000"_d);
    EXPECT_EQ(btc.market_max_qty, "120"_d);
    EXPECT_EQ(btc.min_notional, "100"_d);
    EXPECT_EQ(btc.band_up, "1.05"_d);
    EXPECT_EQ(btc.band_down, "0.95"_d);
    EXPECT_EQ(btc.price_precision, 2);
    EXPECT_EQ(btc.quantity_precision, 3);
    EXPECT_EQ((*rules)[1].symbol.str(), "1000SHIBUSDT");
    EXPECT_EQ((*rules)[1].contract_multiplier, 1000);
    EXPECT_EQ(m.size(), 2U);
    EXPECT_FALSE(m.to_internal("BTCUSDT_261225"));
    EXPECT_FALSE(m.to_internal("OLDUSDT"));
    EXPECT_FALSE(parse_exchange_info(boost::json::parse(R"({"symbols":7})"), m));
}

TEST(binance_wire, a_last_price_stop_works_on_the_contract_price) {
    stop_request r;
    r.position = core::position_side::long_;
    r.trigger_price = "58000.50"_d;
    r.client_id = cid(9, core::order_purpose::stop, 2);
    r.trigger_by = stop_trigger::last;
    EXPECT_NE(stop_query("BTCUSDT", r, std::nullopt).str().find("&workingType=CONTRACT_PRICE&"), std::string::npos);
}

TEST(binance_wire, order_answer_from_the_reference) {
    const auto m = loaded_map();
    const auto v = boost::json::parse(R"({"clientOrderId":"testOrder","cumQty":"0","cumQuote":"0","executedQty":"0",
      "orderId":22542179,"avgPrice":"0.00000","origQty":"10","price":"0","reduceOnly":false,"side":"BUY",
      "positionSide":"SHORT","status":"NEW","stopPrice":"0","closePosition":false,"symbol":"BTCUSDT",
      "timeInForce":"GTC","type":"LIMIT","origType":"LIMIT","updateTime":1566818724722,
      "workingType":"CONTRACT_PRICE","priceProtect":false,"priceMatch":"NONE","selfTradePreventionMode":"NONE",
      "goodTillDate":0})");
    const auto o = parse_order(v, m);
    ASSERT_TRUE(o) << o.error().describe();
    EXPECT_EQ(o->venue_order_id, "22542179");
    EXPECT_EQ(o->raw_client_id, "testOrder");
    EXPECT_FALSE(o->client_id);  // not one of ours
    EXPECT_EQ(o->side, core::side::buy);
    EXPECT_EQ(o->type, core::order_type::limit);
    EXPECT_EQ(o->status, order_status::new_);
    EXPECT_EQ(o->quantity, "10"_d);
    EXPECT_FALSE(o->price);
    EXPECT_EQ(o->updated_ms, 1566818724722);
}

TEST(binance_wire, filled_market_order_without_avg_price_uses_cum_quote) {
    const auto m = loaded_map();
    const auto id = cid(5, core::order_purpose::entry, 0);
    boost::json::object o{{"clientOrderId", id.str()}, {"executedQty", "0.002"}, {"cumQuote", "120.02"},
                          {"orderId", 7},           {"origQty", "0.002"},     {"price", "0"},
                          {"side", "SELL"},         {"status", "FILLED"},     {"symbol", "BTCUSDT"},
                          {"type", "MARKET"},       {"reduceOnly", true},     {"updateTime", 5}};
    const auto s = parse_order(o, m);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->client_id);
    EXPECT_EQ(*s->client_id, id);
    EXPECT_EQ(s->status, order_status::filled);
    EXPECT_EQ(s->average_price, "60010"_d);
    EXPECT_TRUE(s->reduce_only);
    EXPECT_EQ(s->type, core::order_type::market);
}

TEST(binance_wire, algo_order_answer_from_the_reference) {
    const auto m = loaded_map();
    const auto v = boost::json::parse(R"({"algoId":2146760,"clientAlgoId":"6B2I9XVcJpCjqPAJ4YoFX7","algoType":"CONDITIONAL",
      "orderType":"TAKE_PROFIT","symbol":"BNBUSDT","side":"SELL","positionSide":"BOTH","timeInForce":"GTC",
      "quantity":"0.01","algoStatus":"NEW","triggerPrice":"750.000","price":"750.000","icebergQuantity":null,
      "selfTradePreventionMode":"EXPIRE_MAKER","workingType":"CONTRACT_PRICE","priceMatch":"NONE",
      "closePosition":false,"priceProtect":false,"reduceOnly":false,"activatePrice":"","callbackRate":"",
      "createTime":1750485492076,"updateTime":1750485492076,"triggerTime":0,"goodTillDate":0})");
    const auto s = parse_algo_order(v, m);
    ASSERT_TRUE(s) << s.error().describe();
    EXPECT_EQ(s->venue_id, "2146760");
    EXPECT_EQ(s->symbol.str(), "BNBUSDT");
    EXPECT_EQ(s->position, core::position_side::long_);
    ASSERT_TRUE(s->trigger_price);
    EXPECT_EQ(*s->trigger_price, "750"_d);
    EXPECT_FALSE(s->callback_pct);      // "" is absent
    EXPECT_FALSE(s->activation_price);
    EXPECT_FALSE(s->client_id);  // foreign id
    // Only protective stop types are listed as stops.
    boost::json::array list{v};
    const auto stops = parse_algo_orders(list, m);
    ASSERT_TRUE(stops);
    EXPECT_TRUE(stops->empty());
}

TEST(binance_wire, positions_v2_skip_flat_rows_and_fail_whole) {
    const auto m = loaded_map();
    const auto v = boost::json::parse(R"([
      {"symbol":"BTCUSDT","positionAmt":"-0.010","entryPrice":"60000.0","breakEvenPrice":"60010","markPrice":"59000.00",
       "unRealizedProfit":"10.00000000","liquidationPrice":"0","leverage":"20","maxNotionalValue":"1000000",
       "marginType":"isolated","isolatedMargin":"30","isAutoAddMargin":"false","positionSide":"BOTH",
       "notional":"-590","isolatedWallet":"30","updateTime":1700000000000},
      {"symbol":"BNBUSDT","positionAmt":"0.00","entryPrice":"0.0","markPrice":"600","unRealizedProfit":"0",
       "liquidationPrice":"0","leverage":"10","marginType":"cross","positionSide":"BOTH","updateTime":0}])");
    const auto p = parse_positions(v, m);
    ASSERT_TRUE(p) << p.error().describe();
    ASSERT_EQ(p->size(), 1U);
    EXPECT_EQ((*p)[0].side, core::position_side::short_);
    EXPECT_EQ((*p)[0].quantity, "0.01"_d);
    EXPECT_EQ((*p)[0].entry_price, "60000"_d);
    EXPECT_EQ((*p)[0].unrealized_pnl, "10"_d);
    EXPECT_FALSE((*p)[0].liquidation_price);
    EXPECT_EQ((*p)[0].leverage, "20"_d);
    EXPECT_EQ((*p)[0].margin, margin_mode::isolated);
    // A failure is never an empty list.
    EXPECT_FALSE(parse_positions(boost::json::parse(R"({"code":-1000})"), m));
    EXPECT_FALSE(parse_positions(boost::json::parse(R"([{"symbol":"BTCUSDT"}])"), m));
}

TEST(binance_wire, balances_and_premium_index) {
    const auto m = loaded_map();
    const auto b = parse_balances(boost::json::parse(R"([{"accountAlias":"SgsR","asset":"USDT","balance":"122.60",
      "crossWalletBalance":"23.7","crossUnPnl":"-1.5","availableBalance":"100.25","maxWithdrawAmount":"23.7",
      "marginAvailable":true,"updateTime":1617939110373}])"));
    ASSERT_TRUE(b);
    ASSERT_EQ(b->size(), 1U);
    EXPECT_EQ((*b)[0].asset, "USDT");
    EXPECT_EQ((*b)[0].wallet_balance, "122.6"_d);
    EXPECT_EQ((*b)[0].available, "100.25"_d);
    EXPECT_EQ((*b)[0].unrealized_pnl, "-1.5"_d);
    const auto mp = parse_premium_index(boost::json::parse(R"({"symbol":"BTCUSDT","markPrice":"11793.63104562",
      "indexPrice":"11781.80495970","estimatedSettlePrice":"11781.16138815","lastFundingRate":"0.00038246",
      "interestRate":"0.00010000","nextFundingTime":1597392000000,"time":1597370495002})"), m);
    ASSERT_TRUE(mp);
    EXPECT_EQ(mp->mark_price, "11793.63104562"_d);
    EXPECT_EQ(mp->time_ms, 1597370495002);
}

TEST(binance_wire, book_ticker) {
    const auto m = loaded_map();
    const auto b = parse_book_ticker(boost::json::parse(R"({"symbol":"BTCUSDT","bidPrice":"4.00000000",
      "bidQty":"431.00000000","askPrice":"4.00000200","askQty":"9.00000000","time":1589437530011,
      "lastUpdateId":1027024})"), m);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->symbol.str(), "BTCUSDT");
    EXPECT_EQ(b->bid, "4"_d);
    EXPECT_EQ(b->ask, "4.000002"_d);
    EXPECT_EQ(b->time_ms, 1589437530011);
    EXPECT_FALSE(parse_book_ticker(boost::json::parse(R"({"symbol":"BTCUSDT","bidPrice":"4"})"), m));
    EXPECT_FALSE(parse_book_ticker(boost::json::parse(R"({"symbol":"NOPEUSDT","bidPrice":"4","askPrice":"5"})"), m));
}

// Issue 22: the quotes and the per-symbol settings of every symbol, each in one read.
TEST(binance_wire, book_tickers_and_symbol_config_of_every_symbol) {
    const auto m = loaded_map();
    const auto tops = parse_book_tickers(boost::json::parse(R"([
      {"symbol":"BTCUSDT","bidPrice":"4.00000000","bidQty":"1","askPrice":"4.00000200","askQty":"9","time":7},
      {"symbol":"NOPEUSDT","bidPrice":"1","askPrice":"2","time":7},
      {"symbol":"BNBUSDT","bidPrice":"300.1","askPrice":"300.2","time":8}])"), m);
    ASSERT_TRUE(tops);
    ASSERT_EQ(tops->size(), 2U);  // the unknown symbol left out
    EXPECT_EQ((*tops)[0].symbol.str(), "BTCUSDT");
    EXPECT_EQ((*tops)[0].ask, "4.000002"_d);
    EXPECT_EQ((*tops)[1].symbol.str(), "BNBUSDT");
    EXPECT_EQ((*tops)[1].bid, "300.1"_d);
    EXPECT_EQ((*tops)[1].time_ms, 8);
    EXPECT_FALSE(parse_book_tickers(boost::json::parse(R"({"symbol":"BTCUSDT"})"), m));

    const auto settings = parse_symbol_config(boost::json::parse(R"([
      {"symbol":"BTCUSDT","marginType":"CROSSED","isAutoAddMargin":"false","leverage":21,"maxNotionalValue":"1000000"},
      {"symbol":"NOPEUSDT","marginType":"CROSSED","leverage":5},
      {"symbol":"BNBUSDT","marginType":"ISOLATED","isAutoAddMargin":"false","leverage":10,"maxNotionalValue":"5000"}])"),
                                              m);
    ASSERT_TRUE(settings);
    ASSERT_EQ(settings->size(), 2U);
    EXPECT_EQ((*settings)[0].symbol.str(), "BTCUSDT");
    EXPECT_EQ((*settings)[0].leverage, 21);
    EXPECT_EQ((*settings)[0].margin, margin_mode::cross);
    EXPECT_EQ((*settings)[1].leverage, 10);
    EXPECT_EQ((*settings)[1].margin, margin_mode::isolated);
    EXPECT_FALSE(parse_symbol_config(boost::json::parse(R"([{"symbol":"BTCUSDT","marginType":"CROSSED"}])"), m));
    EXPECT_FALSE(parse_symbol_config(boost::json::parse(R"({})"), m));
}

TEST(binance_wire, open_interest_and_klines) {
    const auto m = loaded_map();
    const auto oi = parse_open_interest(boost::json::parse(R"({"openInterest":"10659.509","symbol":"BTCUSDT",
      "time":1589437530011})"), m);
    ASSERT_TRUE(oi);
    EXPECT_EQ(*oi, "10659.509"_d);
    EXPECT_FALSE(parse_open_interest(boost::json::parse(R"({"openInterest":"1","symbol":"ETHUSDT"})"), m));
    EXPECT_FALSE(parse_open_interest(boost::json::parse(R"({"symbol":"BTCUSDT"})"), m));
    EXPECT_FALSE(parse_open_interest(boost::json::parse(R"([])"), m));

    // §A5's row layout; quote volume is field 7.
    const auto rows = boost::json::parse(R"([[1499040000000,"0.01634790","0.80000000","0.01575800","0.01577100",
      "148976.11427815",1499043599999,"2434.19055334",308,"1756.87402397","28.46694368","0"],
      [1499043600000,"0.01577100","0.01600000","0.01500000","0.01590000","10.5",1499047199999,"0.16",3,"0","0","0"]])");
    const auto k = parse_kline_at(rows, 1499040000000);
    ASSERT_TRUE(k);
    ASSERT_TRUE(k->has_value());
    EXPECT_EQ((*k)->open, "0.01634790"_d);
    EXPECT_EQ((*k)->close, "0.01577100"_d);
    EXPECT_EQ((*k)->quote_volume, "2434.19055334"_d);
    EXPECT_EQ(change_percent((*k)->open, (*k)->close), std::optional{"-3.5289"_d});
    // A row for another time is not taken for the one asked; no row is "no data", not an error.
    const auto later = parse_kline_at(rows, 1499047200000);
    ASSERT_TRUE(later);
    EXPECT_FALSE(later->has_value());
    const auto none = parse_kline_at(boost::json::parse("[]"), 1499040000000);
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());
    EXPECT_FALSE(parse_kline_at(boost::json::parse(R"({"code":-1121,"msg":"Invalid symbol."})"), 1));
    EXPECT_FALSE(parse_kline_at(boost::json::parse(R"([[1499040000000,"1","1","1"]])"), 1499040000000));
    EXPECT_FALSE(parse_kline_at(boost::json::parse(R"([[1,1,1,1,1,1,1,1]])"), 1));  // numbers are not the wire form
}

TEST(binance_wire, market_stats_helpers) {
    EXPECT_EQ(hour_start(1'767'229'199'999), 1'767'225'600'000);
    EXPECT_EQ(hour_start(1'767'225'600'000), 1'767'225'600'000);
    EXPECT_EQ(change_percent("100"_d, "104"_d), std::optional{"4"_d});
    EXPECT_EQ(change_percent("100"_d, "95.5"_d), std::optional{"-4.5"_d});
    EXPECT_FALSE(change_percent("0"_d, "1"_d).has_value());
    EXPECT_EQ(binance_cost(binance_endpoint::klines).weight_of("weight_1m"), 1);
}

TEST(binance_wire, subscription_commands_diff_and_batch) {
    std::uint64_t id = 1;
    const std::set<std::string> current{"btcusdt@markPrice@1s", "ethusdt@markPrice@1s"};
    const std::set<std::string> desired{"btcusdt@markPrice@1s", "solusdt@markPrice@1s", "xrpusdt@markPrice@1s"};
    const auto cmds = subscription_commands(current, desired, 1, id);
    ASSERT_EQ(cmds.size(), 3U);
    EXPECT_EQ(cmds[0], R"({"method":"UNSUBSCRIBE","params":["ethusdt@markPrice@1s"],"id":1})");
    EXPECT_EQ(cmds[1], R"({"method":"SUBSCRIBE","params":["solusdt@markPrice@1s"],"id":2})");
    EXPECT_EQ(cmds[2], R"({"method":"SUBSCRIBE","params":["xrpusdt@markPrice@1s"],"id":3})");
    EXPECT_EQ(id, 4U);
    const auto all = subscription_commands({}, desired, 100, id);
    ASSERT_EQ(all.size(), 1U);
    EXPECT_EQ(all[0],
              R"({"method":"SUBSCRIBE","params":["btcusdt@markPrice@1s","solusdt@markPrice@1s","xrpusdt@markPrice@1s"],"id":4})");
    EXPECT_TRUE(subscription_commands(desired, desired, 100, id).empty());
}

}  // namespace
}  // namespace tradebot::exchange::binance
