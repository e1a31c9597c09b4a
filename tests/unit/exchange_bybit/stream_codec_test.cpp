#include "tradebot/exchange/bybit/stream_codec.hpp"

#include <string>
#include <variant>

#include <gtest/gtest.h>

namespace tradebot::exchange::bybit {
namespace {

using namespace tradebot::core::literals;

const time_point received_at{std::chrono::milliseconds{1'767'225'600'000}};
time_point ms(std::int64_t v) { return time_point{std::chrono::milliseconds{v}}; }

symbol_map make_symbols() {
    symbol_map m{core::exchange_id::bybit};
    m.add_instrument("BTCUSDT", "BTC", "USDT");
    m.add_instrument("SHIB1000USDT", "SHIB1000", "USDT");
    return m;
}

// Envelopes and field names from the reference (§B9); the field values are ours.
constexpr std::string_view snapshot_frame =
    R"({"topic":"tickers.BTCUSDT","type":"snapshot","data":{"symbol":"BTCUSDT","tickDirection":"PlusTick","price24hPcnt":"0.0123","lastPrice":"60000.10","prevPrice24h":"59000","highPrice24h":"61000","lowPrice24h":"58000","prevPrice1h":"59900","markPrice":"60001.20","indexPrice":"60002.30","openInterest":"1234.5","openInterestValue":"74000000","turnover24h":"1000000","volume24h":"20.5","nextFundingTime":"1760328000000","fundingRate":"0.0001","bid1Price":"60000.00","bid1Size":"1.2","ask1Price":"60000.10","ask1Size":"0.8"},"cs":9532239429,"ts":1760325052630})";
constexpr std::string_view delta_frame =
    R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","markPrice":"60010.00","bid1Price":"","fundingRate":"0.0002"},"cs":9532239430,"ts":1760325052730})";
constexpr std::string_view orderbook_frame =
    R"({"topic":"orderbook.1.SHIB1000USDT","type":"snapshot","ts":1672304484978,"data":{"s":"SHIB1000USDT","b":[["0.012345","1000"]],"a":[["0.012346","2000"]],"u":177400507,"seq":66544703342},"cts":1672304484976})";
constexpr std::string_view trade_frame =
    R"({"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1672304486868,"data":[{"T":1672304486865,"s":"BTCUSDT","S":"Buy","v":"0.001","p":"16578.50","L":"PlusTick","i":"20f43950-d8dd-5b31-9112-a178eb6023af","BT":false,"RPI":false,"seq":1783284617}]})";
constexpr std::string_view order_frame =
    R"({"id":"5923240c6880ab-c59f-420b-9adb-3639adc9dd90","topic":"order","creationTime":1672364262474,"data":[{"category":"linear","symbol":"SHIB1000USDT","orderId":"5cf98598-39a7-459e-97bf-76ca765ee020","orderLinkId":"tb-42-entry","side":"Sell","orderType":"Market","stopOrderType":"","orderStatus":"PartiallyFilled","price":"0.011800","qty":"1000","avgPrice":"0.012345","leavesQty":"400","cumExecQty":"600","cumExecValue":"7.407","cumExecFee":"0.004","cumFeeDetail":{"USDT":"0.004"},"triggerPrice":"","reduceOnly":false,"closeOnTrigger":false,"rejectReason":"EC_NoError","closedPnl":"0","createdTime":"1672364262444","updatedTime":"1672364262457","positionIdx":0},{"category":"spot","symbol":"BTCUSDT","orderId":"x","side":"Buy","orderType":"Limit","orderStatus":"New","qty":"1","updatedTime":"1"}]})";
constexpr std::string_view execution_frame =
    R"({"id":"592324803b2785-26fa-4214-9963-bdd4727f07be","topic":"execution","creationTime":1672364174455,"data":[{"category":"linear","symbol":"BTCUSDT","orderId":"f6e324ff-99c2-4e89-9739-3086e47f9381","orderLinkId":"tb-7-sl","side":"Sell","orderPrice":"0","orderQty":"0.010","leavesQty":"0","createType":"CreateByStopLoss","orderType":"Market","stopOrderType":"StopLoss","execFee":"0.3603","execId":"7e2ae69c-4edf-5800-a352-893d52b446aa","execPrice":"60050.50","execQty":"0.010","execPnl":"-12.5","execType":"Trade","execValue":"600.505","execTime":"1672364174443","isMaker":false,"feeRate":"0.0006","markPrice":"60049.00","closedSize":"0.010","seq":4688002127,"feeCurrency":"USDT"}]})";
constexpr std::string_view position_frame =
    R"({"id":"1003076014fb7eedb-c7e6-45d6-a8c1-270f0169171a","topic":"position","creationTime":1697682317044,"data":[{"positionIdx":0,"tradeMode":0,"riskId":1,"riskLimitValue":"2000000","symbol":"BTCUSDT","side":"Buy","size":"0.010","entryPrice":"60000.10","leverage":"10","positionValue":"600.001","positionBalance":"","markPrice":"60049.00","positionIM":"60","positionMM":"3","takeProfit":"0","stopLoss":"58000","trailingStop":"0","unrealisedPnl":"0.4890","curRealisedPnl":"-0.36","cumRealisedPnl":"-0.36","createdTime":"1676538056258","updatedTime":"1697673600012","tpslMode":"Full","liqPrice":"","bustPrice":"","category":"linear","positionStatus":"Normal","adlRankIndicator":2,"seq":8172241025}]})";
constexpr std::string_view wallet_frame =
    R"({"id":"592324d2bce751-ad38-48eb-8f42-4671d1fb4d4e","topic":"wallet","creationTime":1700034722104,"data":[{"accountIMRate":"0","accountMMRate":"0","totalEquity":"10262.91","totalWalletBalance":"9596.61","totalMarginBalance":"9596.61","totalAvailableBalance":"9596.61","totalPerpUPL":"0","totalInitialMargin":"0","totalMaintenanceMargin":"0","coin":[{"coin":"USDT","equity":"9596.61","usdValue":"9596.61","walletBalance":"9596.61","availableToWithdraw":"","locked":"0","unrealisedPnl":"0","cumRealisedPnl":"-3.39"},{"coin":"BTC","walletBalance":"0.1","availableToWithdraw":"0.05"}],"accountType":"UNIFIED"}]})";

template <class T>
T expect(const decoded& d) {
    if (const auto* m = std::get_if<malformed>(&d)) {
        ADD_FAILURE() << "malformed: " << m->reason;
    }
    EXPECT_TRUE(std::holds_alternative<T>(d)) << "variant index " << d.index();
    return std::holds_alternative<T>(d) ? std::get<T>(d) : T{};
}

class bybit_codec : public ::testing::Test {
protected:
    symbol_map symbols = make_symbols();
    stream_decoder decoder{symbols};
};

TEST_F(bybit_codec, ticker_snapshot_then_delta_merges) {
    const auto s = expect<ticker_update>(decoder.decode(snapshot_frame, received_at));
    EXPECT_TRUE(s.snapshot);
    EXPECT_EQ(s.state.symbol, core::symbol::from_string("BTCUSDT"));
    EXPECT_EQ(s.state.last_price, "60000.10"_d);
    EXPECT_EQ(s.state.bid1_price, "60000"_d);
    EXPECT_EQ(s.state.bid1_size, "1.2"_d);
    EXPECT_EQ(s.state.ask1_price, "60000.1"_d);
    EXPECT_EQ(s.state.ask1_size, "0.8"_d);
    EXPECT_EQ(s.state.funding_rate, "0.0001"_d);
    EXPECT_EQ(s.state.next_funding_time_ms, 1760328000000);
    EXPECT_EQ(s.state.open_interest, "1234.5"_d);
    EXPECT_EQ(s.state.volume_24h, "20.5"_d);
    EXPECT_EQ(s.state.price_24h_pcnt, "0.0123"_d);
    EXPECT_EQ(s.state.cross_seq, 9532239429U);
    EXPECT_EQ(s.state.exchange_ts, ms(1760325052630));
    ASSERT_TRUE(s.mark);
    EXPECT_EQ(s.mark->exchange, core::exchange_id::bybit);
    EXPECT_EQ(s.mark->price, "60001.20"_d);
    EXPECT_EQ(s.mark->index_price, "60002.30"_d);
    EXPECT_EQ(s.mark->exchange_ts, ms(1760325052630));
    EXPECT_EQ(s.mark->receive_ts, received_at);

    const auto d = expect<ticker_update>(decoder.decode(delta_frame, received_at));
    EXPECT_FALSE(d.snapshot);
    EXPECT_EQ(d.state.mark_price, "60010"_d);       // changed
    EXPECT_EQ(d.state.index_price, "60002.30"_d);   // absent: kept
    EXPECT_EQ(d.state.last_price, "60000.10"_d);    // absent: kept
    EXPECT_FALSE(d.state.bid1_price);               // "": no value, not zero
    EXPECT_EQ(d.state.bid1_size, "1.2"_d);
    EXPECT_EQ(d.state.funding_rate, "0.0002"_d);
    EXPECT_EQ(d.state.cross_seq, 9532239430U);
    ASSERT_TRUE(d.mark);
    EXPECT_EQ(d.mark->price, "60010"_d);
    EXPECT_EQ(d.mark->index_price, "60002.30"_d);

    // A delta without mark/index fields merges but emits no mark price.
    const auto quiet = expect<ticker_update>(decoder.decode(
        R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","volume24h":"21"},"cs":1,"ts":1760325052830})", received_at));
    EXPECT_FALSE(quiet.mark);
    EXPECT_EQ(quiet.state.volume_24h, "21"_d);
    EXPECT_EQ(quiet.state.mark_price, "60010"_d);
    ASSERT_NE(decoder.tickers().find(core::symbol::from_string("BTCUSDT")), nullptr);
}

TEST_F(bybit_codec, delta_without_snapshot_is_reported_not_applied) {
    const auto d = expect<delta_without_snapshot>(decoder.decode(delta_frame, received_at));
    EXPECT_EQ(d.symbol, core::symbol::from_string("BTCUSDT"));
    EXPECT_EQ(d.topic, "tickers.BTCUSDT");
    EXPECT_EQ(decoder.tickers().size(), 0U);
    (void)decoder.decode(snapshot_frame, received_at);
    decoder.tickers().clear();  // reconnect
    EXPECT_TRUE(std::holds_alternative<delta_without_snapshot>(decoder.decode(delta_frame, received_at)));
}

TEST_F(bybit_codec, a_new_snapshot_replaces_the_state) {
    (void)decoder.decode(snapshot_frame, received_at);
    const auto s = expect<ticker_update>(decoder.decode(
        R"({"topic":"tickers.BTCUSDT","type":"snapshot","data":{"symbol":"BTCUSDT","markPrice":"1.5"},"cs":2,"ts":3})", received_at));
    EXPECT_EQ(s.state.mark_price, "1.5"_d);
    EXPECT_FALSE(s.state.last_price);
    EXPECT_FALSE(s.state.index_price);
    EXPECT_FALSE(s.mark->index_price);
}

TEST_F(bybit_codec, ticker_of_unknown_symbol) {
    const auto u = expect<unknown_symbol>(decoder.decode(
        R"({"topic":"tickers.1000SHIBUSDT","type":"snapshot","data":{"symbol":"1000SHIBUSDT","markPrice":"1"},"ts":1})", received_at));
    EXPECT_EQ(u.venue_name, "1000SHIBUSDT");
    EXPECT_EQ(u.topic, "tickers.1000SHIBUSDT");
}

TEST_F(bybit_codec, orderbook_level_one_with_multiplier_symbol) {
    const auto b = expect<book_top>(decoder.decode(orderbook_frame, received_at));
    EXPECT_EQ(b.symbol, core::symbol::from_string("1000SHIBUSDT"));
    EXPECT_EQ(b.bid_price, "0.012345"_d);
    EXPECT_EQ(b.bid_size, "1000"_d);
    EXPECT_EQ(b.ask_price, "0.012346"_d);
    EXPECT_EQ(b.ask_size, "2000"_d);
    EXPECT_EQ(b.update_id, 177400507U);
    EXPECT_EQ(b.seq, 66544703342U);
    EXPECT_EQ(b.exchange_ts, ms(1672304484978));
    const auto empty = expect<book_top>(decoder.decode(
        R"({"topic":"orderbook.1.BTCUSDT","ts":5,"type":"snapshot","data":{"s":"BTCUSDT","b":[],"a":[["1","2"]],"u":1,"seq":2}})", received_at));
    EXPECT_FALSE(empty.bid_price);
    EXPECT_EQ(empty.ask_price, "1"_d);
}

TEST_F(bybit_codec, public_trades) {
    const auto t = expect<trade_batch>(decoder.decode(trade_frame, received_at));
    ASSERT_EQ(t.items.size(), 1U);
    EXPECT_EQ(t.items[0].symbol, core::symbol::from_string("BTCUSDT"));
    EXPECT_EQ(t.items[0].trade_id, "20f43950-d8dd-5b31-9112-a178eb6023af");
    EXPECT_EQ(t.items[0].price, "16578.50"_d);
    EXPECT_EQ(t.items[0].quantity, "0.001"_d);
    EXPECT_EQ(t.items[0].taker_side, core::side::buy);
    EXPECT_FALSE(t.items[0].block_trade);
    EXPECT_EQ(t.items[0].trade_ts, ms(1672304486865));
}

TEST_F(bybit_codec, order_topic) {
    const auto b = expect<order_batch>(decoder.decode(order_frame, received_at));
    ASSERT_EQ(b.items.size(), 1U);  // the spot item is skipped
    EXPECT_TRUE(b.unknown_symbols.empty());
    const auto& u = b.items[0];
    EXPECT_EQ(u.exchange, core::exchange_id::bybit);
    EXPECT_EQ(u.symbol, core::symbol::from_string("1000SHIBUSDT"));
    EXPECT_EQ(u.exchange_order_id, "5cf98598-39a7-459e-97bf-76ca765ee020");
    EXPECT_EQ(u.client_order_id, "tb-42-entry");
    EXPECT_EQ(u.side, core::side::sell);
    EXPECT_EQ(u.type, core::order_type::market);
    EXPECT_EQ(u.status, events::order_status::partially_filled);
    EXPECT_FALSE(u.reduce_only);
    EXPECT_FALSE(u.price);       // Market: the protection price is not a limit
    EXPECT_FALSE(u.stop_price);  // ""
    EXPECT_EQ(u.quantity, "1000"_d);
    EXPECT_EQ(u.filled_quantity, "600"_d);
    EXPECT_EQ(u.average_price, "0.012345"_d);
    EXPECT_EQ(u.last_fill_quantity, "0"_d);
    EXPECT_EQ(u.fee, "0"_d);
    EXPECT_EQ(u.reject_reason, "");
    EXPECT_EQ(u.exchange_ts, ms(1672364262457));
    EXPECT_EQ(u.receive_ts, received_at);
}

TEST_F(bybit_codec, conditional_order_and_empty_avg_price) {
    const auto b = expect<order_batch>(decoder.decode(
        R"({"topic":"order.linear","creationTime":1,"data":[{"category":"linear","symbol":"BTCUSDT","orderId":"1","orderLinkId":"","side":"Sell","orderType":"Market","stopOrderType":"StopLoss","orderStatus":"Untriggered","price":"0","qty":"0","avgPrice":"","cumExecQty":"0","triggerPrice":"58000.5","reduceOnly":true,"rejectReason":"EC_OrigClOrdIDDoesNotExist","updatedTime":"7"},{"category":"linear","symbol":"ETHUSDT","orderId":"2","side":"Buy","orderType":"Limit","orderStatus":"New","qty":"1","updatedTime":"8"},{"category":"linear","symbol":"BTCUSDT","orderId":"3","side":"Buy","orderType":"Limit","orderStatus":"Sleeping","qty":"1","updatedTime":"8"}]})",
        received_at));
    ASSERT_EQ(b.items.size(), 1U);
    const auto& u = b.items[0];
    EXPECT_EQ(u.type, core::order_type::stop_market);
    EXPECT_EQ(u.status, events::order_status::untriggered);
    EXPECT_EQ(u.stop_price, "58000.5"_d);
    EXPECT_TRUE(u.reduce_only);
    EXPECT_EQ(u.average_price, "0"_d);
    EXPECT_EQ(u.reject_reason, "EC_OrigClOrdIDDoesNotExist");
    ASSERT_EQ(b.unknown_symbols.size(), 1U);
    EXPECT_EQ(b.unknown_symbols[0], "ETHUSDT");
    ASSERT_EQ(b.rejected.size(), 1U);
    EXPECT_EQ(b.rejected[0], "order: field 'orderStatus': unknown order status");
}

TEST_F(bybit_codec, execution_topic) {
    const auto b = expect<execution_batch>(decoder.decode(execution_frame, received_at));
    ASSERT_EQ(b.items.size(), 1U);
    const auto& e = b.items[0];
    EXPECT_EQ(e.symbol, core::symbol::from_string("BTCUSDT"));
    EXPECT_EQ(e.order_id, "f6e324ff-99c2-4e89-9739-3086e47f9381");
    EXPECT_EQ(e.client_order_id, "tb-7-sl");
    EXPECT_EQ(e.exec_id, "7e2ae69c-4edf-5800-a352-893d52b446aa");
    EXPECT_EQ(e.exec_type, "Trade");
    EXPECT_EQ(e.side, core::side::sell);
    EXPECT_EQ(e.price, "60050.50"_d);
    EXPECT_EQ(e.quantity, "0.01"_d);
    EXPECT_EQ(e.fee, "0.3603"_d);
    EXPECT_EQ(e.fee_currency, "USDT");
    EXPECT_EQ(e.exec_pnl, "-12.5"_d);
    EXPECT_EQ(e.leaves_quantity, "0"_d);
    EXPECT_EQ(e.closed_size, "0.01"_d);
    EXPECT_FALSE(e.is_maker);
    EXPECT_EQ(e.mark_price, "60049"_d);
    EXPECT_EQ(e.exchange_ts, ms(1672364174443));
}

TEST_F(bybit_codec, position_topic) {
    const auto b = expect<position_batch>(decoder.decode(position_frame, received_at));
    ASSERT_EQ(b.items.size(), 1U);
    const auto& p = b.items[0];
    EXPECT_EQ(p.exchange, core::exchange_id::bybit);
    EXPECT_EQ(p.symbol, core::symbol::from_string("BTCUSDT"));
    EXPECT_EQ(p.side, core::position_side::long_);
    EXPECT_EQ(p.quantity, "0.01"_d);
    EXPECT_EQ(p.entry_price, "60000.10"_d);
    EXPECT_EQ(p.mark_price, "60049"_d);
    EXPECT_EQ(p.unrealized_pnl, "0.489"_d);
    EXPECT_EQ(p.leverage, 10U);
    EXPECT_EQ(p.exchange_ts, ms(1697673600012));
    const auto flat = expect<position_batch>(decoder.decode(
        R"({"topic":"position","creationTime":1,"data":[{"category":"linear","symbol":"BTCUSDT","side":"","size":"0","entryPrice":"0","leverage":"12.5","markPrice":"","unrealisedPnl":"","updatedTime":"2"}]})", received_at));
    ASSERT_EQ(flat.items.size(), 1U);
    EXPECT_EQ(flat.items[0].quantity, "0"_d);
    EXPECT_FALSE(flat.items[0].mark_price);
    EXPECT_FALSE(flat.items[0].leverage);
    EXPECT_EQ(flat.items[0].unrealized_pnl, "0"_d);
}

TEST_F(bybit_codec, wallet_topic) {
    const auto b = expect<balance_batch>(decoder.decode(wallet_frame, received_at));
    ASSERT_EQ(b.items.size(), 2U);
    EXPECT_EQ(b.items[0].exchange, core::exchange_id::bybit);
    EXPECT_EQ(b.items[0].asset, "USDT");
    EXPECT_EQ(b.items[0].wallet_balance, "9596.61"_d);
    EXPECT_FALSE(b.items[0].available_balance);  // ""
    EXPECT_EQ(b.items[0].exchange_ts, ms(1700034722104));
    EXPECT_EQ(b.items[1].asset, "BTC");
    EXPECT_EQ(b.items[1].available_balance, "0.05"_d);
}

TEST_F(bybit_codec, op_responses) {
    const auto sub = expect<op_response>(decoder.decode(
        R"({"success":true,"ret_msg":"","conn_id":"465772b1-4c0a","req_id":"","op":"subscribe"})", received_at));
    EXPECT_EQ(sub.op, "subscribe");
    EXPECT_TRUE(sub.success);
    EXPECT_EQ(sub.conn_id, "465772b1-4c0a");
    const auto bad = expect<op_response>(decoder.decode(
        R"({"success":false,"ret_msg":"error:handler not found,topic:tickers.NOPEUSDT","conn_id":"x","req_id":"","op":"subscribe"})", received_at));
    EXPECT_FALSE(bad.success);
    EXPECT_EQ(bad.message, "error:handler not found,topic:tickers.NOPEUSDT");
    const auto auth = expect<op_response>(
        decoder.decode(R"({"success":false,"ret_msg":"Invalid signature","op":"auth","conn_id":"c"})", received_at));
    EXPECT_EQ(auth.op, "auth");
    EXPECT_FALSE(auth.success);
    const auto pong = expect<op_response>(decoder.decode(
        R"({"req_id":"test","op":"pong","args":["1675418560633"],"conn_id":"cfcb4ocsvfriu23r3er0-1b"})", received_at));
    EXPECT_EQ(pong.op, "pong");
    EXPECT_TRUE(pong.success);
    EXPECT_EQ(pong.req_id, "test");
    const auto trade_auth = expect<op_response>(
        decoder.decode(R"({"retCode":10004,"retMsg":"invalid sign","op":"auth","connId":"z"})", received_at));
    EXPECT_FALSE(trade_auth.success);
    EXPECT_EQ(trade_auth.message, "invalid sign");
    EXPECT_EQ(trade_auth.conn_id, "z");
}

TEST_F(bybit_codec, ignored_and_malformed) {
    EXPECT_EQ(expect<ignored>(decoder.decode(R"({"topic":"kline.5.BTCUSDT","data":[]})", received_at)).topic, "kline.5.BTCUSDT");
    EXPECT_EQ(expect<ignored>(decoder.decode(R"({"topic":"greeks","data":[]})", received_at)).topic, "greeks");
    const std::string_view bad[] = {
        "", "[]", "{", "null",
        R"({"topic":"tickers.BTCUSDT","type":"snapshot","data":[],"ts":1})",
        R"({"topic":"tickers.BTCUSDT","type":"snapshot","data":{"symbol":"BTCUSDT","markPrice":"x"},"ts":1})",
        R"({"topic":"tickers.BTCUSDT","type":"snapshot","data":{"symbol":"BTCUSDT","markPrice":true},"ts":1})",
        R"({"topic":"tickers.BTCUSDT","type":"weird","data":{"symbol":"BTCUSDT"},"ts":1})",
        R"({"topic":"tickers.BTCUSDT","type":"snapshot","data":{"symbol":"BTCUSDT"}})",
        R"({"topic":"order","data":{}})",
        R"({"topic":"orderbook.1.BTCUSDT","type":"snapshot","ts":1,"data":{"s":"BTCUSDT","b":[["1"]],"a":[],"u":1}})",
        R"({"topic":7})",
        R"({"op":"subscribe","success":"yes"})",
        R"({"topic":"wallet","data":[]})",
        R"({"topic":"tickers.BTCUSDT"} x)",
    };
    for (const auto text : bad) {
        const auto d = decoder.decode(text, received_at);
        EXPECT_TRUE(std::holds_alternative<malformed>(d)) << text << " gave index " << d.index();
    }
}

// A copy of `text` with its first `from` replaced by `to`.
std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
    std::string out{text};
    const auto at = out.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? out : out.replace(at, from.size(), to);
}

TEST_F(bybit_codec, times_no_time_point_can_hold_are_refused) {
    // Past 2262 nanoseconds since the epoch overflow 64 bits (UBSan found it in the fast ticker
    // path): a frame's time is malformed, a batch item's time rejects that item.
    const std::string whole[] = {
        replaced(snapshot_frame, R"("ts":1760325052630)", R"("ts":11760325052630)"),
        replaced(orderbook_frame, R"("ts":1672304484978)", R"("ts":11672304484978)"),
        replaced(wallet_frame, R"("creationTime":1700034722104)", R"("creationTime":11700034722104)"),
    };
    for (const auto& text : whole) {
        const auto d = decoder.decode(text, received_at);
        const auto* m = std::get_if<malformed>(&d);
        ASSERT_NE(m, nullptr) << text << " gave index " << d.index();
        EXPECT_NE(m->reason.find("time out of range"), std::string::npos) << m->reason;
    }
    const auto trades = expect<trade_batch>(
        decoder.decode(replaced(trade_frame, R"("T":1672304486865)", R"("T":11672304486865)"), received_at));
    EXPECT_TRUE(trades.items.empty());
    ASSERT_EQ(trades.rejected.size(), 1U);
    EXPECT_EQ(trades.rejected[0], "publicTrade: field 'T': time out of range");
    const auto orders = expect<order_batch>(decoder.decode(
        replaced(order_frame, R"("updatedTime":"1672364262457")", R"("updatedTime":"11672364262457")"), received_at));
    EXPECT_TRUE(orders.items.empty());
    ASSERT_EQ(orders.rejected.size(), 1U);
    EXPECT_EQ(orders.rejected[0], "order: field 'updatedTime': time out of range");
    const auto fills = expect<execution_batch>(decoder.decode(
        replaced(execution_frame, R"("execTime":"1672364174443")", R"("execTime":"-11672364174443")"), received_at));
    EXPECT_TRUE(fills.items.empty());
    ASSERT_EQ(fills.rejected.size(), 1U);
    EXPECT_EQ(fills.rejected[0], "execution: field 'execTime': time out of range");
    const auto positions = expect<position_batch>(decoder.decode(
        replaced(position_frame, R"("updatedTime":"1697673600012")", R"("updatedTime":"11697673600012")"), received_at));
    EXPECT_TRUE(positions.items.empty());
    ASSERT_EQ(positions.rejected.size(), 1U);
    EXPECT_EQ(positions.rejected[0], "position: field 'updatedTime': time out of range");
}

TEST_F(bybit_codec, every_truncation_of_every_payload_is_safe) {
    const std::string_view payloads[] = {snapshot_frame, delta_frame,     orderbook_frame, trade_frame,
                                         order_frame,    execution_frame, position_frame,  wallet_frame};
    std::size_t malformed_count = 0;
    for (const auto p : payloads) {
        for (std::size_t n = 0; n < p.size(); ++n) {
            malformed_count += std::holds_alternative<malformed>(decoder.decode(p.substr(0, n), received_at)) ? 1 : 0;
            std::string flipped{p};
            flipped[n] = static_cast<char>(flipped[n] ^ 0x5A);
            (void)decoder.decode(flipped, received_at);
        }
    }
    EXPECT_GT(malformed_count, 0U);
    EXPECT_EQ(expect<balance_batch>(decoder.decode(wallet_frame, received_at)).items.size(), 2U);
}

}  // namespace
}  // namespace tradebot::exchange::bybit
