// The adapter reads a symbol's leverage brackets from the real tradebot-sim once and refuses a
// leverage above bracket 1 before anything is sent (docs/RELIABILITY.md #49).

#include <prometheus/collectable.h>

#include "fixture.hpp"

namespace tradebot::exchange::binance::test {

namespace {

using namespace core::literals;

class binance_bracket_test : public binance_sim_test {
protected:
    binance_bracket_test()
        : binance_sim_test{tradebot::test::source_dir().string() + "/tests/integration/exchange_binance/brackets.yaml"} {}

    // REST calls the adapter made to `path` (its request-duration histogram, labelled by path).
    std::uint64_t requests_to(std::string_view path) {
        for (const auto& family : registry_.Collect()) {
            if (family.name != "tradebot_exchange_request_duration_seconds") continue;
            for (const auto& m : family.metric) {
                for (const auto& l : m.label) {
                    if (l.name == "endpoint" && l.value == path) return m.histogram.sample_count;
                }
            }
        }
        return 0;
    }

    static core::symbol eth() { return core::symbol::from_string("ETHUSDT"); }
};

}  // namespace

TEST_F(binance_bracket_test, brackets_are_read_once_with_exact_numbers) {
    const auto b = run(client_->leverage_brackets(eth()));
    ASSERT_TRUE(b) << b.error().describe();
    EXPECT_EQ(b->symbol, eth());
    ASSERT_EQ(b->brackets.size(), 3u);
    EXPECT_EQ(b->max_leverage(), 50);
    EXPECT_EQ(b->brackets[0].bracket, 1);
    EXPECT_EQ(b->brackets[0].notional_cap, "5000"_d);
    EXPECT_EQ(b->brackets[0].maint_margin_ratio, "0.0065"_d);
    EXPECT_EQ(b->brackets[1].notional_floor, "5000"_d);
    EXPECT_EQ(b->brackets[2].initial_leverage, 10);
    EXPECT_EQ(b->brackets[2].maint_margin_ratio, "0.025"_d);
    // cum(3) = 5000 x (0.01 - 0.0065) + 25000 x (0.025 - 0.01) = 17.5 + 375
    EXPECT_EQ(b->brackets[2].cum, "392.5"_d);
    EXPECT_EQ(requests_to("/fapi/v1/leverageBracket"), 1u);
    ASSERT_TRUE(run(client_->leverage_brackets(eth())));
    ASSERT_TRUE(run(client_->set_leverage(eth(), 20, request_priority::normal)));
    EXPECT_EQ(requests_to("/fapi/v1/leverageBracket"), 1u);  // cached
}

TEST_F(binance_bracket_test, leverage_above_the_first_bracket_is_refused_before_sending) {
    const auto refused = run(client_->set_leverage(eth(), 51, request_priority::normal));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, error_kind::invalid_request);
    EXPECT_EQ(refused.error().http_status, 0u);  // no answer: nothing was sent
    EXPECT_EQ(refused.error().venue_code, 0);
    EXPECT_NE(refused.error().message.find("leverage 51 above the venue's maximum 50 for ETHUSDT"), std::string::npos)
        << refused.error().message;
    EXPECT_EQ(requests_to("/fapi/v1/leverage"), 0u);
    EXPECT_EQ(requests_to("/fapi/v1/leverageBracket"), 1u);

    ASSERT_TRUE(run(client_->set_leverage(eth(), 50, request_priority::normal)));
    EXPECT_EQ(requests_to("/fapi/v1/leverage"), 1u);
    // BTC has no configured brackets: the simulator derives 125x from max_leverage.
    ASSERT_TRUE(run(client_->set_leverage(btc(), 125, request_priority::normal)));
    const auto btc_refused = run(client_->set_leverage(btc(), 126, request_priority::normal));
    ASSERT_FALSE(btc_refused);
    EXPECT_EQ(btc_refused.error().venue_code, 0);
    EXPECT_EQ(requests_to("/fapi/v1/leverage"), 2u);
}

// §11 #49: the notional cap at a leverage comes from the same cached brackets (no second read), and
// the simulator refuses an entry past it as Binance does (-2027) while one within it fills.
TEST_F(binance_bracket_test, the_notional_cap_follows_the_leverage_and_the_venue_answers_2027_above_it) {
    const auto at50 = run(client_->max_notional(eth(), 50));
    ASSERT_TRUE(at50) << at50.error().describe();
    EXPECT_EQ(*at50, "5000"_d);
    EXPECT_EQ(run(client_->max_notional(eth(), 20)).value(), "25000"_d);
    EXPECT_EQ(run(client_->max_notional(eth(), 1)).value(), "100000"_d);
    EXPECT_EQ(requests_to("/fapi/v1/leverageBracket"), 1u);

    ASSERT_TRUE(run(client_->set_leverage(eth(), 50, request_priority::normal)));
    control("POST", "/sim/price", R"({"symbol":"ETHUSDT","price":"3000"})");
    market_order_request big;
    big.symbol = eth();
    big.side = core::side::buy;
    big.quantity = "2"_d;  // 6 000 USDT at 50x: past bracket 1's 5 000
    big.client_id = cid(201, core::order_purpose::entry);
    const auto refused = run(client_->place_market_order(big, request_priority::normal));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().venue_code, -2027);
    EXPECT_EQ(refused.error().kind, error_kind::invalid_request);
    EXPECT_EQ(refused.error().message, "Exceeded the maximum allowable position at current leverage.");
    market_order_request small = big;
    small.quantity = "1"_d;  // 3 000 USDT fits
    small.client_id = cid(202, core::order_purpose::entry);
    const auto filled = run(client_->place_market_order(small, request_priority::normal));
    ASSERT_TRUE(filled) << filled.error().describe();
}

TEST_F(binance_bracket_test, the_venue_itself_refuses_above_the_first_bracket) {
    // Without the adapter's check the simulator answers as Binance does: -4028.
    rest_request r;
    r.method = "POST";
    r.path = "/fapi/v1/leverage";
    r.query = query_builder{}.add("symbol", "ETHUSDT").add("leverage", 51).str();
    r.endpoint = binance_endpoint::leverage;
    const auto v = run(rest_->call(std::move(r)));
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().venue_code, -4028);
    EXPECT_EQ(v.error().message, "Leverage 51 is not valid");
}

}  // namespace tradebot::exchange::binance::test
