#include "tradebot/exchange/symbol_map.hpp"

#include <gtest/gtest.h>

namespace tradebot::exchange {
namespace {

TEST(split_multiplier, reads_prefix_suffix_and_binance_million) {
    EXPECT_EQ(split_multiplier("1000SHIB").coin, "SHIB");
    EXPECT_EQ(split_multiplier("1000SHIB").multiplier, 1000U);
    EXPECT_EQ(split_multiplier("SHIB1000").coin, "SHIB");
    EXPECT_EQ(split_multiplier("SHIB1000").multiplier, 1000U);
    EXPECT_EQ(split_multiplier("1MBABYDOGE").coin, "BABYDOGE");
    EXPECT_EQ(split_multiplier("1MBABYDOGE").multiplier, 1'000'000U);
    EXPECT_EQ(split_multiplier("1000000BABYDOGE").multiplier, 1'000'000U);
    EXPECT_EQ(split_multiplier("1INCH").coin, "1INCH");
    EXPECT_EQ(split_multiplier("1INCH").multiplier, 1U);
    EXPECT_EQ(split_multiplier("C98").multiplier, 1U);
    EXPECT_EQ(split_multiplier("BTC").multiplier, 1U);
    EXPECT_EQ(split_multiplier("1000").multiplier, 1U);  // digits only: not a coin
}

TEST(symbol_map, both_venues_map_shib_to_one_internal_name) {
    symbol_map binance{core::exchange_id::binance};
    symbol_map bybit{core::exchange_id::bybit};
    EXPECT_EQ(binance.add_instrument("1000SHIBUSDT", "1000SHIB", "USDT"), add_status::added);
    EXPECT_EQ(bybit.add_instrument("SHIB1000USDT", "SHIB1000", "USDT"), add_status::added);
    EXPECT_EQ(binance.add_instrument("1000PEPEUSDT", "1000PEPE", "USDT"), add_status::added);
    EXPECT_EQ(bybit.add_instrument("1000PEPEUSDT", "1000PEPE", "USDT"), add_status::added);
    EXPECT_EQ(bybit.add_instrument("BTCUSDT", "BTC", "USDT"), add_status::added);

    const auto shib = core::symbol::from_string("1000SHIBUSDT");
    EXPECT_EQ(binance.to_internal("1000SHIBUSDT"), shib);
    EXPECT_EQ(bybit.to_internal("SHIB1000USDT"), shib);
    EXPECT_EQ(bybit.to_venue(shib), "SHIB1000USDT");
    EXPECT_EQ(binance.to_venue(shib), "1000SHIBUSDT");
    ASSERT_NE(bybit.find_internal(shib), nullptr);
    EXPECT_EQ(bybit.find_internal(shib)->multiplier, 1000U);
    EXPECT_EQ(bybit.find_internal(shib)->coin, "SHIB");
    EXPECT_EQ(bybit.to_venue(core::symbol::from_string("1000PEPEUSDT")), "1000PEPEUSDT");
    EXPECT_EQ(bybit.to_internal("BTCUSDT"), core::symbol::from_string("BTCUSDT"));
    EXPECT_EQ(bybit.size(), 3U);
}

TEST(symbol_map, unknown_names_are_not_guessed) {
    symbol_map bybit{core::exchange_id::bybit};
    bybit.add_instrument("SHIB1000USDT", "SHIB1000", "USDT");
    EXPECT_FALSE(bybit.to_internal("1000SHIBUSDT"));  // the Binance spelling is not Bybit's
    EXPECT_FALSE(bybit.to_internal("shib1000usdt"));
    EXPECT_FALSE(bybit.to_venue(core::symbol::from_string("SHIBUSDT")));
    EXPECT_EQ(bybit.find_venue("ETHUSDT"), nullptr);
}

TEST(symbol_map, duplicates_conflicts_and_invalid_names) {
    symbol_map m{core::exchange_id::binance};
    EXPECT_EQ(m.add_instrument("BTCUSDT", "BTC", "USDT"), add_status::added);
    EXPECT_EQ(m.add_instrument("BTCUSDT", "BTC", "USDT"), add_status::duplicate);
    // A dated contract would claim the same internal name: refused, the perpetual stays.
    EXPECT_EQ(m.add_instrument("BTCUSDT_251226", "BTC", "USDT"), add_status::conflict);
    EXPECT_EQ(m.to_venue(core::symbol::from_string("BTCUSDT")), "BTCUSDT");
    EXPECT_EQ(m.add_instrument("测试USDT", "测试", "USDT"), add_status::invalid_name);
    EXPECT_EQ(m.add_instrument("", "ETH", "USDT"), add_status::invalid_name);
    EXPECT_EQ(m.add(symbol_entry{core::symbol::from_string("ETHUSDT"), "ETHUSDT", 1, "ETH", "USDT"}),
              add_status::added);
    EXPECT_EQ(m.size(), 2U);
    EXPECT_EQ(to_string(add_status::conflict), "conflict");
}

}  // namespace
}  // namespace tradebot::exchange
