#include <array>
#include <set>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "tradebot_test/pg_fixture.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot/db/transaction.hpp"

namespace tradebot::db::test {
namespace {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

class MigrateTest : public pg_test {};

std::set<std::string> tables(pqxx::connection& conn, const std::string& schema) {
    pqxx::nontransaction tx{conn};
    std::set<std::string> out;
    for (const auto& row : tx.exec_params(
             "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema)) {
        out.insert(row[0].as<std::string>());
    }
    return out;
}

TEST_F(MigrateTest, AppliesOnAnEmptyDatabaseAndIsIdempotent) {
    database db{{.url = url_, .schema = schema_}};
    db.start();
    const auto first = await(db.migrate());
    ASSERT_TRUE(first) << first.error();
    ASSERT_EQ(first->size(), embedded_migrations().size());
    EXPECT_EQ(first->front(), (applied_migration{1, "initial"}));

    pqxx::connection conn{url_};
    const std::set<std::string> expected{"schema_migrations", "signals", "positions", "orders",
                                         "trades", "events", "instance_lease"};
    EXPECT_EQ(tables(conn, schema_), expected);

    const auto again = await(db.migrate());
    ASSERT_TRUE(again) << again.error();
    EXPECT_TRUE(again->empty());

    pqxx::nontransaction tx{conn};
    const auto rows = tx.exec("SELECT version, checksum FROM \"" + schema_ + "\".schema_migrations ORDER BY version");
    ASSERT_EQ(rows.size(), embedded_migrations().size());
    EXPECT_EQ(rows[0][1].as<std::string>(), migration_checksum(embedded_migrations()[0].sql));
}

TEST_F(MigrateTest, ConcurrentCallersApplyEachMigrationOnce) {
    database a{{.url = url_, .schema = schema_}};
    database b{{.url = url_, .schema = schema_}};
    auto both = [&]() -> asio::awaitable<std::pair<result<std::vector<applied_migration>>,
                                                    result<std::vector<applied_migration>>>> {
        auto [ra, rb] = co_await (a.migrate() && b.migrate());
        co_return std::pair{std::move(ra), std::move(rb)};
    };
    const auto [ra, rb] = await(both());
    ASSERT_TRUE(ra) << ra.error();
    ASSERT_TRUE(rb) << rb.error();
    EXPECT_EQ(ra->size() + rb->size(), embedded_migrations().size());
    EXPECT_TRUE(ra->empty() || rb->empty());
}

TEST_F(MigrateTest, DetectsAChangedAppliedMigration) {
    database db{{.url = url_, .schema = schema_}};
    ASSERT_TRUE(await(db.migrate()));
    {
        pqxx::connection conn{url_};
        pqxx::work tx{conn};
        tx.exec("UPDATE \"" + schema_ + "\".schema_migrations SET checksum = 'edited' WHERE version = 1");
        tx.commit();
    }
    const auto r = await(db.migrate());
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::migration_checksum_mismatch)) << r.error();
    EXPECT_NE(r.error().message.find("0001_initial"), std::string::npos) << r.error();
}

TEST_F(MigrateTest, RefusesADatabaseNewerThanTheBuild) {
    const std::array<migration, 2> newer{{{1, "a", "CREATE TABLE a (x int);"}, {2, "b", "CREATE TABLE b (x int);"}}};
    database db{{.url = url_, .schema = schema_}};
    ASSERT_TRUE(await(db.migrate(newer)));
    const auto r = await(db.migrate(std::span{newer}.first(1)));
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::migration_unknown_version)) << r.error();
}

TEST_F(MigrateTest, EachMigrationIsItsOwnTransaction) {
    const std::array<migration, 3> set{{{1, "good", "CREATE TABLE a (x int);"},
                                        {2, "broken", "CREATE TABLE b (x int); CREATE TABLE c (;"},
                                        {3, "later", "CREATE TABLE d (x int);"}}};
    database db{{.url = url_, .schema = schema_}};
    const auto r = await(db.migrate(set));
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::query_failed)) << r.error();
    EXPECT_EQ(r.error().sqlstate, "42601");
    EXPECT_NE(r.error().message.find("0002_broken"), std::string::npos) << r.error();

    pqxx::connection conn{url_};
    EXPECT_EQ(tables(conn, schema_), (std::set<std::string>{"schema_migrations", "a"}));
}

TEST_F(MigrateTest, RejectsABadSchemaName) {
    EXPECT_THROW((database{{.url = url_, .schema = "Bad\"Name"}}), std::invalid_argument);
}

}  // namespace
}  // namespace tradebot::db::test
