// The byte-level fast paths for tickers (detail::decode_ticker_fixed, detail::decode_ticker_flat)
// against the simdjson hot pass they stand in front of: what one accepts it decodes exactly alike,
// including what it does to the ticker book (snapshot, delta, delta without snapshot); the rest it
// leaves alone. Checked over the recorded shapes and thousands of one-byte mutations of them.

#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "exchange/bybit/ticker_codec.hpp"
#include "support/tradebot_test/mutations.hpp"

namespace tradebot::exchange::bybit {
namespace {

const time_point rx{std::chrono::milliseconds{1'767'225'600'000}};

std::string opt(const std::optional<core::decimal>& d) {
    return d ? d->to_string() : "-";
}

std::string summary(const std::optional<decoded>& d) {
    if (!d) {
        return "none";
    }
    if (const auto* u = std::get_if<ticker_update>(&*d)) {
        const auto& t = u->state;
        return fmt::format(
            "ticker {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {}",
            t.symbol.view(),
            u->snapshot,
            opt(t.last_price),
            opt(t.mark_price),
            opt(t.index_price),
            opt(t.bid1_price),
            opt(t.bid1_size),
            opt(t.ask1_price),
            opt(t.ask1_size),
            opt(t.funding_rate),
            t.next_funding_time_ms.value_or(-1),
            opt(t.open_interest),
            opt(t.volume_24h),
            opt(t.turnover_24h),
            opt(t.high_price_24h),
            opt(t.low_price_24h),
            opt(t.prev_price_24h),
            opt(t.price_24h_pcnt),
            t.cross_seq,
            t.exchange_ts.time_since_epoch().count(),
            u->mark ? u->mark->price.to_string() : "-",
            u->mark && u->mark->index_price ? u->mark->index_price->to_string() : "-"
        );
    }
    if (const auto* m = std::get_if<malformed>(&*d)) {
        return "malformed " + m->reason;
    }
    if (const auto* w = std::get_if<delta_without_snapshot>(&*d)) {
        return "delta without snapshot " + std::string{w->symbol.view()} + " " + w->topic;
    }
    if (const auto* u = std::get_if<unknown_symbol>(&*d)) {
        return "unknown " + u->venue_name;
    }
    return fmt::format("variant {}", d->index());
}

const std::string snapshot =
    R"({"topic":"tickers.BTCUSDT","type":"snapshot","data":{"symbol":"BTCUSDT","tickDirection":"PlusTick","price24hPcnt":"0.0123","lastPrice":"60000.10","prevPrice24h":"59000","highPrice24h":"61000","lowPrice24h":"58000","prevPrice1h":"59900","markPrice":"60001.20","indexPrice":"60002.30","openInterest":"1234.5","openInterestValue":"74000000","turnover24h":"1000000","volume24h":"20.5","nextFundingTime":"1760328000000","fundingRate":"0.0001","bid1Price":"60000.00","bid1Size":"1.2","ask1Price":"60000.10","ask1Size":"0.8"},"cs":9532239429,"ts":1760325052630})";

const std::vector<std::string> frames{
    snapshot,
    R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","markPrice":"60010.00","bid1Price":"","fundingRate":"0.0002"},"cs":9532239430,"ts":1760325052730})",
    R"({"data":{"markPrice":"1.5","indexPrice":null},"ts":3,"topic":"tickers.ETHUSDT","type":"delta","cs":2})",
    R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","volume24h":21},"cs":1,"ts":1})",
    R"({"topic":"orderbook.1.BTCUSDT","type":"snapshot","data":{"s":"BTCUSDT"},"ts":1})",
};

class flat_ticker_test : public ::testing::Test {
protected:
    flat_ticker_test() {
        symbols.add_instrument("BTCUSDT", "BTC", "USDT");
        symbols.add_instrument("ETHUSDT", "ETH", "USDT");
        // Both books start from the same snapshot, so a delta has something to merge into.
        const auto expected = summary(slow(snapshot));
        EXPECT_EQ(summary(flat(snapshot)), expected);
        EXPECT_EQ(summary(fixed(snapshot)), expected);
    }

    std::optional<decoded> fixed(std::string_view text) {
        decoded out;
        if (!detail::decode_ticker_fixed(text, detail::context{symbols, rx}, fixed_book, out)) {
            return std::nullopt;
        }
        return out;
    }

    std::optional<decoded> flat(std::string_view text) {
        decoded out;
        if (!detail::decode_ticker_flat(text, detail::context{symbols, rx}, flat_book, out)) {
            return std::nullopt;
        }
        return out;
    }
    std::optional<decoded> slow(std::string_view text) {
        const auto padded = json::pad(text, buffer);
        json::od::document doc;
        if (parser.iterate(padded).get(doc)) {
            return std::nullopt;
        }
        decoded out;
        if (!detail::decode_ticker_hot(doc, detail::context{symbols, rx}, slow_book, out)) {
            return std::nullopt;
        }
        return out;
    }

    // A fast path may decline anything; what it takes it must take as the slow one does.
    bool agrees(const std::string& text) { return taken_alike(flat(text), text); }
    // The same for the venue's layout (its own book, primed with the same snapshot).
    bool agrees_fixed(const std::string& text) { return taken_alike(fixed(text), text); }
    bool taken_alike(const std::optional<decoded>& fast, const std::string& text) {
        if (!fast) {
            return false;
        }
        EXPECT_EQ(summary(fast), summary(slow(text))) << text;
        return true;
    }

    symbol_map symbols{core::exchange_id::bybit};
    ticker_book flat_book;
    ticker_book slow_book;
    ticker_book fixed_book;
    json::od::parser parser;
    std::string buffer;
};

// The bytes the mutation tests insert and replace with: JSON's structure, number and literal
// characters, a byte >= 0x80 and a control character.
const std::string mutation_alphabet = std::string{" \"\\{}[]:,-.0123456789etrufalsn"} + "\x80\x01";

TEST_F(flat_ticker_test, takes_ticker_frames_and_decodes_them_as_the_simdjson_path_does) {
    EXPECT_TRUE(agrees(frames[1]));
    EXPECT_TRUE(agrees(frames[2]));  // no snapshot of ETHUSDT yet, on both
    EXPECT_TRUE(agrees(frames[3]));  // a number where a decimal string belongs: malformed on both
    EXPECT_FALSE(agrees(frames[4]));
    EXPECT_FALSE(flat(R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"a":"1"},"data":{"b":"2"},"cs":1,"ts":1})"));
    EXPECT_FALSE(flat(R"({"topic":"tickers.BTCUSDT","type":"delta","cs":1,"ts":1})"));
    const auto mark = flat(frames[1]);
    ASSERT_TRUE(mark);
    const auto* u = std::get_if<ticker_update>(&*mark);
    ASSERT_NE(u, nullptr);
    EXPECT_EQ(u->state.mark_price, std::optional<core::decimal>{core::decimal::from_string("60010.00")});
    EXPECT_FALSE(u->state.bid1_price);
    EXPECT_EQ(u->state.ask1_price, std::optional<core::decimal>{core::decimal::from_string("60000.10")});
}

TEST_F(flat_ticker_test, every_one_byte_mutation_is_declined_or_decoded_alike) {
    EXPECT_TRUE(test::some_but_not_all_taken(frames, mutation_alphabet, 20, [this](const std::string& text) {
        return agrees(text);
    }));
}

TEST_F(flat_ticker_test, the_venue_layout_takes_plain_ticker_frames_and_leaves_the_rest) {
    EXPECT_TRUE(agrees_fixed(frames[1]));  // a delta with an emptied field
    EXPECT_TRUE(agrees_fixed(
        R"({"topic":"tickers.ETHUSDT","type":"delta","data":{"markPrice":"1.5"},"cs":2,"ts":3})"
    ));  // no snapshot of ETHUSDT: refused alike
    EXPECT_TRUE(agrees_fixed(R"({"topic":"tickers.XRPUSDT","type":"snapshot","data":{},"cs":2,"ts":3})"));
    for (const std::string& text : {
             frames[2],  // another member order, a null
             frames[3],  // a number where a decimal string belongs
             frames[4],  // another topic
             std::string{R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"markPrice":"1","markPrice":"2"},"cs":1,"ts":1})"},
             std::string{R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"markPrice":"1e2"},"cs":1,"ts":1})"},
             std::string{R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"nextFundingTime":""},"cs":1,"ts":1})"},
             std::string{R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"markPrice":"1"},"cs":1,"ts":1} )"},
         }) {
        EXPECT_FALSE(agrees_fixed(text)) << text;
    }
}

TEST_F(flat_ticker_test, a_time_no_time_point_can_hold_is_malformed_on_every_path) {
    // frames[1] with one byte inserted into "ts": past 2262, nanoseconds since the epoch overflow
    // 64 bits (undefined behaviour, found by UBSan on this path).
    const std::string mutant =
        R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","markPrice":"60010.00","bid1Price":"","fundingRate":"0.0002"},"cs":9532239430,"ts":11760325052730})";
    EXPECT_FALSE(fixed(mutant));  // left to the paths that report errors
    EXPECT_EQ(summary(flat(mutant)), "malformed tickers: field 'ts': time out of range");
    EXPECT_EQ(summary(slow(mutant)), "malformed tickers: field 'ts': time out of range");
}

TEST_F(flat_ticker_test, every_one_byte_mutation_of_the_venue_layout_is_declined_or_decoded_alike) {
    EXPECT_TRUE(test::some_but_not_all_taken(frames, mutation_alphabet, 50, [this](const std::string& text) {
        return agrees_fixed(text);
    }));
}

}  // namespace
}  // namespace tradebot::exchange::bybit
