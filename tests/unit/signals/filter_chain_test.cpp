#include "tradebot/signals/filter_chain.hpp"

#include <gtest/gtest.h>

#include "unit/signals/signals_test_support.hpp"

namespace tradebot::signals {
namespace {

using namespace core::literals;
using core::exchange_id;
using core::side;
using test::make_signal;
using test::utc;

const instrument_key eth{exchange_id::binance, core::symbol::from_string("ETHUSDT")};

exchange::instrument_rules eth_rules() { return test::instrument("ETHUSDT"); }

class filter_chain_test : public ::testing::Test {
protected:
    filter_chain_test() {
        trading_.position_size_usd = "200"_d;
        trading_.max_position_size_usd = "5000"_d;
        trading_.size_tolerance_percent = "10"_d;
        risk_.max_positions = 3;
        risk_.max_positions_per_exchange = 2;
        snap_.instruments[eth] = eth_rules();
        snap_.market[eth] = market_data{
            .price = "2000"_d,
            .open_interest_usdt = "1000000"_d,
            .volume_1h_usdt = "50000"_d,
            .price_change_5min_percent = "0"_d};
    }

    [[nodiscard]] filter_chain chain() const { return filter_chain{filters_, trading_, risk_}; }

    [[nodiscard]] std::optional<skip> run(side s = side::buy, const char* sym = "ETHUSDT") const {
        return chain().check(make_signal(1, exchange_id::binance, sym, "10", "10", utc(0, 45), s), snap_);
    }

    [[nodiscard]] skip_reason reason(side s = side::buy, const char* sym = "ETHUSDT") const {
        const auto r = run(s, sym);
        EXPECT_TRUE(r.has_value());
        return r ? r->reason : skip_reason::older_candle;
    }

    static instrument_key key(exchange_id venue, const char* sym) { return {venue, core::symbol::from_string(sym)}; }

    config::signal_filters filters_;
    config::trading_settings trading_;
    config::risk_settings risk_;
    market_snapshot snap_;
};

TEST_F(filter_chain_test, a_clean_signal_passes_with_every_datum_exactly_at_its_limit) {
    EXPECT_FALSE(run().has_value());
}

TEST_F(filter_chain_test, already_open_and_in_flight) {
    snap_.in_flight.insert(eth);
    EXPECT_EQ(reason(), skip_reason::in_flight);
    snap_.open_positions.insert(eth);
    EXPECT_EQ(reason(), skip_reason::already_open);  // first in the order
    // Same symbol on the other venue is another instrument.
    snap_.open_positions = {key(exchange_id::bybit, "ETHUSDT")};
    snap_.in_flight.clear();
    EXPECT_FALSE(run().has_value());
}

TEST_F(filter_chain_test, stop_list_uses_the_configured_symbols) {
    const instrument_key dom = key(exchange_id::binance, "BTCDOMUSDT");  // on the default stop list
    snap_.instruments[dom] = eth_rules();
    snap_.market[dom] = snap_.market[eth];
    const auto r = run(side::buy, "BTCDOMUSDT");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->reason, skip_reason::stop_list);
    EXPECT_EQ(r->message, "BTCDOMUSDT is on the stop list");
}

TEST_F(filter_chain_test, whitelist_only_applies_when_set) {
    filters_.whitelist = {core::symbol::from_string("BTCUSDT")};
    EXPECT_EQ(reason(), skip_reason::not_whitelisted);
    filters_.whitelist.push_back(eth.symbol);
    EXPECT_FALSE(run().has_value());
}

TEST_F(filter_chain_test, unknown_or_halted_instruments_are_not_tradable) {
    snap_.instruments[eth].trading = false;
    EXPECT_EQ(reason(), skip_reason::not_tradable);
    snap_.instruments.clear();
    EXPECT_EQ(reason(), skip_reason::not_tradable);
}

TEST_F(filter_chain_test, a_missing_price_is_no_market_data) {
    snap_.market[eth].price.reset();
    EXPECT_EQ(reason(), skip_reason::no_market_data);
    snap_.market[eth].price = "0"_d;
    EXPECT_EQ(reason(), skip_reason::no_market_data);
    snap_.market.clear();
    EXPECT_EQ(run()->message, "no price for binance ETHUSDT");
}

TEST_F(filter_chain_test, min_notional_allows_rounding_up_within_the_tolerance_exactly) {
    // min qty 1 at 220 = 220 USD = 200 + 10 %: still tradable.
    auto& r = snap_.instruments[eth];
    r.step_size = "1"_d;
    r.min_qty = "1"_d;
    snap_.market[eth].price = "220"_d;
    EXPECT_FALSE(run().has_value());
    snap_.market[eth].price = "220.01"_d;
    const auto s = run();
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->reason, skip_reason::min_notional);
    EXPECT_NE(s->message.find("exceeds 220"), std::string::npos) << s->message;
}

TEST_F(filter_chain_test, min_notional_counts_the_venue_min_notional_on_the_step_grid) {
    // min_notional 250 at price 100: 2.5 units, on a 1-unit grid 3 units = 300 USD > 220.
    auto& r = snap_.instruments[eth];
    r.step_size = "1"_d;
    r.min_qty = "1"_d;
    r.min_notional = "250"_d;
    snap_.market[eth].price = "100"_d;
    EXPECT_EQ(reason(), skip_reason::min_notional);
    trading_.position_size_usd = "273"_d;  // 273 x 1.1 = 300.3 >= 300
    EXPECT_FALSE(run().has_value());
}

TEST_F(filter_chain_test, min_notional_uses_the_capped_size) {
    trading_.position_size_usd = "1000"_d;
    trading_.max_position_size_usd = "100"_d;  // the cap replaces the size: limit 110
    auto& r = snap_.instruments[eth];
    r.step_size = "1"_d;
    r.min_qty = "1"_d;
    snap_.market[eth].price = "111"_d;
    EXPECT_EQ(reason(), skip_reason::min_notional);
}

TEST_F(filter_chain_test, open_interest_below_minimum_missing_or_disabled) {
    snap_.market[eth].open_interest_usdt = "999999.99"_d;
    EXPECT_EQ(reason(), skip_reason::open_interest);
    snap_.market[eth].open_interest_usdt.reset();
    EXPECT_EQ(reason(), skip_reason::no_market_data);
    filters_.open_interest_enabled = false;
    EXPECT_FALSE(run().has_value());
}

TEST_F(filter_chain_test, volume_below_minimum_missing_or_disabled) {
    snap_.market[eth].volume_1h_usdt = "49999"_d;
    EXPECT_EQ(reason(), skip_reason::volume_1h);
    snap_.market[eth].volume_1h_usdt.reset();
    EXPECT_EQ(reason(), skip_reason::no_market_data);
    filters_.volume_enabled = false;
    EXPECT_FALSE(run().has_value());
}

TEST_F(filter_chain_test, price_change_only_blocks_chasing_the_signal_direction) {
    auto& change = snap_.market[eth].price_change_5min_percent;
    change = "4.0"_d;  // exactly the limit passes
    EXPECT_FALSE(run(side::buy).has_value());
    change = "4.01"_d;
    EXPECT_EQ(reason(side::buy), skip_reason::price_change_5min);
    EXPECT_FALSE(run(side::sell).has_value());  // a rise before a sell is not chasing
    change = "-4"_d;
    EXPECT_FALSE(run(side::sell).has_value());
    change = "-4.01"_d;
    EXPECT_EQ(reason(side::sell), skip_reason::price_change_5min);
    EXPECT_FALSE(run(side::buy).has_value());
    change.reset();
    EXPECT_EQ(reason(), skip_reason::no_market_data);
    filters_.price_change_enabled = false;
    EXPECT_FALSE(run().has_value());
}

TEST_F(filter_chain_test, max_positions_counts_open_and_in_flight_in_total) {
    snap_.open_positions = {key(exchange_id::bybit, "AUSDT"), key(exchange_id::bybit, "BUSDT")};
    EXPECT_FALSE(run().has_value());  // 2 of 3
    snap_.in_flight = {key(exchange_id::binance, "CUSDT")};
    const auto s = run();
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->reason, skip_reason::max_positions);
    EXPECT_EQ(s->message, "3 positions open or opening, max 3");
}

TEST_F(filter_chain_test, max_positions_per_exchange) {
    snap_.open_positions = {key(exchange_id::binance, "AUSDT")};
    EXPECT_FALSE(run().has_value());  // 1 of 2 on binance
    snap_.in_flight = {key(exchange_id::binance, "BUSDT")};
    const auto s = run();
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->reason, skip_reason::max_positions);
    EXPECT_EQ(s->message, "2 positions open or opening on binance, max 2");
}

TEST_F(filter_chain_test, filters_run_in_the_documented_order) {
    // Everything wrong at once: the earliest filter names the reason.
    filters_.whitelist = {core::symbol::from_string("BTCUSDT")};
    snap_.market[eth].open_interest_usdt = "1"_d;
    snap_.market[eth].volume_1h_usdt = "1"_d;
    EXPECT_EQ(reason(), skip_reason::not_whitelisted);
    filters_.whitelist.clear();
    EXPECT_EQ(reason(), skip_reason::open_interest);
    snap_.market[eth].open_interest_usdt = "2000000"_d;
    EXPECT_EQ(reason(), skip_reason::volume_1h);
}

TEST(skip_reason_names, are_distinct) {
    std::set<std::string_view> names;
    for (int i = 0; i <= static_cast<int>(skip_reason::max_positions); ++i) {
        const auto n = to_string(static_cast<skip_reason>(i));
        EXPECT_NE(n, "unknown");
        names.insert(n);
    }
    EXPECT_EQ(names.size(), 14U);
    EXPECT_EQ(to_string(skip_reason::price_change_5min), "price_change_5min");
}

}  // namespace
}  // namespace tradebot::signals
