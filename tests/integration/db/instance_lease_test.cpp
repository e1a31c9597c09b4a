// The instance lease's SQL against a real PostgreSQL: tokens go up on every acquisition and are
// never handed out twice, a live lease is not taken, and the fence of migration 0003 refuses the
// writes of a session whose token is no longer the lease's.
#include <atomic>
#include <thread>

#include "repo_fixture.hpp"
#include "tradebot/db/instance_lease.hpp"
#include "tradebot/db/signal_repository.hpp"

namespace tradebot::db::test {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds lease_ms{60'000};

class InstanceLeaseTest : public repo_test {
protected:
    void SetUp() override {
        repo_test::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        other_ = std::make_unique<database>(database_options{.url = url_, .schema = schema_});
        other_->on_lease_lost([this] { ++other_fenced_; });
    }
    void TearDown() override {
        other_.reset();
        repo_test::TearDown();
    }

    lease_view acquire(database& db, const char* holder, milliseconds d = lease_ms) {
        instance_lease lease{db};
        auto r = await(lease.acquire("production", holder, d));
        EXPECT_TRUE(r) << r.error();
        return r ? *r : lease_view{};
    }
    bool renew(database& db, const char* holder, std::int64_t token) {
        instance_lease lease{db};
        auto r = await(lease.renew("production", holder, token, lease_ms));
        EXPECT_TRUE(r) << r.error();
        return r && *r;
    }
    // What another process's clock would see once the holder stopped renewing.
    void expire() { sql("UPDATE instance_lease SET expires_at = now() - interval '1 second'"); }

    result<std::int64_t> insert_position(database& db, const char* symbol) {
        position_repository positions{db};
        new_position p;
        p.exchange = core::exchange_id::binance;
        p.symbol = core::symbol::from_string(symbol);
        p.side = core::position_side::long_;
        p.mode = core::mode::production;
        return await(positions.create_pending(std::move(p)));
    }

    std::unique_ptr<database> other_;
    std::atomic<int> other_fenced_{0};
};

TEST_F(InstanceLeaseTest, TheFirstAcquisitionGetsTokenOneAndALiveLeaseIsNotTaken) {
    const auto a = acquire(*db_, "bot-a");
    EXPECT_TRUE(a.held);
    EXPECT_EQ(a.token, 1);
    EXPECT_EQ(a.holder, "bot-a");
    EXPECT_GT(a.expires_in_ms, 50'000);

    const auto b = acquire(*other_, "bot-b");
    EXPECT_FALSE(b.held);
    EXPECT_EQ(b.token, 1);
    EXPECT_EQ(b.holder, "bot-a");
    EXPECT_GT(b.expires_in_ms, 50'000);
    EXPECT_EQ(sql("SELECT holder || ':' || fencing_token FROM instance_lease WHERE name = 'production'"), "bot-a:1");
}

TEST_F(InstanceLeaseTest, OnlyTheHolderWithItsTokenRenews) {
    const auto a = acquire(*db_, "bot-a", milliseconds{1000});
    ASSERT_TRUE(a.held);
    EXPECT_TRUE(renew(*db_, "bot-a", a.token));
    EXPECT_EQ(sql("SELECT expires_at > now() + interval '50 seconds' FROM instance_lease"), "t");
    EXPECT_FALSE(renew(*other_, "bot-b", a.token));
    EXPECT_FALSE(renew(*db_, "bot-a", a.token + 1));
}

TEST_F(InstanceLeaseTest, EveryAcquisitionAfterExpiryOrReleaseIncrementsTheToken) {
    ASSERT_EQ(acquire(*db_, "bot-a").token, 1);
    expire();
    const auto b = acquire(*other_, "bot-b");
    EXPECT_TRUE(b.held);
    EXPECT_EQ(b.token, 2);
    // The old holder's renewal is refused: the token moved on.
    EXPECT_FALSE(renew(*db_, "bot-a", 1));

    instance_lease lease{*other_};
    const auto released = await(lease.release("production", "bot-b", 2));
    ASSERT_TRUE(released) << released.error();
    EXPECT_TRUE(*released);
    const auto a = acquire(*db_, "bot-a");
    EXPECT_TRUE(a.held);
    EXPECT_EQ(a.token, 3);  // the row is kept on release, so token 2 is never handed out again
    // Re-acquiring one's own expired lease is a new term too.
    expire();
    EXPECT_EQ(acquire(*db_, "bot-a").token, 4);
}

TEST_F(InstanceLeaseTest, AStaleTokensWritesAreRefusedAndTheNewHoldersCommit) {
    const auto a = acquire(*db_, "bot-a");
    ASSERT_TRUE(a.held);
    std::atomic<int> fenced{0};
    db_->on_lease_lost([&fenced] { ++fenced; });
    db_->set_session(instance_lease::fence("production", "bot-a", a.token));
    ASSERT_TRUE(insert_position(*db_, "BTCUSDT"));

    expire();
    const auto b = acquire(*other_, "bot-b");
    ASSERT_EQ(b.token, 2);
    other_->set_session(instance_lease::fence("production", "bot-b", b.token));

    // bot-a still believes it holds token 1: every trading write of it is refused now.
    const auto stale = insert_position(*db_, "ETHUSDT");
    ASSERT_FALSE(stale);
    EXPECT_TRUE(stale.error().is(errc::lease_lost)) << stale.error();
    EXPECT_EQ(stale.error().sqlstate, "TBL01");
    EXPECT_EQ(fenced.load(), 1);
    const auto update = await(transact(*db_, [](pqxx::work& tx) {
        tx.exec("UPDATE positions SET state = 'entry_placed' WHERE symbol = 'BTCUSDT'");
    }));
    ASSERT_FALSE(update);
    EXPECT_TRUE(update.error().is(errc::lease_lost)) << update.error();

    sql("INSERT INTO signals (exchange, symbol, side) VALUES ('binance', 'SOLUSDT', 'long')");
    const auto claim_after = await(signal_repository{*db_}.claim_new(10, "bot-a"));
    ASSERT_FALSE(claim_after);
    EXPECT_TRUE(claim_after.error().is(errc::lease_lost)) << claim_after.error();

    // The new holder writes, and claims the signal bot-a could not.
    EXPECT_TRUE(insert_position(*other_, "ETHUSDT"));
    const auto taken = await(signal_repository{*other_}.claim_new(10, "bot-b"));
    ASSERT_TRUE(taken) << taken.error();
    EXPECT_EQ(taken->size(), 1U);
    EXPECT_EQ(other_fenced_.load(), 0);
    EXPECT_EQ(sql("SELECT string_agg(symbol, ',' ORDER BY id) FROM positions"), "BTCUSDT,ETHUSDT");
    EXPECT_EQ(sql("SELECT state FROM positions WHERE symbol = 'BTCUSDT'"), "pending_entry");
}

TEST_F(InstanceLeaseTest, AStandbysTokenZeroFencesEverythingAndSessionsOutsideTheLeaseAreNotFenced) {
    ASSERT_TRUE(acquire(*db_, "bot-a").held);
    other_->set_session(instance_lease::fence("production", "bot-b", 0));
    const auto standby = insert_position(*other_, "BTCUSDT");
    ASSERT_FALSE(standby);
    EXPECT_TRUE(standby.error().is(errc::lease_lost)) << standby.error();
    EXPECT_EQ(other_fenced_.load(), 1);
    // db_ has no lease settings: a migration, a producer or an operator's tool writes as before.
    EXPECT_TRUE(insert_position(*db_, "BTCUSDT"));
}

TEST_F(InstanceLeaseTest, TheFenceSettingsSurviveAReconnect) {
    ASSERT_TRUE(acquire(*db_, "bot-a").held);
    auto tagged = std::make_unique<database>(database_options{.url = tagged_url("fenced"), .schema = schema_});
    tagged->set_session(instance_lease::fence("production", "bot-b", 0));
    ASSERT_FALSE(insert_position(*tagged, "BTCUSDT"));
    ASSERT_GE(terminate("fenced"), 1);
    // The first statement after the kill may fail on the dead connection; the next reconnects.
    (void)insert_position(*tagged, "BTCUSDT");
    const auto again = insert_position(*tagged, "BTCUSDT");
    ASSERT_FALSE(again);
    EXPECT_TRUE(again.error().is(errc::lease_lost)) << again.error();
    EXPECT_EQ(sql("SELECT count(*) FROM positions"), "0");
}

TEST_F(InstanceLeaseTest, ATakeoverWaitsForAWriteOfTheOldTermThatIsStillOpen) {
    ASSERT_EQ(acquire(*db_, "bot-a").token, 1);
    expire();
    // bot-a's write: in an open transaction past its fence check (it holds the row FOR SHARE).
    pqxx::connection conn{url_};
    pqxx::work tx{conn};
    tx.exec("SET LOCAL search_path TO \"" + schema_ + "\"");
    tx.exec("SELECT set_config('tradebot.lease_scope', 'production', true), "
            "set_config('tradebot.lease_holder', 'bot-a', true), set_config('tradebot.lease_token', '1', true)");
    tx.exec("INSERT INTO positions (exchange, symbol, side, mode) VALUES ('binance', 'BTCUSDT', 'long', 'production')");

    // The takeover cannot pass the open write: it waits for it (here: gives up after 300 ms).
    other_->set_session({{"lock_timeout", "300ms"}});
    instance_lease lease{*other_};
    const auto blocked = await(lease.acquire("production", "bot-b", lease_ms));
    ASSERT_FALSE(blocked);
    tx.commit();
    const auto b = acquire(*other_, "bot-b");
    EXPECT_TRUE(b.held);
    EXPECT_EQ(b.token, 2);
    EXPECT_EQ(sql("SELECT count(*) FROM positions"), "1");
}

}  // namespace
}  // namespace tradebot::db::test
