#include "fixture.hpp"

#include "tradebot/sim/engine/leverage_bracket.hpp"

namespace tradebot::sim::binance::test {

namespace {

const core::symbol eth = core::symbol::from_string("ETHUSDT");

// Three brackets as Binance lists them for a mid-cap symbol: 75x up to 10k, 50x to 50k, 25x to 250k.
engine::instrument eth_spec() {
    engine::instrument i;
    i.symbol = eth;
    i.base_asset = "ETH";
    i.step_size = "0.001"_d;
    i.tick_size = "0.01"_d;
    i.leverage_brackets = {{0, 75, {}, "10000"_d, "0.0065"_d, {}},
                           {0, 50, "10000"_d, "50000"_d, "0.01"_d, {}},
                           {0, 25, "50000"_d, "250000"_d, "0.02"_d, {}}};
    engine::number_brackets(i.leverage_brackets);
    return i;
}

class bracket_test : public binance_test {
protected:
    bracket_test() {
        venue_.exchange().add_instrument(eth_spec());
        venue_.exchange().set_prices(eth, at("3000"_d));
    }
};

}  // namespace

TEST_F(bracket_test, one_symbol_is_an_object_with_its_configured_brackets) {
    const auto r = signed_req("GET", "/fapi/v1/leverageBracket", "symbol=ETHUSDT");
    ASSERT_EQ(r.status, 200u);
    const auto& o = r.body.as_object();
    EXPECT_EQ(o.at("symbol").as_string(), "ETHUSDT");
    EXPECT_FALSE(o.contains("notionalCoef"));  // only for adjusted users
    const auto& b = o.at("brackets").as_array();
    ASSERT_EQ(b.size(), 3u);
    EXPECT_EQ(b[0].as_object().at("bracket").as_int64(), 1);
    EXPECT_EQ(b[0].as_object().at("initialLeverage").as_int64(), 75);
    EXPECT_EQ(b[0].as_object().at("notionalCap").as_int64(), 10000);
    EXPECT_EQ(b[0].as_object().at("notionalFloor").as_int64(), 0);
    EXPECT_EQ(b[2].as_object().at("notionalFloor").as_int64(), 50000);
    // Numbers, digit for digit: cum(3) = 10000 x (0.01 - 0.0065) + 50000 x (0.02 - 0.01) = 535.
    EXPECT_NE(r.raw.response.body.find(R"("maintMarginRatio":0.0065,"cum":0})"), std::string::npos);
    EXPECT_NE(r.raw.response.body.find(R"("maintMarginRatio":0.01,"cum":35})"), std::string::npos);
    EXPECT_NE(r.raw.response.body.find(R"("maintMarginRatio":0.02,"cum":535})"), std::string::npos);
}

TEST_F(bracket_test, without_a_symbol_every_symbol_is_listed_and_defaults_follow_max_leverage) {
    const auto r = signed_req("GET", "/fapi/v1/leverageBracket", "");
    ASSERT_EQ(r.status, 200u);
    const auto& all = r.body.as_array();
    ASSERT_EQ(all.size(), 2u);
    const auto& btc_row = all[0].as_object().at("symbol").as_string() == "BTCUSDT" ? all[0] : all[1];
    const auto& b = btc_row.as_object().at("brackets").as_array();
    // No configured brackets: 125x to 300k, 50x to 1M, 20x to 5M, all at the instrument's rate.
    ASSERT_EQ(b.size(), 3u);
    EXPECT_EQ(b[0].as_object().at("initialLeverage").as_int64(), 125);
    EXPECT_EQ(b[1].as_object().at("initialLeverage").as_int64(), 50);
    EXPECT_EQ(b[2].as_object().at("notionalCap").as_int64(), 5'000'000);
    EXPECT_EQ(b[2].as_object().at("notionalFloor").as_int64(), 1'000'000);
}

TEST_F(bracket_test, unknown_symbol_unknown_parameter_and_missing_signature_are_refused) {
    EXPECT_EQ(signed_req("GET", "/fapi/v1/leverageBracket", "symbol=NOPEUSDT").code(), -1121);
    EXPECT_EQ(signed_req("GET", "/fapi/v1/leverageBracket", "pair=ETHUSDT").code(), -1103);
    const auto unsigned_call = keyed_req("GET", "/fapi/v1/leverageBracket?symbol=ETHUSDT");
    EXPECT_EQ(unsigned_call.status, 400u);
    EXPECT_NE(unsigned_call.code(), 0);
}

TEST_F(bracket_test, leverage_above_the_first_bracket_is_4028_and_the_cap_follows_the_brackets) {
    const auto above = signed_req("POST", "/fapi/v1/leverage", "symbol=ETHUSDT&leverage=76");
    EXPECT_EQ(above.status, 400u);
    EXPECT_EQ(above.code(), -4028);
    EXPECT_EQ(above.msg(), "Leverage 76 is not valid");
    const auto top = signed_req("POST", "/fapi/v1/leverage", "symbol=ETHUSDT&leverage=75");
    EXPECT_EQ(top.body.as_object().at("leverage").as_int64(), 75);
    EXPECT_EQ(top.str("maxNotionalValue"), "10000");
    // 30x is beyond the 25x bracket: the position may grow to the 50x bracket's cap only.
    EXPECT_EQ(signed_req("POST", "/fapi/v1/leverage", "symbol=ETHUSDT&leverage=30").str("maxNotionalValue"), "50000");
    EXPECT_EQ(signed_req("POST", "/fapi/v1/leverage", "symbol=ETHUSDT&leverage=5").str("maxNotionalValue"), "250000");
}

}  // namespace tradebot::sim::binance::test
