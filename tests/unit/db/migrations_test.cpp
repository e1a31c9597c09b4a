#include "tradebot/db/migrations.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tradebot/db/errc.hpp"
#include "tradebot_test/env.hpp"

namespace tradebot::db {
namespace {

std::string read(const std::filesystem::path& p) {
    std::ifstream in{p, std::ios::binary};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(Migrations, EmbeddedSetMatchesTheSqlFilesInOrder) {
    const auto set = embedded_migrations();
    ASSERT_FALSE(set.empty());
    const std::filesystem::path dir = tradebot::test::source_dir() / "src/db/migrations";
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator{dir}) {
        files += entry.path().extension() == ".sql" ? 1 : 0;
    }
    EXPECT_EQ(set.size(), files);
    int previous = 0;
    for (const auto& m : set) {
        EXPECT_GT(m.version, previous);
        previous = m.version;
        const auto path = dir / fmt::format("{:04}_{}.sql", m.version, m.name);
        ASSERT_TRUE(std::filesystem::exists(path)) << path;
        EXPECT_EQ(m.sql, read(path)) << path;
    }
    EXPECT_EQ(set.front().version, 1);
    EXPECT_EQ(set.front().name, "initial");
}

TEST(Migrations, ChecksumIsSha256Hex) {
    EXPECT_EQ(migration_checksum("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_NE(migration_checksum("SELECT 1;"), migration_checksum("SELECT 1; "));
}

TEST(Errors, CarryCodeMessageAndSqlstate) {
    const error e{errc::unique_violation, "duplicate key", "23505"};
    EXPECT_TRUE(e.is(errc::unique_violation));
    EXPECT_FALSE(e.is(errc::query_failed));
    EXPECT_EQ(e.code.category().name(), std::string{"tradebot.db"});
    EXPECT_EQ(e.describe(), "unique constraint violated: duplicate key [23505]");
    const boost::system::error_code ec = errc::connection_lost;
    EXPECT_EQ(ec.message(), "database connection lost");
    result<int> r{e};
    EXPECT_THROW((void)r.value(), boost::system::system_error);
}

}  // namespace
}  // namespace tradebot::db
