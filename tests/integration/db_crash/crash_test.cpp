// Runs only through run.sh, which gives it a cluster of its own to crash.
#include <cstdlib>
#include <string>

#include "tradebot/db/position_repository.hpp"

#include "integration/db/repo_fixture.hpp"

namespace tradebot::db::test {
namespace {

class CrashTest : public migrated_pg_test {
protected:
    void crash_and_restart() {
        const char* command = std::getenv("TRADEBOT_TEST_PG_CRASH");
        ASSERT_NE(command, nullptr) << "run through tests/integration/own_pg_cluster.sh";
        ASSERT_EQ(std::system(command), 0) << command;
    }
};

// The entry's rows are committed without waiting for the WAL flush, so a crash may lose them;
// their position id (and the client order id made from it, which may already be on the venue)
// must still never be handed out again.
TEST_F(CrashTest, APositionIdIsNeverReusedAfterACrashLosesItsRow) {
    std::vector<std::int64_t> before;
    {
        position_repository repo{*db_};
        for (const char* symbol : {"BTCUSDT", "ETHUSDT", "SOLUSDT"}) {
            auto [p, o] = entry_rows(symbol);
            const auto made = await(repo.create_pending_with_entry(std::move(p), std::move(o)));
            ASSERT_TRUE(made) << made.error();
            before.push_back(made->position_id);
        }
    }
    db_.reset();
    crash_and_restart();

    database after{database_options{.url = url_, .schema = schema_}};
    position_repository repo{after};
    new_position p;
    p.exchange = core::exchange_id::bybit;
    p.symbol = core::symbol::from_string("XRPUSDT");
    p.side = core::position_side::short_;
    p.mode = core::mode::production;
    const auto next = await(repo.create_pending(std::move(p)));
    ASSERT_TRUE(next) << next.error();
    for (const auto id : before) {
        EXPECT_GT(*next, id) << "position id handed out again after the crash";
    }
    // And above the whole reserved block, of which a restart knows nothing.
    EXPECT_GT(*next, before.front() + 255);
}

}  // namespace
}  // namespace tradebot::db::test
