#include "tradebot/core/hash.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "tradebot/core/symbol.hpp"

using tradebot::core::short_hash;

TEST(short_hash, equal_texts_hash_alike_wherever_they_lie) {
    const std::string a = "xxBTCUSDT";
    const std::string b = "BTCUSDTyy";
    EXPECT_EQ(short_hash(std::string_view{a}.substr(2)), short_hash(std::string_view{b}.substr(0, 7)));
    EXPECT_EQ(std::hash<tradebot::core::symbol>{}(tradebot::core::symbol::from_string("btcusdt")),
              short_hash("BTCUSDT"));
}

TEST(short_hash, every_length_and_byte_counts) {
    // Lengths 0..40 cover the empty text, the 1..3 and 4..8 byte tails and several 8-byte rounds.
    std::unordered_set<std::size_t> seen;
    std::string text;
    for (int len = 0; len <= 40; ++len) {
        EXPECT_TRUE(seen.insert(short_hash(text)).second) << len;
        text.push_back('A');
    }
    // A zero byte is not an end: "A" and "A\0" differ.
    EXPECT_NE(short_hash(std::string_view{"A", 1}), short_hash(std::string_view{"A\0", 2}));
    // Each single-byte change of a typical name changes the hash.
    const std::string name = "1000SHIBUSDT";
    for (std::size_t i = 0; i < name.size(); ++i) {
        std::string changed = name;
        changed[i] = static_cast<char>(changed[i] ^ 1);
        EXPECT_NE(short_hash(changed), short_hash(name)) << i;
    }
}

TEST(short_hash, spreads_instrument_names_over_the_low_bits) {
    // Hash tables index by the low bits: 5,000 generated names must not crowd into few buckets.
    constexpr std::size_t buckets = 1024;
    std::size_t count[buckets] = {};
    std::unordered_set<std::size_t> full;
    for (int i = 0; i < 5000; ++i) {
        const std::string name = "C" + std::to_string(i * 7919 % 100'000) + (i % 2 != 0 ? "USDT" : "USDC");
        full.insert(short_hash(name));
        ++count[short_hash(name) % buckets];
    }
    EXPECT_EQ(full.size(), 5000U);
    std::size_t most = 0;
    for (const auto c : count) {
        most = std::max(most, c);
    }
    EXPECT_LT(most, 20U);  // the mean is ≈ 4.9 per bucket
}
