// The byte-level fast paths (json::fixed_scan with detail::decode_fixed, json::flat_scan with
// detail::decode_flat) against the simdjson path they stand in front of: on every frame one
// accepts it must decode exactly what the simdjson hot pass decodes, and whatever it is unsure of
// it must leave to the next. Checked over the recorded shapes and
// thousands of one-byte mutations of them (deletions, insertions, replacements, truncations).

#include "exchange/flat_scan.hpp"

#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "exchange/binance/hot_codec.hpp"
#include "support/tradebot_test/mutations.hpp"

namespace tradebot::exchange::binance {
namespace {

const time_point rx{std::chrono::milliseconds{1'767'225'600'000}};

std::string summary(const std::optional<decoded>& d) {
    if (!d) {
        return "none";
    }
    if (const auto* m = std::get_if<events::mark_price>(&*d)) {
        return fmt::format(
            "mark {} {} {} {}",
            m->symbol.view(),
            m->price.to_string(),
            m->index_price ? m->index_price->to_string() : "-",
            m->exchange_ts.time_since_epoch().count()
        );
    }
    if (const auto* t = std::get_if<book_ticker>(&*d)) {
        return fmt::format(
            "book {} {} {} {} {} {} {} {}",
            t->symbol.view(),
            t->update_id,
            t->bid_price.to_string(),
            t->bid_quantity.to_string(),
            t->ask_price.to_string(),
            t->ask_quantity.to_string(),
            t->exchange_ts.time_since_epoch().count(),
            t->transaction_ts.time_since_epoch().count()
        );
    }
    if (const auto* m = std::get_if<malformed>(&*d)) {
        return "malformed " + m->reason;
    }
    if (const auto* u = std::get_if<unknown_symbol>(&*d)) {
        return "unknown " + u->venue_name + " " + u->event;
    }
    return fmt::format("variant {}", d->index());
}

class flat_scan_test : public ::testing::Test {
protected:
    flat_scan_test() {
        symbols.add_instrument("BTCUSDT", "BTC", "USDT");
        symbols.add_instrument("BNBUSDT", "BNB", "USDT");
    }

    std::optional<decoded> slow(std::string_view text) {
        const auto padded = json::pad(text, buffer);
        json::od::document doc;
        if (parser.iterate(padded).get(doc)) {
            return std::nullopt;
        }
        decoded out;
        if (!detail::decode_hot(doc, detail::context{symbols, rx}, out)) {
            return std::nullopt;
        }
        return out;
    }

    using path = bool (*)(std::string_view, const detail::context&, decoded&);

    std::optional<decoded> run(path fast_path, std::string_view text) {
        decoded out;
        if (!fast_path(text, detail::context{symbols, rx}, out)) {
            return std::nullopt;
        }
        return out;
    }

    // A fast path may decline anything; what it takes it must take exactly as the slow one.
    // Returns whether it took the frame.
    bool agrees(const std::string& text, path fast_path = &detail::decode_flat) {
        const auto fast = run(fast_path, text);
        if (fast) {
            EXPECT_EQ(summary(fast), summary(slow(text))) << text;
        }
        return fast.has_value();
    }

    symbol_map symbols{core::exchange_id::binance};
    json::od::parser parser;
    std::string buffer;
};

const std::vector<std::string> sample_frames{
    R"({"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15000000","i":"11784.62659091","P":"11784.25641265","r":"0.00038167","T":1562306400000})",
    R"({"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15000000","i":"11784.62659091","P":"11784.25641265","r":"0.00038167","T":1562306400000}})",
    R"({"data":{"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"1.5"},"stream":"btcusdt@markPrice"})",
    R"({"e":"bookTicker","u":400900217,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"})",
    R"({"stream":"bnbusdt@bookTicker","data":{"e":"bookTicker","u":400900217,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}})",
    " {\n \"e\" : \"markPriceUpdate\" ,\t\"E\":-0,\"s\":\"ETHUSDT\",\"p\":\"2.0\",\"x\":[1,2]} ",
    R"({"e":"markPriceUpdate","E":1.5e3,"s":"BTCUSDT","p":12,"i":null,"ok":true,"no":false,"s":"BNBUSDT"})",
    R"({"e":"markPriceUpdate","E":15E+3,"s":"BTCUSDT","p":"1","i":"2","e":"bookTicker"})",
    R"({"e":"aggTrade","E":1,"s":"BTCUSDT","p":"1"})",
    R"({})",
};

// The bytes the mutation tests insert and replace with: JSON's structure, number and literal
// characters, a byte >= 0x80, a control character and a letter JSON has no use for.
const std::string mutation_alphabet = std::string{" \t\"\\{}[]:,-+.0123456789eEtrufalsn"} + "\x80\x01x";

TEST_F(flat_scan_test, takes_the_hot_frames_and_decodes_them_as_the_simdjson_path_does) {
    EXPECT_TRUE(agrees(sample_frames[0]));
    EXPECT_TRUE(agrees(sample_frames[1]));
    EXPECT_TRUE(agrees(sample_frames[2]));
    EXPECT_TRUE(agrees(sample_frames[3]));
    EXPECT_TRUE(agrees(sample_frames[4]));
    EXPECT_FALSE(agrees(sample_frames[5]));  // an array member: the simdjson path
    EXPECT_TRUE(agrees(sample_frames[6]));   // first occurrence wins, number price is malformed on both
    EXPECT_TRUE(agrees(sample_frames[7]));
    EXPECT_FALSE(agrees(sample_frames[8]));  // not a hot event: nullopt on both, then the generic pass
    const auto mark = run(&detail::decode_flat, sample_frames[1]);
    ASSERT_TRUE(mark);
    EXPECT_EQ(summary(mark), "mark BTCUSDT 11794.15000000 11784.62659091 1562305380000000000");
}

TEST_F(flat_scan_test, declines_escapes_non_ascii_nesting_and_trailing_bytes) {
    for (const char* text : {
             R"({"e":"markPriceUpdate","E":1,"s":"BTC\u0055SDT","p":"1"})",
             "{\"e\":\"markPriceUpdate\",\"E\":1,\"s\":\"BTC\xc3\xa9\",\"p\":\"1\"}",
             R"({"e":"markPriceUpdate","E":1,"s":"BTCUSDT","p":"1","o":{"a":1}})",
             R"({"data":{"data":{"e":"markPriceUpdate"}}})",
             R"({"e":"markPriceUpdate","E":1,"s":"BTCUSDT","p":"1"} x)",
             R"({"e":"markPriceUpdate","E":01,"s":"BTCUSDT","p":"1"})",
             R"({"e":"markPriceUpdate","E":1.,"s":"BTCUSDT","p":"1"})",
             R"({"e":"markPriceUpdate","E":1,"s":"BTCUSDT","p":"1",})",
             "{\"e\":\"markPriceUpdate\",\"E\":1,\"s\":\"BTC\tUSDT\",\"p\":\"1\"}",
             R"({"e":"markPriceUpdate","E":1,"s":"BTCUSDT","p":"1")",
             R"([{"e":"markPriceUpdate"}])",
         }) {
        EXPECT_FALSE(json::flat_scan(
            text, [](std::string_view, bool) -> json::scalar* { return nullptr; }, [](std::string_view) { return true; }
        )) << text;
    }
}

TEST_F(flat_scan_test, every_one_byte_mutation_is_declined_or_decoded_alike) {
    // Both outcomes must be exercised: many mutants still decode, many are left to simdjson.
    EXPECT_TRUE(test::some_but_not_all_taken(sample_frames, mutation_alphabet, 20, [this](const std::string& text) {
        return agrees(text);
    }));
}

TEST_F(flat_scan_test, the_venue_layouts_take_exactly_the_frames_laid_out_as_sent) {
    // The reference's layouts, with and without the combined stream's wrapper, with and without
    // markPrice's "ap" (tradebot-sim sends it).
    EXPECT_TRUE(agrees(sample_frames[0], &detail::decode_fixed));
    EXPECT_TRUE(agrees(sample_frames[1], &detail::decode_fixed));
    EXPECT_TRUE(agrees(sample_frames[3], &detail::decode_fixed));
    EXPECT_TRUE(agrees(sample_frames[4], &detail::decode_fixed));
    EXPECT_TRUE(agrees(
        R"({"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate","E":1767225600000,"s":"BTCUSDT","p":"0.04518498","ap":"0.04518428","i":"0.04518728","P":"0.04518718","r":"-0.00017232","T":1767254400000}})",
        &detail::decode_fixed
    ));
    EXPECT_TRUE(agrees(
        R"({"e":"bookTicker","u":1,"E":2,"T":3,"s":"ETHUSDT","b":"1","B":"2","a":"3","A":"4"})", &detail::decode_fixed
    ));  // unknown symbol: reported the same way
    // Anything else is left to flat_scan, which takes these.
    for (const std::string& text : {
             std::string{sample_frames[2]},  // another member order
             std::string{R"({"e":"bookTicker","u":400900217,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT","b":"25.35","B":"31.2","a":"25.36","A":"40.6","x":1})"},
             std::string{R"({"e":"bookTicker", "u":400900217,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT","b":"25.35","B":"31.2","a":"25.36","A":"40.6"})"},
             std::string{R"({"e":"bookTicker","u":400900217,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT","b":"25.35","B":"31.2","a":"25.36","A":"4e1"})"},
             std::string{R"({"e":"bookTicker","u":4009002170000000001,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT","b":"25.35","B":"31.2","a":"25.36","A":"40.6"})"},
             std::string{R"({"e":"bookTicker","u":400900217,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT","b":"25.35","B":"31.2","a":"25.36","A":"0.0000000000000000001"})"},
             std::string{R"({"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15","i":"","P":"1","r":"0","T":1})"},
         }) {
        EXPECT_FALSE(agrees(text, &detail::decode_fixed)) << text;
        EXPECT_TRUE(agrees(text)) << text;
    }
}

TEST_F(flat_scan_test, a_time_no_time_point_can_hold_is_malformed_on_every_path) {
    // sample_frames[0] with one byte inserted, as the mutation test made it: 11562305380000 ms is past
    // 2262, where nanoseconds since the epoch overflow 64 bits (undefined behaviour, found by UBSan).
    const std::string mutant =
        R"({"e":"markPriceUpdate","E":11562305380000,"s":"BTCUSDT","p":"11794.15000000","i":"11784.62659091","P":"11784.25641265","r":"0.00038167","T":1562306400000})";
    EXPECT_FALSE(run(&detail::decode_fixed, mutant));  // left to the paths that report errors
    EXPECT_EQ(summary(run(&detail::decode_flat, mutant)), "malformed markPriceUpdate: field 'E': time out of range");
    EXPECT_EQ(summary(slow(mutant)), "malformed markPriceUpdate: field 'E': time out of range");
    const std::string book =
        R"({"e":"bookTicker","u":1,"E":1568014460893,"T":11568014460891,"s":"BNBUSDT","b":"1","B":"2","a":"3","A":"4"})";
    EXPECT_FALSE(run(&detail::decode_fixed, book));
    EXPECT_EQ(summary(run(&detail::decode_flat, book)), "malformed bookTicker: field 'T': time out of range");
    EXPECT_EQ(summary(slow(book)), "malformed bookTicker: field 'T': time out of range");
    // The last millisecond that fits is a time like any other, on every path.
    const std::string last =
        R"({"e":"bookTicker","u":1,"E":9223372036854,"T":0,"s":"BNBUSDT","b":"1","B":"2","a":"3","A":"4"})";
    EXPECT_TRUE(agrees(last, &detail::decode_fixed));
    EXPECT_EQ(summary(run(&detail::decode_fixed, last)), "book BNBUSDT 1 1 2 3 4 9223372036854000000 0");
    EXPECT_FALSE(run(&detail::decode_fixed, R"({"e":"bookTicker","u":1,"E":9223372036855,"T":0,"s":"BNBUSDT","b":"1","B":"2","a":"3","A":"4"})"));
}

TEST_F(flat_scan_test, every_one_byte_mutation_of_a_venue_layout_is_declined_or_decoded_alike) {
    EXPECT_TRUE(test::some_but_not_all_taken(sample_frames, mutation_alphabet, 50, [this](const std::string& text) {
        return agrees(text, &detail::decode_fixed);
    }));
}

}  // namespace
}  // namespace tradebot::exchange::binance
