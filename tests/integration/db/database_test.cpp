#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "tradebot_test/pg_fixture.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot/db/transaction.hpp"

namespace tradebot::db::test {
namespace {

namespace asio = boost::asio;

class DatabaseTest : public pg_test {};

TEST_F(DatabaseTest, RunsOnTheDbThreadAndResumesOnTheCallersExecutor) {
    database db{{.url = url_, .schema = schema_}};
    const auto caller = std::this_thread::get_id();
    auto body = [&]() -> asio::awaitable<bool> {
        auto r = co_await db.run([](pqxx::connection_base& conn) {
            pqxx::nontransaction tx{conn};
            return std::pair{tx.exec("SELECT 41 + 1")[0][0].as<int>(), std::this_thread::get_id()};
        });
        EXPECT_TRUE(r) << r.error();
        EXPECT_EQ(r->first, 42);
        EXPECT_NE(r->second, caller);
        co_return std::this_thread::get_id() == caller;
    };
    EXPECT_TRUE(await(body()));
    EXPECT_EQ(db.state(), connection_state::connected);
}

TEST_F(DatabaseTest, SearchPathIsTheConfiguredSchema) {
    database db{{.url = url_, .schema = schema_}};
    const auto r = await(db.run([](pqxx::connection_base& conn) {
        pqxx::nontransaction tx{conn};
        return tx.exec("SELECT current_schemas(false)::text")[0][0].as<std::string>();
    }));
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(*r, "{}");  // the schema does not exist yet, so it is not listed; now create it
    ASSERT_TRUE(await(db.migrate()));
    const auto after = await(db.run([](pqxx::connection_base& conn) {
        pqxx::nontransaction tx{conn};
        return tx.exec("SELECT count(*) FROM signals")[0][0].as<int>();
    }));
    ASSERT_TRUE(after) << after.error();
    EXPECT_EQ(*after, 0);
}

// database.statement_timeout_ms: the server cancels a statement that runs longer (57014), and the
// setting survives a reconnect because it is set on every new session.
TEST_F(DatabaseTest, AStatementLongerThanTheTimeoutIsCancelled) {
    database db{{.url = url_, .schema = schema_, .statement_timeout = std::chrono::milliseconds{100}}};
    const auto slow = await(db.run([](pqxx::connection_base& conn) {
        pqxx::nontransaction tx{conn};
        tx.exec("SELECT pg_sleep(2)");
    }));
    ASSERT_FALSE(slow);
    EXPECT_EQ(slow.error().sqlstate, "57014") << slow.error();
    const auto shown = await(db.run([](pqxx::connection_base& conn) {
        pqxx::nontransaction tx{conn};
        return tx.exec("SHOW statement_timeout")[0][0].as<std::string>();
    }));
    ASSERT_TRUE(shown) << shown.error();
    EXPECT_EQ(*shown, "100ms");

    database unbounded{{.url = url_, .schema = schema_}};
    const auto fine = await(unbounded.run([](pqxx::connection_base& conn) {
        pqxx::nontransaction tx{conn};
        tx.exec("SELECT pg_sleep(0.3)");
    }));
    EXPECT_TRUE(fine) << fine.error();
}

TEST_F(DatabaseTest, ABadQueryIsAnErrorNotAnException) {
    database db{{.url = url_, .schema = schema_}};
    const auto bad = await(db.run([](pqxx::connection_base& conn) {
        pqxx::nontransaction tx{conn};
        tx.exec("SELEC 1");
    }));
    ASSERT_FALSE(bad);
    EXPECT_TRUE(bad.error().is(errc::query_failed)) << bad.error();
    EXPECT_EQ(bad.error().sqlstate, "42601");
    EXPECT_NE(bad.error().message.find("syntax error"), std::string::npos);

    const auto thrown = await(db.run([](pqxx::connection_base&) -> int { throw std::logic_error("boom"); }));
    ASSERT_FALSE(thrown);
    EXPECT_TRUE(thrown.error().is(errc::internal));
    EXPECT_EQ(thrown.error().message, "boom");

    const auto good = await(transact(db, [](pqxx::work& tx) { return tx.exec("SELECT 7")[0][0].as<int>(); }));
    ASSERT_TRUE(good) << good.error();
    EXPECT_EQ(*good, 7);
}

TEST_F(DatabaseTest, ADeadServerIsAnErrorAndThePasswordIsNotReported) {
    std::mutex mu;
    std::vector<std::string> details;
    database db{{.url = "postgresql://bot:s3cr3t@127.0.0.1:1/fox_crypto", .schema = schema_,
                 .reconnect_min = std::chrono::milliseconds{60'000}},
                [&](connection_state, std::string_view detail) {
                    std::lock_guard lock{mu};
                    details.emplace_back(detail);
                }};
    EXPECT_EQ(db.redacted_url(), "postgresql://bot:***@127.0.0.1:1/fox_crypto");
    auto query = [](pqxx::connection_base& conn) {
        pqxx::nontransaction tx{conn};
        return tx.exec("SELECT 1")[0][0].as<int>();
    };
    const auto first = await(db.run(query));
    ASSERT_FALSE(first);
    EXPECT_TRUE(first.error().is(errc::connect_failed)) << first.error();
    // While the backoff timer runs, callers fail fast instead of each trying to connect.
    const auto second = await(db.run(query));
    ASSERT_FALSE(second);
    EXPECT_TRUE(second.error().is(errc::connect_failed));
    EXPECT_NE(second.error().message.find("reconnecting"), std::string::npos) << second.error();
    EXPECT_EQ(db.state(), connection_state::disconnected);
    db.stop();
    std::lock_guard lock{mu};
    ASSERT_FALSE(details.empty());
    for (const auto& d : details) {
        EXPECT_EQ(d.find("s3cr3t"), std::string::npos) << d;
    }
    EXPECT_NE(details.front().find("127.0.0.1:1"), std::string::npos) << details.front();
}

TEST_F(DatabaseTest, ReconnectsAfterTheServerKillsTheSession) {
    database db{{.url = tagged_url("db"), .schema = schema_, .reconnect_min = std::chrono::milliseconds{20}}};
    auto pid = [](pqxx::connection_base& conn) {
        pqxx::nontransaction tx{conn};
        return tx.exec("SELECT pg_backend_pid()")[0][0].as<int>();
    };
    const auto before = await(db.run(pid));
    ASSERT_TRUE(before) << before.error();
    ASSERT_EQ(terminate("db"), 1);

    const auto lost = await(db.run(pid));
    ASSERT_FALSE(lost);
    EXPECT_TRUE(lost.error().is(errc::connection_lost)) << lost.error();

    // The DB thread reconnects right after noticing the loss (or on the backoff timer).
    result<int> after = error{errc::internal, "not run"};
    for (int i = 0; i < 100 && !after; ++i) {
        after = await(db.run(pid));
    }
    ASSERT_TRUE(after) << after.error();
    EXPECT_NE(*after, *before);
    EXPECT_EQ(db.state(), connection_state::connected);
}

TEST_F(DatabaseTest, StoppedDatabaseFailsFast) {
    database db{{.url = url_, .schema = schema_}};
    db.start();
    db.stop();
    EXPECT_EQ(db.state(), connection_state::stopped);
    const auto r = await(db.run([](pqxx::connection_base&) { return 1; }));
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::shutting_down));
}

}  // namespace
}  // namespace tradebot::db::test

namespace tradebot::db::test {
namespace {

// Jobs that own memory travel to the DB thread and back intact (named first, see database::run).
TEST_F(DatabaseTest, CapturedValuesReachTheDbThread) {
    database db{{.url = url_, .schema = schema_}};
    auto body = [&]() -> asio::awaitable<std::string> {
        auto length = [text = std::string(100, 'x')](pqxx::connection_base& conn) {
            pqxx::nontransaction tx{conn};
            return tx.exec_params("SELECT length($1)", text)[0][0].as<std::string>();
        };
        auto a = co_await db.run(std::move(length));
        auto echo = [text = std::string(50, 'y')](pqxx::work& tx) {
            return tx.exec_params("SELECT $1::text", text)[0][0].as<std::string>();
        };
        auto b = co_await transact(db, echo);
        co_return (a ? *a : a.error().describe()) + " " + (b ? *b : b.error().describe());
    };
    EXPECT_EQ(await(body()), "100 " + std::string(50, 'y'));
}

// post(): nobody waits, the job runs in queue order on the DB thread, and a throwing job is
// dropped without taking the connection or later work with it.
TEST_F(DatabaseTest, PostedJobsRunInQueueOrderWithoutAWaiter) {
    database db{{.url = url_, .schema = schema_}};
    ASSERT_TRUE(await(db.run([](pqxx::connection_base& conn) {
        pqxx::nontransaction tx{conn};
        tx.exec("CREATE TEMP TABLE seen (n int)");
    })));
    const auto caller = std::this_thread::get_id();
    std::atomic<bool> on_caller{true};
    db.post([&](pqxx::connection_base& conn) {
        on_caller = std::this_thread::get_id() == caller;
        pqxx::nontransaction tx{conn};
        tx.exec("INSERT INTO seen VALUES (1)");
    });
    db.post([](pqxx::connection_base& conn) {
        pqxx::nontransaction tx{conn};
        tx.exec("SELECT no_such_column FROM seen");
    });
    const auto r = await(db.run([](pqxx::connection_base& conn) {
        pqxx::nontransaction tx{conn};
        return tx.exec("SELECT count(*) FROM seen")[0][0].as<int>();
    }));
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(*r, 1);
    EXPECT_FALSE(on_caller.load());
}

}  // namespace
}  // namespace tradebot::db::test
