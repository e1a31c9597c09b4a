#include <thread>

#include "repo_fixture.hpp"
#include "tradebot/db/event_log.hpp"
#include "tradebot/db/trade_repository.hpp"

namespace tradebot::db::test {
namespace {

class TradeRepositoryTest : public repo_test {
protected:
    static trade_record fill(std::int64_t position, const char* trade_id) {
        trade_record t;
        t.position_id = position;
        t.exchange = core::exchange_id::binance;
        t.symbol = core::symbol::from_string("BTCUSDT");
        t.mode = core::mode::test;
        t.exchange_trade_id = trade_id;
        t.side = core::side::buy;
        t.quantity = dec("0.00001234");
        t.price = dec("65000.1");
        t.fee = dec("0.00032084");
        t.fee_asset = "USDT";
        t.realized_pnl = dec("-0.5");
        t.is_maker = false;
        t.ts = at_us(123'456);
        return t;
    }
};

TEST_F(TradeRepositoryTest, InsertFillRoundTripsAndIsIdempotent) {
    const auto pos = open_position("BTCUSDT");
    trade_repository trades{*db_};
    const auto first = await(trades.insert_fill(fill(pos, "5001")));
    ASSERT_TRUE(first) << first.error();
    EXPECT_TRUE(*first);
    const auto replay = await(trades.insert_fill(fill(pos, "5001")));
    ASSERT_TRUE(replay) << replay.error();
    EXPECT_FALSE(*replay);

    auto bare = fill(pos, "5002");
    bare.fee_asset.reset();
    bare.realized_pnl.reset();
    bare.is_maker.reset();
    bare.ts = at_us(200'000);
    EXPECT_TRUE(*await(trades.insert_fill(bare)));
    auto real = fill(pos, "5001");  // the same trade id in the other mode is another fill
    real.mode = core::mode::production;
    real.position_id.reset();
    EXPECT_TRUE(*await(trades.insert_fill(real)));
    EXPECT_EQ(sql("SELECT count(*) FROM trades"), "3");

    const auto rows = await(trades.for_position(pos));
    ASSERT_TRUE(rows) << rows.error();
    ASSERT_EQ(rows->size(), 2U);
    const auto& t = rows->front();
    EXPECT_EQ(t.exchange_trade_id, "5001");
    EXPECT_EQ(t.position_id, std::optional<std::int64_t>{pos});
    EXPECT_FALSE(t.order_id);
    EXPECT_EQ(t.exchange, core::exchange_id::binance);
    EXPECT_EQ(t.symbol.str(), "BTCUSDT");
    EXPECT_EQ(t.mode, core::mode::test);
    EXPECT_EQ(t.side, core::side::buy);
    EXPECT_EQ(t.quantity.to_string(), "0.00001234");
    EXPECT_EQ(t.price.to_string(), "65000.1");
    EXPECT_EQ(t.fee.to_string(), "0.00032084");
    EXPECT_EQ(t.fee_asset, std::optional<std::string>{"USDT"});
    EXPECT_EQ(t.realized_pnl->to_string(), "-0.5");
    EXPECT_EQ(t.is_maker, std::optional<bool>{false});
    EXPECT_EQ(t.ts, at_us(123'456));
    const auto& b = (*rows)[1];
    EXPECT_FALSE(b.fee_asset || b.realized_pnl || b.is_maker);
    EXPECT_EQ(b.ts, at_us(200'000));
}

class EventLogTest : public repo_test {
protected:
    static event_record event(const char* type, event_severity severity) {
        event_record e;
        e.type = type;
        e.severity = severity;
        return e;
    }
    // "type:severity" of every row, by id.
    std::string rows() {
        return sql("SELECT coalesce(string_agg(type || ':' || severity, ',' ORDER BY id), '') FROM events");
    }
};

TEST_F(EventLogTest, FlushWritesTheQueueInOrderWithEveryField) {
    event_log log{*db_};
    event_record full = event("stop_moved", event_severity::info);
    full.ts = at_us(42);
    full.position_id = 17;
    full.order_id = 99;
    full.symbol = "BTCUSDT";
    full.exchange = "binance";
    full.correlation_id = "c0ffee";
    full.message = "stop moved to 64000.5 (it's \"safe\")";
    full.data = {{"old_stop", "63000.25"}, {"new_stop", "64000.5"}, {"quote\"d", "a\\b"}};
    log.append(full);
    log.append(event("risk_rejected", event_severity::warning));
    log.append(event("heartbeat", event_severity::debug));
    EXPECT_EQ(log.queued(), 3U);

    const auto n = await(log.flush());
    ASSERT_TRUE(n) << n.error();
    EXPECT_EQ(*n, 3U);
    EXPECT_EQ(log.queued(), 0U);
    EXPECT_EQ(rows(), "stop_moved:info,risk_rejected:warning,heartbeat:debug");
    EXPECT_EQ(sql("SELECT position_id || '|' || order_id || '|' || symbol || '|' || exchange || '|' || "
                  "correlation_id || '|' || message || '|' || data::text || '|' || "
                  "to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM events WHERE type = 'stop_moved'"),
              "17|99|BTCUSDT|binance|c0ffee|stop moved to 64000.5 (it's \"safe\")|"
              "{\"quote\\\"d\": \"a\\\\b\", \"new_stop\": \"64000.5\", \"old_stop\": \"63000.25\"}|"
              "2026-01-01 00:00:00.000042");
    EXPECT_EQ(sql("SELECT data::text || '|' || (position_id IS NULL) || '|' || (ts > now() - interval '1 hour') "
                  "FROM events WHERE type = 'heartbeat'"),
              "{}|true|true");  // unset ts: the row is stamped when written

    const auto idle = await(log.flush());
    ASSERT_TRUE(idle);
    EXPECT_EQ(*idle, 0U);
}

TEST_F(EventLogTest, FlushWritesAtMostOneBatch) {
    event_log log{*db_, event_log_options{.capacity = 100, .batch_size = 2}};
    for (int i = 0; i < 5; ++i) {
        log.append(event(("e" + std::to_string(i)).c_str(), event_severity::info));
    }
    EXPECT_EQ(*await(log.flush()), 2U);
    EXPECT_EQ(log.queued(), 3U);
    EXPECT_EQ(rows(), "e0:info,e1:info");
    EXPECT_EQ(*await(log.flush()), 2U);
    EXPECT_EQ(*await(log.flush()), 1U);
    EXPECT_EQ(rows(), "e0:info,e1:info,e2:info,e3:info,e4:info");
}

TEST_F(EventLogTest, OverflowDropsTheOldestDebugOrInfoAndSaysSo) {
    event_log log{*db_, event_log_options{.capacity = 3, .batch_size = 10}};
    log.append(event("i1", event_severity::info));
    log.append(event("w1", event_severity::warning));
    log.append(event("d1", event_severity::debug));
    log.append(event("e1", event_severity::error));  // full: i1 goes
    log.append(event("i2", event_severity::info));   // full: d1 goes
    EXPECT_EQ(log.queued(), 3U);
    EXPECT_EQ(log.dropped(), 2U);
    EXPECT_EQ(log.dropped_important(), 0U);

    log.append(event("i3", event_severity::info));  // full: i2 goes
    log.append(event("c1", event_severity::critical));  // full: i3 goes, only warning+ left
    log.append(event("d2", event_severity::debug));  // nothing lower queued: the newcomer goes
    log.append(event("c2", event_severity::critical));  // all warning+: the oldest (w1) goes
    EXPECT_EQ(log.dropped(), 5U);
    EXPECT_EQ(log.dropped_important(), 1U);

    const auto n = await(log.flush());
    ASSERT_TRUE(n) << n.error();
    EXPECT_EQ(*n, 3U);
    EXPECT_EQ(rows(), "e1:error,c1:critical,c2:critical,event_log_overflow:warning");
    EXPECT_EQ(sql("SELECT data->>'dropped' FROM events WHERE type = 'event_log_overflow'"), "6");
}

TEST_F(EventLogTest, AnEventTheServerRefusesIsDroppedAloneAndCounted) {
    event_log log{*db_};
    log.append(event("before", event_severity::info));
    auto bad = event("bad", event_severity::info);
    bad.message = std::string{"not utf-8: \xff\xfe"};
    log.append(bad);
    log.append(event("after", event_severity::warning));
    const auto n = await(log.flush());
    ASSERT_TRUE(n) << n.error();
    EXPECT_EQ(*n, 2U);
    EXPECT_EQ(log.rejected(), 1U);
    EXPECT_EQ(rows(), "before:info,after:warning");
}

TEST_F(EventLogTest, ABatchThatCannotBeWrittenGoesBackInFront) {
    database conn{database_options{.url = tagged_url("events"), .schema = schema_}};
    event_log log{conn, event_log_options{.capacity = 4, .batch_size = 2}};
    log.append(event("a", event_severity::info));
    ASSERT_EQ(*await(log.flush()), 1U);  // connected

    log.append(event("b", event_severity::info));
    log.append(event("c", event_severity::warning));
    log.append(event("d", event_severity::info));
    ASSERT_EQ(terminate("events"), 1);
    const auto lost = await(log.flush());
    ASSERT_FALSE(lost);
    EXPECT_EQ(log.queued(), 3U);
    EXPECT_EQ(log.dropped(), 0U);

    // Full again: the newcomer pushes out the oldest info, which is the requeued "b".
    log.append(event("e", event_severity::info));
    log.append(event("f", event_severity::info));
    EXPECT_EQ(log.dropped(), 1U);

    // The database reconnects on its own backoff timer; until then flush fails fast.
    std::size_t written = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    while (log.queued() > 0 && std::chrono::steady_clock::now() < deadline) {
        const auto r = await(log.flush());
        if (r) {
            written += *r;
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds{50});
        }
    }
    EXPECT_EQ(written, 4U);
    EXPECT_EQ(rows(), "a:info,c:warning,d:info,event_log_overflow:warning,e:info,f:info");
    conn.stop();
}

}  // namespace
}  // namespace tradebot::db::test
