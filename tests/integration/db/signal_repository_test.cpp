#include <algorithm>
#include <set>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "repo_fixture.hpp"
#include "tradebot/db/signal_repository.hpp"

namespace tradebot::db::test {
namespace {

namespace asio = boost::asio;
constexpr std::int64_t minute = 60'000'000;

class SignalRepositoryTest : public repo_test {
protected:
    signal_repository signals() { return signal_repository{*db_}; }

    // A plain valid signal; `wave` is minutes after 2026-01-01T00:00Z (received_at = wave + 1 s).
    std::int64_t add_signal(const char* symbol, int wave) {
        const auto ts = "'2026-01-01 00:00:00+00'::timestamptz + interval '" + std::to_string(wave) + " minutes'";
        return std::stoll(sql("INSERT INTO signals (exchange, symbol, side, score_week, wave_time, received_at) "
                              "VALUES ('binance', '" + std::string{symbol} + "', 'long', 80, " + ts + ", " + ts +
                              " + interval '1 second') RETURNING id"));
    }

    static std::vector<std::int64_t> ids_of(const std::vector<signal_row>& rows) {
        std::vector<std::int64_t> out;
        for (const auto& r : rows) {
            out.push_back(r.id);
        }
        return out;
    }
};

TEST_F(SignalRepositoryTest, ClaimNewReturnsRowsAsStoredAndLeavesThemNew) {
    sql("INSERT INTO signals (source, external_id, exchange, symbol, side, score_week, score_month, candle_time, "
        "wave_time, received_at) VALUES ('fas', 'ext-1', 'Binance ', 'btc/usdt', 'LONGG', "
        "999.123456789012345678901, NULL, '2026-01-01 00:00:00.000001+00', '2026-01-01 00:15:00+00', "
        "'2026-01-01 00:15:02.5+00')");
    sql("INSERT INTO signals (exchange, symbol, side) VALUES ('bybit', 'ETHUSDT', 'short')");

    const auto claimed = await(signals().claim_new(10, "bot-a"));
    ASSERT_TRUE(claimed) << claimed.error();
    ASSERT_EQ(claimed->size(), 2U);
    const auto& s = claimed->front();
    EXPECT_EQ(s.id, 1);
    EXPECT_EQ(s.source, "fas");
    EXPECT_EQ(s.external_id, std::optional<std::string>{"ext-1"});
    EXPECT_EQ(s.exchange, "Binance ");
    EXPECT_EQ(s.symbol, "btc/usdt");
    EXPECT_EQ(s.side, "LONGG");
    EXPECT_EQ(s.score_week, std::optional<std::string>{"999.123456789012345678901"});
    EXPECT_FALSE(s.score_month);
    EXPECT_EQ(s.candle_time, std::optional<time_point>{at_us(1)});
    EXPECT_EQ(s.wave_time, std::optional<time_point>{at_us(15 * minute)});
    EXPECT_EQ(s.received_at, at_us(15 * minute + 2'500'000));
    const auto& plain = (*claimed)[1];
    EXPECT_EQ(plain.source, "db");
    EXPECT_FALSE(plain.external_id || plain.score_week || plain.candle_time || plain.wave_time);

    EXPECT_EQ(sql("SELECT string_agg(status || ':' || claimed_by, ',' ORDER BY id) FROM signals"),
              "new:bot-a,new:bot-a");
    const auto again = await(signals().claim_new(10, "bot-b"));
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->empty());
}

TEST_F(SignalRepositoryTest, ClaimNewHonoursTheLimitOldestFirst) {
    for (int i = 0; i < 5; ++i) {
        add_signal("BTCUSDT", i);
    }
    const auto first = await(signals().claim_new(2, "bot"));
    ASSERT_TRUE(first);
    EXPECT_EQ(ids_of(*first), (std::vector<std::int64_t>{1, 2}));
    const auto second = await(signals().claim_new(2, "bot"));
    ASSERT_TRUE(second);
    EXPECT_EQ(ids_of(*second), (std::vector<std::int64_t>{3, 4}));
}

TEST_F(SignalRepositoryTest, ClaimSkipsRowsLockedByAnotherTransactionWithoutWaiting) {
    for (int i = 0; i < 5; ++i) {
        add_signal("BTCUSDT", i);
    }
    // Another instance in the middle of its claim holds rows 1 and 2.
    pqxx::connection other{url_};
    pqxx::work held{other};
    held.exec("SET search_path TO \"" + schema_ + "\"");
    held.exec("SELECT id FROM signals WHERE id IN (1, 2) FOR UPDATE");

    const auto got = await(signals().claim_new(10, "bot-a"), std::chrono::seconds{5});
    ASSERT_TRUE(got) << got.error();
    EXPECT_EQ(ids_of(*got), (std::vector<std::int64_t>{3, 4, 5}));
    held.abort();

    const auto rest = await(signals().claim_new(10, "bot-a"));
    ASSERT_TRUE(rest);
    EXPECT_EQ(ids_of(*rest), (std::vector<std::int64_t>{1, 2}));
}

TEST_F(SignalRepositoryTest, ConcurrentClaimersOnTwoConnectionsTakeDisjointRows) {
    constexpr int total = 60;
    for (int i = 0; i < total; ++i) {
        add_signal("BTCUSDT", i);
    }
    database second{database_options{.url = url_, .schema = schema_}};
    signal_repository a{*db_};
    signal_repository b{second};
    auto drain = [](signal_repository& repo, std::string name) -> asio::awaitable<std::vector<std::int64_t>> {
        std::vector<std::int64_t> got;
        for (;;) {
            auto rows = co_await repo.claim_new(4, name);
            if (!rows || rows->empty()) {
                EXPECT_TRUE(rows) << rows.error();
                co_return got;
            }
            for (const auto& r : *rows) {
                got.push_back(r.id);
            }
        }
    };
    using namespace asio::experimental::awaitable_operators;
    auto both = [&]() -> asio::awaitable<std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>>> {
        auto first = drain(a, "bot-a");
        auto second_claimer = drain(b, "bot-b");
        auto joined = std::move(first) && std::move(second_claimer);
        auto [x, y] = co_await std::move(joined);
        co_return std::pair{std::move(x), std::move(y)};
    };
    const auto [from_a, from_b] = await(both());
    second.stop();

    std::set<std::int64_t> all{from_a.begin(), from_a.end()};
    for (const auto id : from_b) {
        EXPECT_FALSE(all.contains(id)) << "signal " << id << " claimed twice";
        all.insert(id);
    }
    EXPECT_EQ(all.size(), static_cast<std::size_t>(total));
    EXPECT_EQ(from_a.size() + from_b.size(), static_cast<std::size_t>(total));
    EXPECT_EQ(sql("SELECT count(*) FROM signals WHERE claimed_by = 'bot-a'"), std::to_string(from_a.size()));
}

TEST_F(SignalRepositoryTest, ClaimByIdsTakesOnlyWhatIsStillFree) {
    for (int i = 0; i < 4; ++i) {
        add_signal("BTCUSDT", i);
    }
    ASSERT_TRUE(await(signals().claim_by_ids({2}, "other")));
    ASSERT_TRUE(await(signals().mark(3, signal_status::skipped, "stop-list", "bot")));

    const auto got = await(signals().claim_by_ids({1, 2, 3, 4, 99}, "bot"));
    ASSERT_TRUE(got) << got.error();
    EXPECT_EQ(ids_of(*got), (std::vector<std::int64_t>{1, 4}));
    const auto empty = await(signals().claim_by_ids({}, "bot"));
    ASSERT_TRUE(empty) << empty.error();
    EXPECT_TRUE(empty->empty());
}

TEST_F(SignalRepositoryTest, MarkRecordsTheDecisionOnce) {
    add_signal("BTCUSDT", 0);
    add_signal("ETHUSDT", 0);
    const auto pos = open_position("BTCUSDT");
    const auto taken = await(signals().mark(1, signal_status::taken, "opened", "bot", pos));
    ASSERT_TRUE(taken) << taken.error();
    EXPECT_TRUE(*taken);
    EXPECT_EQ(sql("SELECT status || '|' || status_reason || '|' || position_id || '|' || (status_at IS NOT NULL) "
                  "FROM signals WHERE id = 1"),
              "taken|opened|" + std::to_string(pos) + "|true");

    const auto twice = await(signals().mark(1, signal_status::failed, "again", "bot"));
    ASSERT_TRUE(twice);
    EXPECT_FALSE(*twice);
    EXPECT_EQ(sql("SELECT status FROM signals WHERE id = 1"), "taken");

    ASSERT_TRUE(*await(signals().mark(2, signal_status::rejected, "symbol 'btc/usdt' is not BASEQUOTE", "bot")));
    EXPECT_EQ(sql("SELECT status || '|' || status_reason || '|' || coalesce(position_id::text, '-') FROM signals "
                  "WHERE id = 2"),
              "rejected|symbol 'btc/usdt' is not BASEQUOTE|-");

    const auto undecided = await(signals().mark(2, signal_status::new_, "x", "bot"));
    ASSERT_FALSE(undecided);
    EXPECT_TRUE(undecided.error().is(errc::invalid_argument));
    EXPECT_FALSE(*await(signals().mark(42, signal_status::skipped, "missing", "bot")));

    // Another claimer's signal is not this one's to decide; an unclaimed one becomes this one's.
    add_signal("SOLUSDT", 0);
    ASSERT_TRUE(await(signals().claim_by_ids({3}, "other")));
    EXPECT_FALSE(*await(signals().mark(3, signal_status::skipped, "mine?", "bot")));
    EXPECT_EQ(sql("SELECT status FROM signals WHERE id = 3"), "new");
    EXPECT_EQ(sql("SELECT claimed_by FROM signals WHERE id = 2"), "bot");

    EXPECT_EQ(to_string(signal_status::new_), "new");
    EXPECT_EQ(parse_signal_status("expired"), std::optional<signal_status>{signal_status::expired});
    EXPECT_FALSE(parse_signal_status("New"));
}

TEST_F(SignalRepositoryTest, LoadNewSinceReadsTheWaveWithoutClaiming) {
    add_signal("AUSDT", 0);   // previous wave
    add_signal("BUSDT", 15);  // this wave
    add_signal("CUSDT", 15);
    add_signal("DUSDT", 16);
    sql("INSERT INTO signals (exchange, symbol, side, received_at) VALUES "
        "('binance', 'EUSDT', 'long', '2026-01-01 00:20:00+00')");  // no wave_time: received_at counts
    ASSERT_TRUE(await(signals().claim_by_ids({3}, "bot")));
    ASSERT_TRUE(*await(signals().mark(4, signal_status::skipped, "max positions", "bot")));

    const auto wave = await(signals().load_new_since(at_us(15 * minute)));
    ASSERT_TRUE(wave) << wave.error();
    EXPECT_EQ(ids_of(*wave), (std::vector<std::int64_t>{2, 5}));
    EXPECT_EQ(sql("SELECT count(*) FROM signals WHERE claimed_by IS NOT NULL AND status = 'new'"), "1");
}

TEST_F(SignalRepositoryTest, ExpireOlderThanDecidesStaleUnclaimedSignals) {
    add_signal("AUSDT", 0);
    add_signal("BUSDT", 1);
    add_signal("CUSDT", 30);
    ASSERT_TRUE(await(signals().claim_by_ids({2}, "bot")));
    const auto n = await(signals().expire_older_than(at_us(30 * minute)));
    ASSERT_TRUE(n) << n.error();
    EXPECT_EQ(*n, 1);
    EXPECT_EQ(sql("SELECT string_agg(status, ',' ORDER BY id) FROM signals"), "expired,new,new");
    EXPECT_EQ(sql("SELECT (status_reason LIKE 'not decided before 2026-01-01%')::text FROM signals WHERE id = 1"),
              "true");
}

TEST_F(SignalRepositoryTest, OrphanedClaimsEndWithTheirPositionOrAreReleased) {
    for (int i = 0; i < 6; ++i) {
        add_signal(i == 4 ? "ETHUSDT" : "BTCUSDT", i);
    }
    // 1: a stopped claimer, no position; 2: ours; 3: a claimer still connected (this test's own
    // session is named "tradebot"); 4: a stopped claimer whose entry was protected; 5: one whose
    // entry the reconciliation found missing; 6: a stopped claimer's row it had decided.
    ASSERT_TRUE(await(signals().claim_by_ids({1, 4, 5, 6}, "dead")));
    ASSERT_TRUE(await(signals().claim_by_ids({2}, "me")));
    ASSERT_TRUE(await(signals().claim_by_ids({3}, "tradebot")));
    ASSERT_TRUE(*await(signals().mark(6, signal_status::skipped, "already_open", "dead")));
    const auto protected_id = sql("INSERT INTO positions (exchange, symbol, side, mode, state, signal_id, qty, "
                                  "stop_price) VALUES ('binance', 'ETHUSDT', 'long', 'test', 'protected', 4, 1, 90) "
                                  "RETURNING id");
    const auto failed_id = sql("INSERT INTO positions (exchange, symbol, side, mode, state, signal_id, closed_at, "
                               "close_reason) VALUES ('binance', 'BTCUSDT', 'long', 'test', 'failed', 5, now(), "
                               "'entry_not_found') RETURNING id");

    const auto n = await(signals().resolve_orphaned_claims("me"));
    ASSERT_TRUE(n) << n.error();
    EXPECT_EQ(n->decided, 2);
    EXPECT_EQ(n->released, 1);
    EXPECT_EQ(sql("SELECT string_agg(status || ':' || coalesce(claimed_by, '-') || ':' || "
                  "coalesce(position_id::text, '-'), ',' ORDER BY id) FROM signals"),
              "new:-:-,new:me:-,new:tradebot:-,taken:me:" + protected_id + ",failed:me:" + failed_id +
                  ",skipped:dead:-");
    // The released row is read again; ours and the live claimer's are not.
    const auto got = await(signals().claim_new(10, "me"));
    ASSERT_TRUE(got);
    EXPECT_EQ(ids_of(*got), (std::vector<std::int64_t>{1}));
    // A second start finds nothing left to resolve.
    const auto again = await(signals().resolve_orphaned_claims("me"));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->decided + again->released, 0);
}

// Issue 19, C7 (chaos crash steps entry_row_created, entry_journaled): a claimer killed after its
// entry's rows and before the order left. Its signal ended failed although nothing was traded.
// A position the reconciliation proved never reached the venue (failed `not_opened`) hands its
// signal back; one it has not settled yet (pending_entry) leaves the claim for a later call.
TEST_F(SignalRepositoryTest, AClaimWhoseEntryNeverLeftIsDecidedAgainAndOneNotSettledYetWaits) {
    for (int i = 0; i < 3; ++i) {
        add_signal(i == 0 ? "ETHUSDT" : i == 1 ? "BTCUSDT" : "SOLUSDT", i);
    }
    // 1: its entry never reached the venue; 2: its entry row not settled yet; 3: its entry failed
    // on the venue (found there, not filled).
    ASSERT_TRUE(await(signals().claim_by_ids({1, 2, 3}, "dead")));
    sql("INSERT INTO positions (exchange, symbol, side, mode, state, signal_id, qty, closed_at, close_reason) "
        "VALUES ('binance', 'ETHUSDT', 'long', 'test', 'failed', 1, 0, now(), "
        "'not_opened: the entry never reached the venue (no order tbt-1-en-0 after the receive window)')");
    sql("INSERT INTO positions (exchange, symbol, side, mode, state, signal_id, qty) "
        "VALUES ('binance', 'BTCUSDT', 'long', 'test', 'pending_entry', 2, 1)");
    const auto failed_id = sql("INSERT INTO positions (exchange, symbol, side, mode, state, signal_id, closed_at, "
                               "close_reason) VALUES ('binance', 'SOLUSDT', 'long', 'test', 'failed', 3, now(), "
                               "'entry not found on the venue') RETURNING id");

    const auto n = await(signals().resolve_orphaned_claims("me"));
    ASSERT_TRUE(n) << n.error();
    EXPECT_EQ(n->decided, 1);
    EXPECT_EQ(n->released, 1);
    EXPECT_EQ(n->waiting, 1);
    EXPECT_EQ(sql("SELECT string_agg(status || ':' || coalesce(claimed_by, '-') || ':' || "
                  "coalesce(position_id::text, '-'), ',' ORDER BY id) FROM signals"),
              "new:-:-,new:dead:-,failed:me:" + failed_id);
    const auto got = await(signals().claim_new(10, "me"));
    ASSERT_TRUE(got);
    EXPECT_EQ(ids_of(*got), (std::vector<std::int64_t>{1}));

    // Settled later as never sent: the next call hands that one back too.
    sql("UPDATE positions SET state = 'failed', qty = 0, closed_at = now(), close_reason = 'not_opened: the entry "
        "never reached the venue' WHERE signal_id = 2");
    const auto later = await(signals().resolve_orphaned_claims("me"));
    ASSERT_TRUE(later);
    EXPECT_EQ(later->released, 1);
    EXPECT_EQ(later->waiting, 0);
}

// Issue 19, found by tests/integration/chaos (seed 1000): PostgreSQL crashed while the daemon ran
// and lost a decision committed asynchronously; the row stayed new and claimed by the running
// instance, which never read it again. After the outage it resolves its own claims, except the
// ones it is still waiting on.
TEST_F(SignalRepositoryTest, OwnClaimsWhoseDecisionWasLostEndWithTheirPositionOrAreReleased) {
    for (int i = 0; i < 4; ++i) {
        add_signal(i == 0 ? "ETHUSDT" : "BTCUSDT", i);
    }
    // 1: ours, its entry protected; 2: ours, no position; 3: ours, deferred (kept); 4: another's.
    ASSERT_TRUE(await(signals().claim_by_ids({1, 2, 3}, "me")));
    ASSERT_TRUE(await(signals().claim_by_ids({4}, "other")));
    const auto protected_id = sql("INSERT INTO positions (exchange, symbol, side, mode, state, signal_id, qty, "
                                  "stop_price) VALUES ('binance', 'ETHUSDT', 'long', 'test', 'protected', 1, 1, 90) "
                                  "RETURNING id");

    const auto n = await(signals().resolve_own_claims("me", {3}));
    ASSERT_TRUE(n) << n.error();
    EXPECT_EQ(n->decided, 1);
    EXPECT_EQ(n->released, 1);
    EXPECT_EQ(sql("SELECT string_agg(status || ':' || coalesce(claimed_by, '-') || ':' || "
                  "coalesce(position_id::text, '-'), ',' ORDER BY id) FROM signals"),
              "taken:me:" + protected_id + ",new:-:-,new:me:-,new:other:-");
    const auto got = await(signals().claim_new(10, "me"));
    ASSERT_TRUE(got);
    EXPECT_EQ(ids_of(*got), (std::vector<std::int64_t>{2}));
}

TEST_F(SignalRepositoryTest, ClaimByIdsTakesUnclaimedRowsAndConfirmsOurOwn) {
    add_signal("BTCUSDT", 0);
    add_signal("ETHUSDT", 0);
    ASSERT_TRUE(await(signals().claim_by_ids({1}, "me")));
    ASSERT_TRUE(await(signals().claim_by_ids({2}, "other")));
    const auto got = await(signals().claim_by_ids({1, 2}, "me"));
    ASSERT_TRUE(got);
    EXPECT_EQ(ids_of(*got), (std::vector<std::int64_t>{1}));
}

}  // namespace
}  // namespace tradebot::db::test
