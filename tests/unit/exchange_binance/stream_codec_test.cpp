#include "tradebot/exchange/binance/stream_codec.hpp"

#include <string>
#include <variant>

#include <gtest/gtest.h>

namespace tradebot::exchange::binance {
namespace {

using namespace tradebot::core::literals;
using namespace std::chrono_literals;

const time_point received_at{std::chrono::milliseconds{1'767'225'600'000}};
time_point ms(std::int64_t v) { return time_point{std::chrono::milliseconds{v}}; }

symbol_map make_symbols() {
    symbol_map m{core::exchange_id::binance};
    m.add_instrument("BTCUSDT", "BTC", "USDT");
    m.add_instrument("BNBUSDT", "BNB", "USDT");
    m.add_instrument("1000SHIBUSDT", "1000SHIB", "USDT");
    return m;
}

// Payloads from the reference (§A9, §A10), as the venue documents them.
constexpr std::string_view mark_price_frame =
    R"({"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15000000","i":"11784.62659091","P":"11784.25641265","r":"0.00038167","T":1562306400000})";
constexpr std::string_view book_ticker_frame =
    R"({"e":"bookTicker","u":400900217,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"})";
constexpr std::string_view agg_trade_frame =
    R"({"e":"aggTrade","E":123456789,"s":"BTCUSDT","a":5933014,"p":"0.001","q":"100","nq":"100","f":100,"l":105,"T":123456785,"m":true})";
constexpr std::string_view order_frame =
    R"({"e":"ORDER_TRADE_UPDATE","E":1568879465651,"T":1568879465650,"o":{
 "s":"BTCUSDT","c":"TEST","S":"SELL","o":"LIMIT","f":"GTC","q":"0.001","p":"7103.04","ap":"0","sp":"0",
 "x":"NEW","X":"NEW","i":8886774,"l":"0","z":"0","L":"0","N":"USDT","n":"0","T":1568879465650,"t":0,
 "b":"0","a":"9.91","m":false,"R":false,"wt":"CONTRACT_PRICE","ot":"LIMIT","ps":"BOTH","cp":false,
 "AP":"7476.89","cr":"5.0","pP":false,"si":0,"ss":0,"rp":"0","V":"EXPIRE_TAKER","pm":"NONE","gtd":0,"er":"0"}})";
constexpr std::string_view account_frame =
    R"({"e":"ACCOUNT_UPDATE","E":1564745798939,"T":1564745798938,"a":{"m":"ORDER",
 "B":[{"a":"USDT","wb":"122624.12345678","cw":"100.12345678","bc":"50.12345678"}],
 "P":[{"s":"BTCUSDT","pa":"20","ep":"6563.66500","bep":"6563.6","cr":"0","up":"2850.21200","mt":"isolated","iw":"13200.70726908","ps":"LONG"}]}})";
constexpr std::string_view algo_frame =
    R"({"e":"ALGO_UPDATE","T":1750515742297,"E":1750515742303,"o":{"caid":"Q5xaq5EGKgXXa0fD7fs0Ip","aid":2148719,
 "at":"CONDITIONAL","o":"TAKE_PROFIT","s":"BNBUSDT","S":"SELL","ps":"BOTH","f":"GTC","q":"0.01","X":"CANCELED",
 "ai":"","ap":"0.00000","aq":"0.00000","act":"0","tp":"750","p":"750","V":"EXPIRE_MAKER","wt":"CONTRACT_PRICE",
 "pm":"NONE","cp":false,"pP":false,"R":false,"tt":0,"gtd":0,"rm":"Reduce Only reject"}})";
constexpr std::string_view listen_key_frame = R"({"e":"listenKeyExpired","E":"1736996475556","listenKey":"abc"})";

template <class T>
T expect(const decoded& d) {
    if (const auto* m = std::get_if<malformed>(&d)) {
        ADD_FAILURE() << "malformed: " << m->reason;
    }
    EXPECT_TRUE(std::holds_alternative<T>(d)) << "variant index " << d.index();
    return std::holds_alternative<T>(d) ? std::get<T>(d) : T{};
}

class binance_codec : public ::testing::Test {
protected:
    symbol_map symbols = make_symbols();
    stream_decoder decoder{symbols};
};

TEST_F(binance_codec, mark_price_maps_every_field) {
    const auto m = expect<events::mark_price>(decoder.decode(mark_price_frame, received_at));
    EXPECT_EQ(m.exchange, core::exchange_id::binance);
    EXPECT_EQ(m.symbol, core::symbol::from_string("BTCUSDT"));
    EXPECT_EQ(m.price, "11794.15"_d);
    EXPECT_EQ(m.index_price, "11784.62659091"_d);
    EXPECT_EQ(m.exchange_ts, ms(1562305380000));
    EXPECT_EQ(m.receive_ts, received_at);
}

TEST_F(binance_codec, combined_stream_wrapper_in_either_key_order) {
    const std::string wrapped = R"({"stream":"btcusdt@markPrice@1s","data":)" + std::string{mark_price_frame} + "}";
    EXPECT_EQ(expect<events::mark_price>(decoder.decode(wrapped, received_at)).price, "11794.15"_d);
    const std::string data_first = R"({"data":)" + std::string{mark_price_frame} + R"(,"stream":"btcusdt@markPrice@1s"})";
    EXPECT_EQ(expect<events::mark_price>(decoder.decode(data_first, received_at)).price, "11794.15"_d);
}

TEST_F(binance_codec, mark_price_array_lists_unknown_symbols) {
    const auto b = expect<mark_price_batch>(decoder.decode(
        R"([{"e":"markPriceUpdate","E":1,"s":"BTCUSDT","p":"1.5","i":""},{"e":"markPriceUpdate","E":2,"s":"XYZUSDT","p":"2"}])",
        received_at));
    ASSERT_EQ(b.prices.size(), 1U);
    EXPECT_EQ(b.prices[0].price, "1.5"_d);
    EXPECT_FALSE(b.prices[0].index_price);  // "" is no value
    ASSERT_EQ(b.unknown_symbols.size(), 1U);
    EXPECT_EQ(b.unknown_symbols[0], "XYZUSDT");
}

TEST_F(binance_codec, multiplier_symbol_and_unknown_symbol) {
    const auto m = expect<events::mark_price>(
        decoder.decode(R"({"e":"markPriceUpdate","E":5,"s":"1000SHIBUSDT","p":"0.012345","i":"0.0123"})", received_at));
    EXPECT_EQ(m.symbol, core::symbol::from_string("1000SHIBUSDT"));
    EXPECT_EQ(m.price, "0.012345"_d);
    const auto u = expect<unknown_symbol>(
        decoder.decode(R"({"e":"markPriceUpdate","E":5,"s":"SHIB1000USDT","p":"0.012345"})", received_at));
    EXPECT_EQ(u.venue_name, "SHIB1000USDT");
    EXPECT_EQ(u.event, "markPriceUpdate");
}

TEST_F(binance_codec, book_ticker) {
    const auto t = expect<book_ticker>(decoder.decode(book_ticker_frame, received_at));
    EXPECT_EQ(t.symbol, core::symbol::from_string("BNBUSDT"));
    EXPECT_EQ(t.update_id, 400900217U);
    EXPECT_EQ(t.bid_price, "25.3519"_d);
    EXPECT_EQ(t.bid_quantity, "31.21"_d);
    EXPECT_EQ(t.ask_price, "25.3652"_d);
    EXPECT_EQ(t.ask_quantity, "40.66"_d);
    EXPECT_EQ(t.exchange_ts, ms(1568014460893));
    EXPECT_EQ(t.transaction_ts, ms(1568014460891));
    EXPECT_EQ(t.receive_ts, received_at);
}

TEST_F(binance_codec, agg_trade) {
    const auto t = expect<agg_trade>(decoder.decode(agg_trade_frame, received_at));
    EXPECT_EQ(t.symbol, core::symbol::from_string("BTCUSDT"));
    EXPECT_EQ(t.agg_trade_id, 5933014U);
    EXPECT_EQ(t.price, "0.001"_d);
    EXPECT_EQ(t.quantity, "100"_d);
    EXPECT_TRUE(t.buyer_is_maker);
    EXPECT_EQ(t.trade_ts, ms(123456785));
    EXPECT_EQ(t.exchange_ts, ms(123456789));
}

TEST_F(binance_codec, control_replies) {
    const auto ack = expect<command_result>(decoder.decode(R"({"result":null,"id":312})", received_at));
    EXPECT_EQ(ack.id, 312U);
    EXPECT_TRUE(ack.streams.empty());
    EXPECT_FALSE(ack.flag);
    const auto list = expect<command_result>(decoder.decode(R"({"result":["btcusdt@aggTrade"],"id":3})", received_at));
    ASSERT_EQ(list.streams.size(), 1U);
    EXPECT_EQ(list.streams[0], "btcusdt@aggTrade");
    EXPECT_EQ(expect<command_result>(decoder.decode(R"({"result":true,"id":2})", received_at)).flag, true);
    const auto err = expect<command_error>(
        decoder.decode(R"({"code":2,"msg":"Invalid request: request ID must be an unsigned integer"})", received_at));
    EXPECT_EQ(err.code, 2);
    EXPECT_EQ(err.message, "Invalid request: request ID must be an unsigned integer");
    EXPECT_FALSE(err.id);
    const auto err2 = expect<command_error>(decoder.decode(R"({"code":0,"msg":"Unknown property","id":7})", received_at));
    EXPECT_EQ(err2.id, 7U);
    EXPECT_EQ(err2.code, 0);
}

TEST_F(binance_codec, order_trade_update_maps_every_field) {
    const auto u = expect<events::order_update>(decoder.decode(order_frame, received_at));
    EXPECT_EQ(u.exchange, core::exchange_id::binance);
    EXPECT_EQ(u.symbol, core::symbol::from_string("BTCUSDT"));
    EXPECT_EQ(u.client_order_id, "TEST");
    EXPECT_EQ(u.exchange_order_id, "8886774");
    EXPECT_EQ(u.side, core::side::sell);
    EXPECT_EQ(u.type, core::order_type::limit);
    EXPECT_EQ(u.status, events::order_status::new_);
    EXPECT_FALSE(u.reduce_only);
    EXPECT_EQ(u.price, "7103.04"_d);
    EXPECT_FALSE(u.stop_price);  // "sp":"0" is not a stop price
    EXPECT_EQ(u.quantity, "0.001"_d);
    EXPECT_EQ(u.filled_quantity, "0"_d);
    EXPECT_EQ(u.average_price, "0"_d);
    EXPECT_EQ(u.last_fill_quantity, "0"_d);
    EXPECT_EQ(u.last_fill_price, "0"_d);
    EXPECT_EQ(u.fee, "0"_d);
    EXPECT_EQ(u.fee_asset, "USDT");
    EXPECT_EQ(u.realized_pnl, "0"_d);
    EXPECT_EQ(u.trade_id, "");  // "t":0: no fill
    EXPECT_EQ(u.reject_reason, "");
    EXPECT_EQ(u.exchange_ts, ms(1568879465651));
    EXPECT_EQ(u.receive_ts, received_at);
}

TEST_F(binance_codec, order_trade_update_fill_of_a_stop_with_expiry_reason) {
    const auto u = expect<events::order_update>(decoder.decode(
        R"({"e":"ORDER_TRADE_UPDATE","E":10,"T":9,"o":{"s":"1000SHIBUSDT","c":"tb-1-sl","S":"BUY","o":"STOP_MARKET","q":"100","p":"0","ap":"0.012400","sp":"0.012399","X":"EXPIRED","i":77,"l":"40","z":"60","L":"0.012401","N":"USDT","n":"0.00019","R":true,"rp":"-1.25","t":4242,"er":"9"}})",
        received_at));
    EXPECT_EQ(u.symbol, core::symbol::from_string("1000SHIBUSDT"));
    EXPECT_EQ(u.type, core::order_type::stop_market);
    EXPECT_EQ(u.status, events::order_status::expired);
    EXPECT_TRUE(u.reduce_only);
    EXPECT_FALSE(u.price);
    EXPECT_EQ(u.stop_price, "0.012399"_d);
    EXPECT_EQ(u.filled_quantity, "60"_d);
    EXPECT_EQ(u.average_price, "0.0124"_d);
    EXPECT_EQ(u.last_fill_quantity, "40"_d);
    EXPECT_EQ(u.last_fill_price, "0.012401"_d);
    EXPECT_EQ(u.fee, "0.00019"_d);
    EXPECT_EQ(u.realized_pnl, "-1.25"_d);
    EXPECT_EQ(u.trade_id, "4242");  // the trades row's key
    EXPECT_EQ(u.reject_reason, "expiry_reason=9:market_remainder");
}

TEST_F(binance_codec, account_update_balances_and_positions) {
    const auto a = expect<account_update>(decoder.decode(account_frame, received_at));
    EXPECT_EQ(a.reason, "ORDER");
    EXPECT_EQ(a.exchange_ts, ms(1564745798939));
    ASSERT_EQ(a.balances.size(), 1U);
    EXPECT_EQ(a.balances[0].exchange, core::exchange_id::binance);
    EXPECT_EQ(a.balances[0].asset, "USDT");
    EXPECT_EQ(a.balances[0].wallet_balance, "122624.12345678"_d);
    EXPECT_FALSE(a.balances[0].available_balance);
    EXPECT_EQ(a.balances[0].exchange_ts, ms(1564745798939));
    ASSERT_EQ(a.positions.size(), 1U);
    const auto& p = a.positions[0];
    EXPECT_EQ(p.symbol, core::symbol::from_string("BTCUSDT"));
    EXPECT_EQ(p.side, core::position_side::long_);
    EXPECT_EQ(p.quantity, "20"_d);
    EXPECT_EQ(p.entry_price, "6563.665"_d);
    EXPECT_EQ(p.unrealized_pnl, "2850.212"_d);
    EXPECT_FALSE(p.mark_price);
    EXPECT_FALSE(p.leverage);
    EXPECT_EQ(p.receive_ts, received_at);
}

TEST_F(binance_codec, one_way_position_side_is_the_sign_and_unknown_symbols_are_listed) {
    const auto a = expect<account_update>(decoder.decode(
        R"({"e":"ACCOUNT_UPDATE","E":1,"a":{"m":"FUNDING_FEE","B":[],"P":[{"s":"BTCUSDT","pa":"-0.5","ep":"60000.10","up":"-1","ps":"BOTH"},{"s":"BNBUSDT","pa":"0","ep":"0","up":"0","ps":"BOTH"},{"s":"NEWUSDT","pa":"1","ep":"1","up":"0","ps":"BOTH"}]}})",
        received_at));
    ASSERT_EQ(a.positions.size(), 2U);
    EXPECT_EQ(a.positions[0].side, core::position_side::short_);
    EXPECT_EQ(a.positions[0].quantity, "0.5"_d);
    EXPECT_EQ(a.positions[0].entry_price, "60000.10"_d);
    EXPECT_EQ(a.positions[1].quantity, "0"_d);  // closed
    ASSERT_EQ(a.unknown_symbols.size(), 1U);
    EXPECT_EQ(a.unknown_symbols[0], "NEWUSDT");
}

TEST_F(binance_codec, algo_update_uses_algo_ids) {
    const auto a = expect<algo_update>(decoder.decode(algo_frame, received_at));
    EXPECT_EQ(a.algo_id, "2148719");
    EXPECT_EQ(a.client_algo_id, "Q5xaq5EGKgXXa0fD7fs0Ip");
    EXPECT_EQ(a.algo_status, "CANCELED");
    EXPECT_EQ(a.algo_type, "CONDITIONAL");
    EXPECT_EQ(a.triggered_order_id, "");
    EXPECT_FALSE(a.trigger_ts);
    const auto& u = a.order;
    EXPECT_EQ(u.exchange_order_id, "2148719");
    EXPECT_EQ(u.client_order_id, "Q5xaq5EGKgXXa0fD7fs0Ip");
    EXPECT_EQ(u.symbol, core::symbol::from_string("BNBUSDT"));
    EXPECT_EQ(u.side, core::side::sell);
    EXPECT_EQ(u.type, core::order_type::take_profit_market);
    EXPECT_EQ(u.status, events::order_status::canceled);
    EXPECT_EQ(u.quantity, "0.01"_d);
    EXPECT_EQ(u.stop_price, "750"_d);
    EXPECT_EQ(u.price, "750"_d);
    EXPECT_EQ(u.filled_quantity, "0"_d);
    EXPECT_EQ(u.reject_reason, "Reduce Only reject");
    EXPECT_EQ(u.exchange_ts, ms(1750515742303));  // the later of T and E
}

TEST_F(binance_codec, algo_statuses) {
    const auto with = [this](std::string_view status, std::string_view aq) {
        const std::string frame = R"({"e":"ALGO_UPDATE","T":1,"E":2,"o":{"caid":"tb-9","aid":5,"at":"CONDITIONAL","o":"STOP_MARKET","s":"BTCUSDT","S":"SELL","q":"0","X":")" +
                                  std::string{status} + R"(","ai":"881","aq":")" + std::string{aq} +
                                  R"(","ap":"59000.5","tp":"59000","p":"0","R":true,"tt":1750515742000}})";
        return expect<algo_update>(decoder.decode(frame, received_at));
    };
    EXPECT_EQ(with("NEW", "0").order.status, events::order_status::untriggered);
    EXPECT_EQ(with("TRIGGERING", "0").order.status, events::order_status::triggered);
    const auto t = with("TRIGGERED", "0");
    EXPECT_EQ(t.order.status, events::order_status::triggered);
    EXPECT_EQ(t.triggered_order_id, "881");
    EXPECT_EQ(t.trigger_ts, ms(1750515742000));
    EXPECT_FALSE(t.order.price);
    EXPECT_TRUE(t.order.reduce_only);
    EXPECT_EQ(with("FINISHED", "0.010").order.status, events::order_status::filled);
    EXPECT_EQ(with("FINISHED", "0.010").order.filled_quantity, "0.01"_d);
    EXPECT_EQ(with("FINISHED", "0").order.status, events::order_status::canceled);
    EXPECT_EQ(with("REJECTED", "0").order.status, events::order_status::rejected);
    EXPECT_EQ(with("EXPIRED", "0").order.status, events::order_status::expired);
    EXPECT_TRUE(std::holds_alternative<malformed>(decoder.decode(
        R"({"e":"ALGO_UPDATE","E":2,"o":{"aid":5,"o":"STOP_MARKET","s":"BTCUSDT","S":"SELL","q":"0","X":"WAT"}})", received_at)));
}

TEST_F(binance_codec, listen_key_expired_accepts_string_and_number_time) {
    const auto a = expect<listen_key_expired>(decoder.decode(listen_key_frame, received_at));
    EXPECT_EQ(a.listen_key, "abc");
    EXPECT_EQ(a.exchange_ts, ms(1736996475556));
    const auto b = expect<listen_key_expired>(
        decoder.decode(R"({"e":"listenKeyExpired","E":1736996475556,"listenKey":"abc"})", received_at));
    EXPECT_EQ(b.exchange_ts, ms(1736996475556));
}

TEST_F(binance_codec, other_events_are_ignored_and_unknown_fields_skipped) {
    EXPECT_EQ(expect<ignored>(decoder.decode(R"({"e":"MARGIN_CALL","E":1,"p":[]})", received_at)).event, "MARGIN_CALL");
    EXPECT_EQ(expect<ignored>(decoder.decode(R"({"hello":"world"})", received_at)).event, "");
    const auto m = expect<events::mark_price>(decoder.decode(
        R"({"e":"markPriceUpdate","st":1,"ap":"1.0","E":1,"x":{"deep":[1,{"a":[]}]},"s":"BTCUSDT","p":"1.0"})", received_at));
    EXPECT_EQ(m.price, "1"_d);
    EXPECT_FALSE(m.index_price);
}

TEST_F(binance_codec, malformed_inputs) {
    const std::string_view bad[] = {
        "",
        "   ",
        "not json",
        "{",
        R"({"e":"markPriceUpdate")",
        R"({"e":"markPriceUpdate","E":1,"s":"BTCUSDT","p":11794.15.3})",
        R"({"e":"markPriceUpdate","E":1,"s":"BTCUSDT","p":"abc"})",
        R"({"e":"markPriceUpdate","E":"x","s":"BTCUSDT","p":"1"})",
        R"({"e":"markPriceUpdate","E":1,"s":42,"p":"1"})",
        R"({"e":"markPriceUpdate","E":1,"s":"BTCUSDT"})",
        R"({"e":42})",
        R"({"e":"ORDER_TRADE_UPDATE","E":1,"o":"x"})",
        R"({"e":"ORDER_TRADE_UPDATE","E":1,"o":{"s":"BTCUSDT","c":"a","S":"UP","o":"LIMIT","q":"1","X":"NEW","i":1}})",
        R"({"e":"ORDER_TRADE_UPDATE","E":1,"o":{"s":"BTCUSDT","c":"a","S":"BUY","o":"LIMIT","q":"1","X":"WAT","i":1}})",
        R"({"e":"ACCOUNT_UPDATE","E":1,"a":{"B":[{"a":"USDT","wb":true}]}})",
        R"({"e":"ACCOUNT_UPDATE","E":1,"a":{"B":[1,2]}})",
        R"({"result":null})",
        R"({"result":null,"id":-1})",
        R"({"result":{},"id":1})",
        R"(42)",
        R"({"e":"bookTicker"} trailing)",
    };
    for (const auto text : bad) {
        const auto d = decoder.decode(text, received_at);
        EXPECT_TRUE(std::holds_alternative<malformed>(d)) << text << " gave index " << d.index();
    }
    // Still usable afterwards.
    EXPECT_EQ(expect<events::mark_price>(decoder.decode(mark_price_frame, received_at)).price, "11794.15"_d);
}

// A copy of `text` with its first `from` replaced by `to`.
std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
    std::string out{text};
    const auto at = out.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? out : out.replace(at, from.size(), to);
}

TEST_F(binance_codec, times_no_time_point_can_hold_are_malformed) {
    // Past 2262 (or before 1677) nanoseconds since the epoch overflow 64 bits: each event's
    // times, on the generic pass too, are refused instead of converted (UBSan found the overflow).
    const std::string frames[] = {
        replaced(mark_price_frame, R"("E":1562305380000)", R"("E":11562305380000)"),
        "[" + replaced(mark_price_frame, R"("E":1562305380000)", R"("E":-11562305380000)") + "]",
        replaced(book_ticker_frame, R"("E":1568014460893)", R"("E":11568014460893)"),
        replaced(agg_trade_frame, R"("T":123456785)", R"("T":11562305380000)"),
        replaced(order_frame, R"("E":1568879465651)", R"("E":11568879465651)"),
        replaced(algo_frame, R"("E":1750515742303)", R"("E":11750515742303)"),
        replaced(algo_frame, R"("tt":0)", R"("tt":11750515742303)"),
        replaced(account_frame, R"("E":1564745798939)", R"("E":11564745798939)"),
        replaced(listen_key_frame, R"("E":"1736996475556")", R"("E":"11736996475556")"),
    };
    for (const auto& text : frames) {
        const auto d = decoder.decode(text, received_at);
        const auto* m = std::get_if<malformed>(&d);
        ASSERT_NE(m, nullptr) << text << " gave index " << d.index();
        EXPECT_NE(m->reason.find("time out of range"), std::string::npos) << m->reason;
    }
}

TEST_F(binance_codec, every_truncation_of_every_payload_is_safe) {
    const std::string_view payloads[] = {mark_price_frame, book_ticker_frame, agg_trade_frame, order_frame,
                                         account_frame,    algo_frame,        listen_key_frame};
    std::size_t malformed_count = 0;
    for (const auto p : payloads) {
        for (std::size_t n = 0; n < p.size(); ++n) {
            const auto d = decoder.decode(p.substr(0, n), received_at);
            malformed_count += std::holds_alternative<malformed>(d) ? 1 : 0;
            // Flip one byte too: still a decoded value, never a crash.
            std::string flipped{p};
            flipped[n] = static_cast<char>(flipped[n] ^ 0x5A);
            (void)decoder.decode(flipped, received_at);
        }
    }
    EXPECT_GT(malformed_count, 0U);
    EXPECT_EQ(expect<account_update>(decoder.decode(account_frame, received_at)).positions.size(), 1U);
}

TEST(binance_stream_name, lower_cases_the_symbol_only) {
    EXPECT_EQ(stream_name("1000SHIBUSDT", "markPrice@1s"), "1000shibusdt@markPrice@1s");
    EXPECT_EQ(stream_name("BTCUSDT", "bookTicker"), "btcusdt@bookTicker");
}

TEST(binance_decode_message, one_shot_form) {
    const auto symbols = make_symbols();
    const auto d = decode_message(mark_price_frame, symbols, received_at);
    ASSERT_TRUE(std::holds_alternative<events::mark_price>(d));
}

}  // namespace
}  // namespace tradebot::exchange::binance
