// GET /fapi/v1/leverageBracket parsing (the official docs' shape [U]) and the cap rule both
// adapters apply before sending a leverage.

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "tradebot/exchange/binance/wire.hpp"
#include "tradebot/exchange/leverage_cap.hpp"

namespace tradebot::exchange::binance {
namespace {

using namespace core::literals;

symbol_map eth_map() {
    symbol_map m{core::exchange_id::binance};
    EXPECT_EQ(m.add_instrument("ETHUSDT", "ETH", "USDT"), add_status::added);
    return m;
}

const core::symbol eth = core::symbol::from_string("ETHUSDT");

// The docs' example, numbers as numbers.
constexpr const char* one_symbol = R"({"symbol":"ETHUSDT","notionalCoef":1.50,"brackets":[
    {"bracket":2,"initialLeverage":50,"notionalCap":50000,"notionalFloor":10000,"maintMarginRatio":0.01,"cum":35.0},
    {"bracket":1,"initialLeverage":75,"notionalCap":10000,"notionalFloor":0,"maintMarginRatio":0.0065,"cum":0.0}]})";

TEST(binance_leverage_brackets, the_symbol_form_is_an_object_read_exactly_and_sorted) {
    const auto map = eth_map();
    const auto rows = parse_leverage_brackets(boost::json::parse(one_symbol), map);
    ASSERT_TRUE(rows) << rows.error().describe();
    ASSERT_EQ(rows->size(), 1u);
    const auto& b = rows->front();
    EXPECT_EQ(b.symbol, eth);
    ASSERT_EQ(b.brackets.size(), 2u);
    EXPECT_EQ(b.max_leverage(), 75);  // bracket 1, although listed second
    EXPECT_EQ(b.brackets[0].maint_margin_ratio, "0.0065"_d);
    EXPECT_EQ(b.brackets[0].maint_margin_ratio.normalized().to_string(), "0.0065");
    EXPECT_EQ(b.brackets[1].notional_floor, "10000"_d);
    EXPECT_EQ(b.brackets[1].cum, "35"_d);
}

// §11 #49: the notional a position may reach is the cap of the widest bracket that still allows the
// leverage; 10x fits both brackets (50,000), 60x only bracket 1 (10,000), 76x none (0).
TEST(binance_leverage_brackets, the_notional_cap_at_a_leverage_is_the_widest_bracket_allowing_it) {
    const auto map = eth_map();
    const auto rows = parse_leverage_brackets(boost::json::parse(one_symbol), map);
    ASSERT_TRUE(rows) << rows.error().describe();
    const auto& b = rows->front();
    EXPECT_EQ(b.max_notional_at(10), "50000"_d);
    EXPECT_EQ(b.max_notional_at(50), "50000"_d);
    EXPECT_EQ(b.max_notional_at(51), "10000"_d);
    EXPECT_EQ(b.max_notional_at(75), "10000"_d);
    EXPECT_EQ(b.max_notional_at(76), "0"_d);
    EXPECT_FALSE(symbol_brackets{}.max_notional_at(10).has_value()) << "no brackets: no limit known";
    symbol_brackets unlimited = b;
    unlimited.brackets.back().notional_cap = core::decimal{};  // "0" / "INF": no cap
    EXPECT_FALSE(unlimited.max_notional_at(10).has_value());
}

TEST(binance_leverage_brackets, the_list_form_skips_symbols_not_loaded) {
    const auto map = eth_map();
    const std::string all = std::string{"["} + one_symbol +
                            R"(,{"symbol":"NEWUSDT","brackets":[{"bracket":1,"initialLeverage":20,"notionalCap":"5000",
                               "notionalFloor":"0","maintMarginRatio":"0.02","cum":"0"}]}])";
    const auto rows = parse_leverage_brackets(boost::json::parse(all), map);
    ASSERT_TRUE(rows) << rows.error().describe();
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ(rows->front().symbol, eth);
}

TEST(binance_leverage_brackets, a_row_without_brackets_or_leverage_is_a_bad_response) {
    const auto map = eth_map();
    for (const char* text : {R"({"symbol":"ETHUSDT"})", R"({"symbol":"ETHUSDT","brackets":[]})",
                             R"({"symbol":"ETHUSDT","brackets":[{"bracket":1,"notionalCap":10}]})", R"("x")"}) {
        const auto rows = parse_leverage_brackets(boost::json::parse(text), map);
        ASSERT_FALSE(rows) << text;
        EXPECT_EQ(rows.error().kind, error_kind::bad_response) << text;
    }
}

TEST(leverage_cap, above_the_cap_is_refused_with_the_numbers_and_unknown_caps_pass) {
    EXPECT_TRUE(check_leverage_cap(core::exchange_id::binance, eth, 75, "75"_d));
    const auto refused = check_leverage_cap(core::exchange_id::bybit, eth, 76, "75.00"_d);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, error_kind::invalid_request);
    EXPECT_EQ(refused.error().venue, core::exchange_id::bybit);
    EXPECT_EQ(refused.error().message, "leverage 76 above the venue's maximum 75 for ETHUSDT (not sent)");
    EXPECT_TRUE(check_leverage_cap(core::exchange_id::binance, eth, 500, core::decimal{}));  // cap unknown
    EXPECT_TRUE(check_leverage_cap(core::exchange_id::bybit, eth, 12, "12.5"_d));
}

}  // namespace
}  // namespace tradebot::exchange::binance
