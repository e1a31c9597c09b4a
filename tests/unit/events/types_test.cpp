#include "tradebot/events/types.hpp"

#include <gtest/gtest.h>

#include <unordered_set>

namespace events = tradebot::events;
namespace core = tradebot::core;

TEST(event_types, order_status_names_and_finality) {
    EXPECT_EQ(events::to_string(events::order_status::new_), "new");
    EXPECT_EQ(events::to_string(events::order_status::partially_filled), "partially_filled");
    EXPECT_TRUE(events::is_final(events::order_status::filled));
    EXPECT_TRUE(events::is_final(events::order_status::canceled));
    EXPECT_TRUE(events::is_final(events::order_status::rejected));
    EXPECT_TRUE(events::is_final(events::order_status::expired));
    EXPECT_FALSE(events::is_final(events::order_status::new_));
    EXPECT_FALSE(events::is_final(events::order_status::partially_filled));
    EXPECT_FALSE(events::is_final(events::order_status::untriggered));
    EXPECT_FALSE(events::is_final(events::order_status::triggered));
}

TEST(event_types, stream_status_names) {
    EXPECT_EQ(events::to_string(events::stream_status::connected), "connected");
    EXPECT_EQ(events::to_string(events::stream_status::disconnected), "disconnected");
    EXPECT_EQ(events::to_string(events::stream_status::stalled), "stalled");
}

TEST(event_types, venue_symbol_keys_distinguish_venues) {
    const auto btc = core::symbol::from_string("BTCUSDT");
    std::unordered_set<events::venue_symbol> keys;
    keys.insert({core::exchange_id::binance, btc});
    keys.insert({core::exchange_id::bybit, btc});
    keys.insert({core::exchange_id::binance, btc});
    EXPECT_EQ(keys.size(), 2U);
    events::mark_price p;
    p.exchange = core::exchange_id::bybit;
    p.symbol = btc;
    EXPECT_EQ(events::by_venue_symbol{}(p), (events::venue_symbol{core::exchange_id::bybit, btc}));
}
