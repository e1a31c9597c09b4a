// The read side of the trades table: `tradebot report`'s closed positions and the daily PnL.
#include "repo_fixture.hpp"
#include "tradebot/db/trade_history.hpp"
#include "tradebot/db/trade_repository.hpp"

namespace tradebot::db::test {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t hour_us = 3'600'000'000LL;

class TradeHistoryTest : public repo_test {
protected:
    void close(std::int64_t id, std::int64_t at, const char* pnl, const char* reason) {
        position_repository positions{*db_};
        position_update u;
        u.quantity = dec("1");
        u.entry_price = dec("100");
        u.exit_price = dec("110");
        u.opened_at = at_us(0);
        u.closed_at = at_us(at);
        u.close_reason = reason;
        u.realized_pnl = dec(pnl);
        ASSERT_TRUE(await(positions.transition(id, 0, position_state::closed, std::move(u))));
    }

    void fill(std::int64_t position, core::exchange_id venue, const char* trade, core::side side, const char* fee,
              const char* asset, const char* pnl, std::int64_t at) {
        trade_record t;
        t.position_id = position;
        t.exchange = venue;
        t.symbol = core::symbol::from_string(venue == core::exchange_id::binance ? "BTCUSDT" : "ETHUSDT");
        t.mode = core::mode::test;
        t.exchange_trade_id = trade;
        t.side = side;
        t.quantity = dec("1");
        t.price = dec("100");
        t.fee = dec(fee);
        t.fee_asset = asset;
        t.realized_pnl = dec(pnl);
        t.ts = at_us(at);
        ASSERT_TRUE(*await(trade_repository{*db_}.insert_fill(std::move(t))));
    }

    std::vector<closed_position_row> read(history_filter f) {
        trade_history history{*db_};
        auto r = await(history.closed_positions(std::move(f)));
        EXPECT_TRUE(r) << r.error();
        return r ? *r : std::vector<closed_position_row>{};
    }
};

TEST_F(TradeHistoryTest, closed_positions_take_their_fills_pnl_and_usdt_fees) {
    const auto a = open_position("BTCUSDT");
    const auto b = open_position("ETHUSDT", core::exchange_id::bybit);
    const auto live = open_position("SOLUSDT");
    const auto real = open_position("BTCUSDT", core::exchange_id::binance, core::mode::production);
    // a: entry and two exit fills, one paying its fee in BNB (not USDT: not counted).
    fill(a, core::exchange_id::binance, "1", core::side::buy, "0.05", "USDT", "0", hour_us);
    fill(a, core::exchange_id::binance, "2", core::side::sell, "0.055", "USDT", "10", 2 * hour_us);
    fill(a, core::exchange_id::binance, "3", core::side::sell, "0.001", "BNB", "1", 2 * hour_us);
    close(a, 2 * hour_us, "10", "trailing_stop");
    // b: its exit fill never arrived: the recorded close PnL, and the entry's fee.
    fill(b, core::exchange_id::bybit, "e-1", core::side::buy, "0.2", "USDT", "0", hour_us);
    close(b, 5 * hour_us, "-3", "closed_on_venue");
    close(real, 3 * hour_us, "99", "manual_close");

    auto rows = read(history_filter{core::mode::test, std::nullopt, std::nullopt, std::nullopt});
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0].id, a);
    EXPECT_EQ(rows[0].gross_pnl, dec("11"));
    EXPECT_EQ(rows[0].fees, dec("0.105"));
    EXPECT_EQ(rows[0].fills, 3);
    EXPECT_EQ(rows[0].close_reason, "trailing_stop");
    EXPECT_EQ(rows[0].opened_at, at_us(0));
    EXPECT_EQ(rows[0].closed_at, at_us(2 * hour_us));
    EXPECT_EQ(rows[0].exit_price, dec("110"));
    EXPECT_EQ(rows[1].id, b);
    EXPECT_EQ(rows[1].exchange, core::exchange_id::bybit);
    EXPECT_EQ(rows[1].gross_pnl, dec("-3"));
    EXPECT_EQ(rows[1].fees, dec("0.2"));

    EXPECT_EQ(read(history_filter{core::mode::test, at_us(3 * hour_us), std::nullopt, std::nullopt}).size(), 1U);
    EXPECT_EQ(read(history_filter{core::mode::test, std::nullopt, at_us(2 * hour_us), std::nullopt}).size(), 0U);
    EXPECT_EQ(read(history_filter{core::mode::test, std::nullopt, std::nullopt, core::exchange_id::bybit})[0].id, b);
    rows = read(history_filter{core::mode::production, std::nullopt, std::nullopt, std::nullopt});
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].id, real);
    EXPECT_EQ(rows[0].gross_pnl, dec("99"));
    EXPECT_NE(rows[0].id, live);

    // The day's net PnL: fills' PnL minus USDT fees (-0.05 + 9.945 + 1 - 0.2), plus b's recorded -3.
    trade_repository trades{*db_};
    EXPECT_EQ(*await(trades.realized_pnl_since(at_us(0), core::mode::test)), dec("7.695"));
    // From 1.5 h on: a's exit fills only, and b closed after it.
    EXPECT_EQ(*await(trades.realized_pnl_since(at_us(hour_us + hour_us / 2), core::mode::test)), dec("7.945"));
    EXPECT_EQ(*await(trades.realized_pnl_since(at_us(0), core::mode::production)), dec("99"));
}

}  // namespace
}  // namespace tradebot::db::test
