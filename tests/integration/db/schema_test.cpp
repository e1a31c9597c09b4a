#include "tradebot_test/pg_fixture.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot/db/transaction.hpp"

namespace tradebot::db::test {
namespace {

class SchemaTest : public migrated_pg_test {
protected:

    result<long> exec(std::string sql) {
        return await(transact(*db_, [sql = std::move(sql)](pqxx::work& tx) {
            const auto r = tx.exec(sql);
            return r.empty() ? 0L : r[0][0].as<long>();
        }));
    }
};

constexpr const char* open_btc =
    "INSERT INTO positions (exchange, symbol, side, mode) VALUES ('binance', 'BTCUSDT', 'long', 'production') "
    "RETURNING id";

TEST_F(SchemaTest, OneLivePositionPerSymbolAndMode) {
    const auto first = exec(open_btc);
    ASSERT_TRUE(first) << first.error();

    const auto second = exec(open_btc);
    ASSERT_FALSE(second);
    EXPECT_TRUE(second.error().is(errc::unique_violation)) << second.error();
    EXPECT_EQ(second.error().sqlstate, "23505");

    // Paper trading and another venue are separate slots.
    EXPECT_TRUE(exec("INSERT INTO positions (exchange, symbol, side, mode) "
                     "VALUES ('binance', 'BTCUSDT', 'short', 'test') RETURNING id"));
    EXPECT_TRUE(exec("INSERT INTO positions (exchange, symbol, side, mode) "
                     "VALUES ('bybit', 'BTCUSDT', 'long', 'production') RETURNING id"));

    // Closing frees the slot; a close must say when and why.
    const auto no_reason = exec("UPDATE positions SET state = 'closed', closed_at = now() WHERE id = " +
                                std::to_string(*first));
    ASSERT_FALSE(no_reason);
    EXPECT_TRUE(no_reason.error().is(errc::constraint_violation)) << no_reason.error();
    ASSERT_TRUE(exec("UPDATE positions SET state = 'closed', closed_at = now(), close_reason = 'stop_loss' "
                     "WHERE id = " + std::to_string(*first)));
    EXPECT_TRUE(exec(open_btc));
}

TEST_F(SchemaTest, StatesAndMoneyColumnsAreChecked) {
    const auto bad_state = exec(
        "INSERT INTO positions (exchange, symbol, side, mode, state) VALUES ('binance', 'ETHUSDT', 'long', "
        "'production', 'active')");
    ASSERT_FALSE(bad_state);
    EXPECT_TRUE(bad_state.error().is(errc::constraint_violation));

    const auto unprotected = exec(
        "INSERT INTO positions (exchange, symbol, side, mode, state) VALUES ('binance', 'ETHUSDT', 'long', "
        "'production', 'protected')");
    ASSERT_FALSE(unprotected);
    EXPECT_TRUE(unprotected.error().is(errc::constraint_violation));

    // numeric keeps every digit a venue can send.
    const auto exact = await(transact(*db_, [](pqxx::work& tx) {
        tx.exec("INSERT INTO positions (exchange, symbol, side, mode, qty, entry_price) VALUES "
                "('bybit', 'SHIB1000USDT', 'short', 'test', 123456789.123456789, 0.000000012345678901)");
        return tx.exec("SELECT qty::text || ' ' || entry_price::text FROM positions")[0][0].as<std::string>();
    }));
    ASSERT_TRUE(exact) << exact.error();
    EXPECT_EQ(*exact, "123456789.123456789 0.000000012345678901");
}

TEST_F(SchemaTest, SignalsOrdersAndTradesKeepTheirKeys) {
    ASSERT_TRUE(exec("INSERT INTO signals (source, external_id, exchange, symbol, side, score_week) "
                     "VALUES ('fas', '77', 'binance', 'BTCUSDT', 'long', 999)"));
    const auto dup_signal = exec("INSERT INTO signals (source, external_id, exchange, symbol, side) "
                                 "VALUES ('fas', '77', 'binance', 'BTCUSDT', 'long')");
    ASSERT_FALSE(dup_signal);
    EXPECT_TRUE(dup_signal.error().is(errc::unique_violation));
    const auto silent_skip = exec("UPDATE signals SET status = 'skipped'");
    ASSERT_FALSE(silent_skip);
    EXPECT_TRUE(silent_skip.error().is(errc::constraint_violation));

    const auto pos = exec(open_btc);
    ASSERT_TRUE(pos);
    const std::string order = "INSERT INTO orders (position_id, exchange, symbol, mode, client_order_id, purpose, side, "
                              "type, qty) VALUES (" + std::to_string(*pos) +
                              ", 'binance', 'BTCUSDT', 'production', 'tbp-1-en-0', 'entry', 'buy', 'market', 0.01) "
                              "RETURNING id";
    const auto order_id = exec(order);
    ASSERT_TRUE(order_id) << order_id.error();
    EXPECT_TRUE(exec(order).error().is(errc::unique_violation));

    const std::string fill = "INSERT INTO trades (order_id, position_id, exchange, symbol, mode, exchange_trade_id, "
                             "side, qty, price, fee, ts) VALUES (" + std::to_string(*order_id) + ", " +
                             std::to_string(*pos) + ", 'binance', 'BTCUSDT', 'production', '9001', 'buy', 0.01, "
                             "65000.1, 0.26, now())";
    ASSERT_TRUE(exec(fill));
    EXPECT_TRUE(exec(fill).error().is(errc::unique_violation));

    ASSERT_TRUE(exec("INSERT INTO events (type, position_id, data) VALUES ('position_created', 1, '{}')"));
    EXPECT_FALSE(exec("UPDATE events SET type = 'x'"));
}

}  // namespace
}  // namespace tradebot::db::test
