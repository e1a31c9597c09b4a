#include <gtest/gtest.h>

#include "tradebot/core/clock.hpp"
#include "tradebot/core/ids.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"

using namespace tradebot::core;

TEST(symbol, normalises_external_spellings) {
    EXPECT_EQ(symbol::from_string("btcusdt").view(), "BTCUSDT");
    EXPECT_EQ(symbol::from_string("BTC/USDT").view(), "BTCUSDT");
    EXPECT_EQ(symbol::from_string("BTC/USDT:USDT").view(), "BTCUSDT");
    EXPECT_EQ(symbol::from_string("1000SHIB-USDT").view(), "1000SHIBUSDT");
    for (const char* bad : {"", "/", "BTC/", "/USDT", "BTC USDT", "BTC//USDT", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}) {
        EXPECT_FALSE(symbol::parse(bad).has_value()) << bad;
    }
    EXPECT_EQ(symbol::from_string("ethusdt"), symbol::from_string("ETH/USDT"));
}

TEST(types, one_conversion_point_for_sides) {
    EXPECT_EQ(parse_side("BUY"), side::buy);
    EXPECT_EQ(parse_side("Sell"), side::sell);
    EXPECT_EQ(parse_side("hold"), std::nullopt);
    EXPECT_EQ(parse_position_side("LONG"), position_side::long_);
    EXPECT_EQ(parse_position_side("short"), position_side::short_);
    EXPECT_EQ(to_string(position_side::long_), "long");
    EXPECT_EQ(entry_side(position_side::short_), side::sell);
    EXPECT_EQ(exit_side(position_side::short_), side::buy);
    EXPECT_EQ(parse_exchange("Bybit"), exchange_id::bybit);
    EXPECT_EQ(parse_order_type("STOP_MARKET"), order_type::stop_market);
    EXPECT_EQ(parse_mode("test"), mode::test);
    EXPECT_EQ(parse_mode("paper"), std::nullopt);
}

TEST(ids, client_order_id_is_deterministic_and_round_trips) {
    const client_order_id id{123456789, order_purpose::stop, 2, false};
    EXPECT_EQ(id.str(), "tbp-123456789-sl-2");
    EXPECT_EQ(client_order_id::parse(id.str()), id);
    const client_order_id paper{7, order_purpose::entry, 0, true};
    EXPECT_EQ(paper.str(), "tbt-7-en-0");
    EXPECT_EQ(client_order_id::parse("tbt-7-en-0"), paper);
    const client_order_id longest{INT64_MAX, order_purpose::manual_close, UINT16_MAX, false};
    EXPECT_LE(longest.str().size(), 36U);
    for (const char* bad : {"", "tb", "tbx-1-en-0", "tbp-1-zz-0", "tbp-1-en", "tbp--en-0", "tbp-1-en-x", "web_123"}) {
        EXPECT_FALSE(client_order_id::parse(bad).has_value()) << bad;
    }
    EXPECT_EQ(random_hex_id().size(), 32U);
    EXPECT_NE(random_hex_id(), random_hex_id());
}

TEST(clock, manual_clock_moves_only_when_told) {
    manual_clock c;
    const auto t0 = c.now();
    const auto s0 = c.steady_now();
    EXPECT_EQ(c.now(), t0);
    c.advance(std::chrono::milliseconds{1500});
    EXPECT_EQ(c.now() - t0, std::chrono::milliseconds{1500});
    EXPECT_EQ(c.steady_now() - s0, std::chrono::milliseconds{1500});
    c.set(t0);
    EXPECT_EQ(c.now(), t0);
    EXPECT_EQ(c.steady_now() - s0, std::chrono::milliseconds{1500});
    EXPECT_EQ(c.now_ms(), 1'767'225'600'000);
}
