#include "tradebot/trading/risk_manager.hpp"

#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include "tradebot_test/env.hpp"

namespace tradebot::trading {
namespace {

using namespace core::literals;
using core::exchange_id;

position_exposure pos(exchange_id venue, const char* sym, const char* notional) {
    return {venue, core::symbol::from_string(sym), core::decimal::from_string(notional)};
}

class risk_check_test : public ::testing::Test {
protected:
    risk_check_test() {
        risk_.max_positions = 3;
        risk_.max_positions_per_exchange = 2;
        risk_.max_exposure_usd = "1000"_d;
        risk_.daily_loss_limit_usd = "100"_d;
        risk_.min_free_balance_usd = "10"_d;
        trading_.max_leverage = 10;
        // 0.1 ETH at 2000 = 200 USD notional, 20 USD margin at 10x.
        intent_.signal_id = 42;
        intent_.exchange = exchange_id::binance;
        intent_.symbol = core::symbol::from_string("ETHUSDT");
        intent_.side = core::position_side::long_;
        intent_.quantity = "0.1"_d;
        intent_.reference_price = "2000"_d;
        intent_.leverage = 10;
        book_.free_balance_usd[exchange_id::binance] = "100"_d;
    }

    [[nodiscard]] risk_manager rm() const { return risk_manager{risk_, trading_}; }

    [[nodiscard]] risk_reason reason() const {
        const auto r = rm().check(intent_, book_);
        EXPECT_FALSE(r.has_value());
        return r.has_value() ? risk_reason::kill_switch : r.error().reason;
    }

    [[nodiscard]] bool passes() const {
        const auto r = rm().check(intent_, book_);
        if (!r)
            ADD_FAILURE() << to_string(r.error().reason) << ": " << r.error().message;
        return r.has_value();
    }

    config::risk_settings risk_;
    config::trading_settings trading_;
    entry_intent intent_;
    portfolio book_;
};

TEST_F(risk_check_test, an_ordinary_entry_passes) {
    EXPECT_TRUE(passes());
}

TEST_F(risk_check_test, an_entry_costs_its_margin_and_its_taker_fee_rounded_up) {
    // 0.1 x 2000 = 200 notional: 20 margin at 10x, and 0.05 % of it (0.1) in fee.
    EXPECT_EQ(initial_margin(intent_), "20"_d);
    EXPECT_EQ(entry_cost(intent_, "0.05"_d), "20.1"_d);
    intent_.quantity = "0.001"_d;
    intent_.reference_price = "1999.99"_d;  // 1.99999 x 0.0333 % = 0.00066599667: up at 10 places
    EXPECT_EQ(entry_cost(intent_, "0.0333"_d), initial_margin(intent_) + "0.0006659967"_d);
}

TEST_F(risk_check_test, the_kill_switch_blocks_everything_first) {
    book_.kill_switch = true;
    intent_.quantity = "0"_d;
    EXPECT_EQ(reason(), risk_reason::kill_switch);
    EXPECT_EQ(rm().check(intent_, book_).error().message, "kill switch /tmp/tradebot.kill is on");
}

TEST_F(risk_check_test, invalid_intents) {
    intent_.quantity = "0"_d;
    EXPECT_EQ(reason(), risk_reason::invalid_intent);
    intent_.quantity = "0.1"_d;
    intent_.reference_price = "-1"_d;
    EXPECT_EQ(reason(), risk_reason::invalid_intent);
    intent_.reference_price = "2000"_d;
    intent_.leverage = 0;
    EXPECT_EQ(reason(), risk_reason::invalid_intent);
}

TEST_F(risk_check_test, numbers_that_overflow_are_an_invalid_intent_not_an_exception) {
    intent_.quantity = "900000000000"_d;
    intent_.reference_price = "900000000000"_d;
    EXPECT_EQ(reason(), risk_reason::invalid_intent);
}

TEST_F(risk_check_test, one_position_per_exchange_and_symbol) {
    book_.positions = {pos(exchange_id::bybit, "ETHUSDT", "100")};
    EXPECT_TRUE(passes());
    book_.positions.push_back(pos(exchange_id::binance, "ETHUSDT", "100"));
    EXPECT_EQ(reason(), risk_reason::already_open);
}

TEST_F(risk_check_test, daily_loss_stop_blocks_at_exactly_the_limit) {
    book_.realized_pnl_today = "-99.99"_d;
    EXPECT_TRUE(passes());
    book_.realized_pnl_today = "-100"_d;
    EXPECT_EQ(reason(), risk_reason::daily_loss_limit);
    book_.realized_pnl_today = "-250"_d;
    EXPECT_EQ(
        rm().check(intent_, book_).error().message, "realized PnL today -250 USD reached the daily loss limit -100"
    );
}

TEST_F(risk_check_test, unknown_daily_pnl_fails_closed) {
    book_.realized_pnl_today.reset();
    EXPECT_EQ(reason(), risk_reason::pnl_unknown);
    book_.realized_pnl_today = "0"_d;
    EXPECT_TRUE(passes());
}

TEST_F(risk_check_test, leverage_above_the_maximum) {
    intent_.leverage = 10;
    EXPECT_TRUE(passes());
    intent_.leverage = 11;
    EXPECT_EQ(reason(), risk_reason::leverage_too_high);
}

// §11 #49: the venue's notional cap at the leverage (Binance -2027, Bybit 110090) is a pre-trade
// skip; the cap itself is allowed, an unknown or non-positive cap ("0" / "INF") is no limit.
TEST_F(risk_check_test, notional_above_the_venues_cap_at_the_leverage_is_refused) {
    EXPECT_TRUE(passes());  // no cap known
    intent_.max_notional = "200"_d;  // 0.1 x 2000 reaches it exactly
    EXPECT_TRUE(passes());
    intent_.max_notional = "199.99"_d;
    EXPECT_EQ(reason(), risk_reason::above_max_notional);
    const auto r = rm().check(intent_, book_);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().message, "notional 200 USD above the venue's maximum 199.99 at leverage 10x for binance ETHUSDT")
        << r.error().message;
    intent_.max_notional = core::decimal{};
    EXPECT_TRUE(passes());
    EXPECT_EQ(to_string(risk_reason::above_max_notional), "above_max_notional");
}

TEST_F(risk_check_test, max_positions_counts_every_live_and_in_flight_position) {
    book_.positions = {pos(exchange_id::bybit, "AUSDT", "10"), pos(exchange_id::bybit, "BUSDT", "10")};
    EXPECT_TRUE(passes());  // 2 of 3
    book_.positions.push_back(pos(exchange_id::binance, "CUSDT", "10"));
    EXPECT_EQ(reason(), risk_reason::max_positions);
}

TEST_F(risk_check_test, max_positions_per_exchange) {
    book_.positions = {pos(exchange_id::binance, "AUSDT", "10")};
    EXPECT_TRUE(passes());
    book_.positions.push_back(pos(exchange_id::binance, "BUSDT", "10"));
    EXPECT_EQ(reason(), risk_reason::max_positions_per_exchange);
}

TEST_F(risk_check_test, exposure_may_reach_the_maximum_exactly) {
    book_.positions = {pos(exchange_id::bybit, "AUSDT", "500"), pos(exchange_id::bybit, "BUSDT", "300")};
    EXPECT_TRUE(passes());  // 800 + 200 = 1000
    book_.positions[1].notional_usd = "300.01"_d;
    EXPECT_EQ(reason(), risk_reason::max_exposure);
    EXPECT_EQ(
        rm().check(intent_, book_).error().message, "exposure with binance ETHUSDT would be 1000.01 USD, max 1000"
    );
}

TEST_F(risk_check_test, unknown_balance_fails_closed) {
    book_.free_balance_usd.clear();
    book_.free_balance_usd[exchange_id::bybit] = "100000"_d;
    EXPECT_EQ(reason(), risk_reason::balance_unknown);
}

TEST_F(risk_check_test, free_balance_after_margin_may_equal_the_minimum) {
    book_.free_balance_usd[exchange_id::binance] = "30"_d;  // 30 - 20 margin = 10
    EXPECT_TRUE(passes());
    book_.free_balance_usd[exchange_id::binance] = "29.99"_d;
    EXPECT_EQ(reason(), risk_reason::insufficient_balance);
    intent_.leverage = 1;  // margin 200
    book_.free_balance_usd[exchange_id::binance] = "209.99"_d;
    EXPECT_EQ(reason(), risk_reason::insufficient_balance);
    book_.free_balance_usd[exchange_id::binance] = "210"_d;
    EXPECT_TRUE(passes());
}

TEST_F(risk_check_test, margin_rounds_up) {
    // 0.1 x 2000 / 3 = 66.666..., rounded up to 66.6666666667: 76.6666666666 is not enough.
    intent_.leverage = 3;
    book_.free_balance_usd[exchange_id::binance] = "76.6666666667"_d;
    EXPECT_TRUE(passes());
    book_.free_balance_usd[exchange_id::binance] = "76.6666666666"_d;
    EXPECT_EQ(reason(), risk_reason::insufficient_balance);
}

class sizing_test : public ::testing::Test {
protected:
    sizing_test() {
        trading_.min_position_size_usd = "5"_d;
        trading_.max_position_size_usd = "5000"_d;
        trading_.size_tolerance_percent = "10"_d;
        btc_.symbol = core::symbol::from_string("BTCUSDT");
        btc_.tick_size = "0.1"_d;
        btc_.step_size = "0.001"_d;
        btc_.min_qty = "0.001"_d;
        btc_.max_qty = "1000"_d;
        btc_.market_max_qty = "120"_d;
        btc_.min_notional = "5"_d;
    }

    [[nodiscard]] sizing_result size(const char* usd, const char* price, const exchange::instrument_rules& r) const {
        return risk_manager{config::risk_settings{}, trading_}.size_quantity(
            core::decimal::from_string(usd), core::decimal::from_string(price), r
        );
    }

    config::trading_settings trading_;
    exchange::instrument_rules btc_;
};

TEST_F(sizing_test, quantity_is_floored_to_the_step) {
    const auto r = size("200", "30000", btc_);  // 0.00666... -> 0.006
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->quantity, "0.006"_d);
    EXPECT_EQ(r->quantity.scale(), 3);
    EXPECT_EQ(r->notional, "180"_d);
    EXPECT_FALSE(r->raised_to_minimum);
}

TEST_F(sizing_test, size_is_capped_not_rejected) {
    const auto r = size("10000", "100", btc_);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->quantity, "50"_d);
    EXPECT_EQ(r->notional, "5000"_d);
}

TEST_F(sizing_test, quantity_is_capped_at_the_market_max_quantity) {
    const auto r = size("200", "1", btc_);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->quantity, "120"_d);
    EXPECT_EQ(r->notional, "120"_d);
}

TEST_F(sizing_test, rounds_up_to_min_qty_within_the_tolerance_exactly) {
    auto r = btc_;
    r.step_size = "1"_d;
    r.min_qty = "1"_d;
    auto s = size("200", "220", r);  // 1 unit = 220 = 200 + 10 %
    ASSERT_TRUE(s.has_value()) << s.error().message;
    EXPECT_EQ(s->quantity, "1"_d);
    EXPECT_EQ(s->notional, "220"_d);
    EXPECT_TRUE(s->raised_to_minimum);

    s = size("200", "220.1", r);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().reason, risk_reason::below_exchange_minimum);
    EXPECT_EQ(s.error().message, "the smallest order of BTCUSDT (1 = 220.1 USD) exceeds 220 USD (size 200 + 10 %)");
}

TEST_F(sizing_test, min_notional_steps_the_quantity_up_on_the_grid) {
    // §3.2 step 3: 95 USD at 30 = 3.1 on a 0.1 grid = 93 USD < min_notional 100; 3.4 x 30 = 102 <= 104.5.
    auto r = btc_;
    r.step_size = "0.1"_d;
    r.min_qty = "0.1"_d;
    r.min_notional = "100"_d;
    const auto s = size("95", "30", r);
    ASSERT_TRUE(s.has_value()) << s.error().message;
    EXPECT_EQ(s->quantity, "3.4"_d);
    EXPECT_EQ(s->notional, "102"_d);
    EXPECT_TRUE(s->raised_to_minimum);
    EXPECT_EQ(size("60", "30", r).error().reason, risk_reason::below_exchange_minimum);  // 102 > 66
}

TEST_F(sizing_test, zero_tolerance_never_rounds_up) {
    trading_.size_tolerance_percent = "0"_d;
    auto r = btc_;
    r.step_size = "1"_d;
    r.min_qty = "1"_d;
    EXPECT_TRUE(size("200", "200", r).has_value());
    EXPECT_EQ(size("200", "200.01", r).error().reason, risk_reason::below_exchange_minimum);
}

TEST_F(sizing_test, refusals) {
    EXPECT_EQ(size("200", "0", btc_).error().reason, risk_reason::bad_price);
    EXPECT_EQ(size("4.99", "100", btc_).error().reason, risk_reason::size_below_minimum);
    EXPECT_TRUE(size("5", "100", btc_).has_value());
    auto halted = btc_;
    halted.trading = false;
    EXPECT_EQ(size("200", "100", halted).error().reason, risk_reason::not_trading);
    auto odd = btc_;
    odd.min_qty = "200"_d;  // above market_max_qty 120
    EXPECT_EQ(size("5000", "0.01", odd).error().reason, risk_reason::above_exchange_maximum);
}

TEST(risk_reason_names, are_distinct) {
    std::set<std::string_view> names;
    for (int i = 0; i <= static_cast<int>(risk_reason::above_exchange_maximum); ++i) {
        const auto n = to_string(static_cast<risk_reason>(i));
        EXPECT_NE(n, "unknown");
        names.insert(n);
    }
    EXPECT_EQ(names.size(), 17U);
}

TEST(kill_switch, file_presence_decides) {
    EXPECT_FALSE(kill_switch_active(""));
    const std::filesystem::path file = tradebot::test::binary_dir() / "risk_manager_test.kill";
    std::filesystem::remove(file);
    EXPECT_FALSE(kill_switch_active(file));
    std::ofstream{file} << "stop\n";
    EXPECT_TRUE(kill_switch_active(file));
    std::filesystem::remove(file);
    EXPECT_FALSE(kill_switch_active(file));
    EXPECT_TRUE(kill_switch_active(tradebot::test::binary_dir()));  // a directory counts as present too
}

}  // namespace
}  // namespace tradebot::trading
