#include "tradebot/db/connection_url.hpp"

#include <gtest/gtest.h>

namespace tradebot::db {
namespace {

TEST(ConnectionUrl, BuildsAPercentEncodedUrl) {
    connection_url url;
    url.host = "db.example";
    url.port = 6432;
    url.dbname = "fox_crypto";
    url.user = "bot";
    url.password = "p@ss:w/rd";
    url.params = {{"sslmode", "require"}, {"application_name", "trade bot"}};
    EXPECT_EQ(url.str(), "postgresql://bot:p%40ss%3Aw%2Frd@db.example:6432/fox_crypto?sslmode=require&application_name=trade%20bot");
    EXPECT_EQ(url.redacted(),
              "postgresql://bot:***@db.example:6432/fox_crypto?sslmode=require&application_name=trade%20bot");
}

TEST(ConnectionUrl, BracketsIpv6AndMovesSocketDirectoriesToTheQuery) {
    connection_url v6;
    v6.host = "::1";
    v6.user = "bot";
    EXPECT_EQ(v6.str(), "postgresql://bot@[::1]:5432/fox_crypto");

    connection_url local;
    local.host = "/run/postgresql";
    local.port = 5433;
    EXPECT_EQ(local.str(), "postgresql://:5433/fox_crypto?host=%2Frun%2Fpostgresql");
}

TEST(Redact, HidesUrlPasswords) {
    EXPECT_EQ(redact("postgresql://bot:secret@h:5432/db"), "postgresql://bot:***@h:5432/db");
    EXPECT_EQ(redact("postgres://bot@h/db?sslmode=disable&password=secret&x=1"),
              "postgres://bot@h/db?sslmode=disable&password=***&x=1");
    EXPECT_EQ(redact("postgresql://bot:secret@h1:1,h2:2/db"), "postgresql://bot:***@h1:1,h2:2/db");
    EXPECT_EQ(redact("postgresql://h"), "postgresql://h");
}

TEST(Redact, HidesKeywordPasswords) {
    EXPECT_EQ(redact("host=h port=5 password=secret user=bot"), "host=h port=5 password=*** user=bot");
    EXPECT_EQ(redact("password = 'a b\\' c' dbname=x"), "password = *** dbname=x");
    EXPECT_EQ(redact("dbname=postgresql://u:pw@h/db"), "dbname=postgresql://u:***@h/db");
    EXPECT_EQ(redact("host=h password='unterminated"), "<unparsable connection string>");
}

TEST(WithDefaultParam, AddsOnlyMissingKeys) {
    EXPECT_EQ(with_default_param("postgresql://h/db", "connect_timeout", "5"), "postgresql://h/db?connect_timeout=5");
    EXPECT_EQ(with_default_param("postgresql://h/db?sslmode=x", "connect_timeout", "5"),
              "postgresql://h/db?sslmode=x&connect_timeout=5");
    EXPECT_EQ(with_default_param("postgresql://h/db?connect_timeout=9", "connect_timeout", "5"),
              "postgresql://h/db?connect_timeout=9");
    EXPECT_EQ(with_default_param("host=h", "application_name", "it's"), "host=h application_name='it\\'s'");
    EXPECT_EQ(with_default_param("host=h application_name=x", "application_name", "y"), "host=h application_name=x");
    EXPECT_EQ(with_default_param("", "host", "h"), "host='h'");
}

TEST(Identifiers, AcceptOnlyPlainLowerCaseNames) {
    EXPECT_TRUE(is_valid_identifier("trading_bot"));
    EXPECT_TRUE(is_valid_identifier("_t1"));
    EXPECT_FALSE(is_valid_identifier(""));
    EXPECT_FALSE(is_valid_identifier("1abc"));
    EXPECT_FALSE(is_valid_identifier("Trading"));
    EXPECT_FALSE(is_valid_identifier("a\"; DROP"));
    EXPECT_FALSE(is_valid_identifier(std::string(49, 'a')));
    EXPECT_EQ(signals_channel("trading_bot"), "trading_bot_signals");
}

}  // namespace
}  // namespace tradebot::db
