// Secrets stored as enc:v1 values (secrets/sealed_value.hpp) are opened at load; every failure
// fails the whole configuration with the key's name and place, never its value.
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/schema.hpp"
#include "config_test_util.hpp"
#include "tradebot/config/dump.hpp"
#include "tradebot/secrets/sealed_value.hpp"

namespace tradebot::config {
namespace {

using test::load_main;
using test::messages;
using testing::ElementsAre;
using testing::HasSubstr;
namespace fs = std::filesystem;

const std::string key_text = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const std::string other_key_text = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";

std::string sealed(const std::string& plain, const std::string& key = key_text) {
    return *secrets::seal(*secrets::master_key::from_base64(key), plain);
}

class config_encrypted : public testing::Test {
protected:
    [[nodiscard]] std::string main_file() const { return (dir_.path() / "tradebot.yaml").string(); }
    tradebot::test::temp_dir dir_;
};

TEST_F(config_encrypted, every_secret_key_accepts_an_encrypted_value) {
    const auto r = load_main(dir_,
                             "database:\n"
                             "  url: " + sealed("postgresql://bot:db-url-pw@db/fox") + "\n"
                             "  password: " + sealed("db-password") + "\n"
                             "exchanges:\n"
                             "  binance:\n"
                             "    api_key: " + sealed("binance-key") + "\n"
                             "    api_secret: \"" + sealed("binance-secret") + "\"\n"
                             "  bybit:\n"
                             "    api_key: '" + sealed("bybit-key") + "'\n",
                             {{"TRADEBOT_MASTER_KEY", key_text},
                              {"TRADEBOT_EXCHANGES_BYBIT_API_SECRET", sealed("bybit-secret")}});
    ASSERT_TRUE(r.value.has_value()) << messages(r).front();
    EXPECT_EQ(r.value->database.url, "postgresql://bot:db-url-pw@db/fox");
    EXPECT_EQ(r.value->database.password, "db-password");
    EXPECT_EQ(r.value->exchanges.binance.api_key, "binance-key");
    EXPECT_EQ(r.value->exchanges.binance.api_secret, "binance-secret");
    EXPECT_EQ(r.value->exchanges.bybit.api_key, "bybit-key");
    EXPECT_EQ(r.value->exchanges.bybit.api_secret, "bybit-secret");
    const auto text = dump(*r.value);
    EXPECT_THAT(text, testing::Not(HasSubstr("db-password")));
    EXPECT_THAT(text, testing::Not(HasSubstr("binance-secret")));
}

TEST_F(config_encrypted, the_key_file_and_the_dotenv_file_work_together) {
    tradebot::test::write_file(dir_.path() / "master.key", key_text + "\n");
    fs::permissions(dir_.path() / "master.key", fs::perms::owner_read | fs::perms::owner_write);
    tradebot::test::write_file(dir_.path() / ".env",
                               "TRADEBOT_MASTER_KEY_FILE=" + (dir_.path() / "master.key").string() + "\n"
                               "TRADEBOT_DATABASE_PASSWORD=" + sealed("from-dotenv") + "\n");
    const auto r = load_main(dir_, "app:\n  mode: test\n");
    ASSERT_TRUE(r.value.has_value()) << messages(r).front();
    EXPECT_EQ(r.value->database.password, "from-dotenv");
}

TEST_F(config_encrypted, plain_values_need_no_master_key) {
    const auto r = load_main(dir_, "database:\n  password: plain-enc-looking:v1\n");
    ASSERT_TRUE(r.value.has_value()) << messages(r).front();
    EXPECT_EQ(r.value->database.password, "plain-enc-looking:v1");
}

TEST_F(config_encrypted, a_wrong_key_names_the_config_key_and_place_but_not_the_value) {
    const auto value = sealed("distinctive-password");
    const auto r = load_main(dir_, "database:\n  password: " + value + "\n", {{"TRADEBOT_MASTER_KEY", other_key_text}});
    ASSERT_FALSE(r.value.has_value());
    EXPECT_THAT(messages(r), ElementsAre(main_file() + ":2:3: database.password: cannot use the encrypted value: "
                                                       "decryption failed: wrong master key, or the encrypted value "
                                                       "was altered"));
    EXPECT_THAT(messages(r).front(), testing::Not(HasSubstr(value.substr(7, 10))));
}

TEST_F(config_encrypted, an_altered_value_fails_closed) {
    auto value = sealed("distinctive-password");
    value[value.size() / 2] = value[value.size() / 2] == 'A' ? 'B' : 'A';
    const auto r = load_main(dir_, "database:\n  password: " + value + "\n", {{"TRADEBOT_MASTER_KEY", key_text}});
    ASSERT_FALSE(r.value.has_value());
    EXPECT_THAT(messages(r).front(), HasSubstr("database.password: cannot use the encrypted value: decryption failed"));
}

TEST_F(config_encrypted, an_unknown_version_or_a_malformed_value_is_an_error) {
    const auto v2 = "enc:v2:" + sealed("x").substr(7);
    const auto r = load_main(dir_,
                             "exchanges:\n  binance:\n    api_key: " + v2 + "\n    api_secret: enc:v1:!!\n",
                             {{"TRADEBOT_MASTER_KEY", key_text}});
    ASSERT_FALSE(r.value.has_value());
    EXPECT_THAT(messages(r), ElementsAre(HasSubstr(":3:5: exchanges.binance.api_key: cannot use the encrypted value: "
                                                   "unsupported encrypted-value version"),
                                         HasSubstr(":4:5: exchanges.binance.api_secret: cannot use the encrypted "
                                                   "value: malformed")));
}

TEST_F(config_encrypted, an_encrypted_value_without_a_master_key_fails_each_key) {
    const auto r = load_main(dir_, "database:\n  password: " + sealed("pw") + "\n",
                             {{"TRADEBOT_EXCHANGES_BINANCE_API_KEY", sealed("k")}});
    ASSERT_FALSE(r.value.has_value());
    EXPECT_THAT(messages(r),
                testing::UnorderedElementsAre("environment:TRADEBOT_EXCHANGES_BINANCE_API_KEY: exchanges.binance.api_key: value is "
                            "encrypted but the master key is unavailable: no master key: set "
                            "TRADEBOT_MASTER_KEY_FILE (or TRADEBOT_MASTER_KEY)",
                            HasSubstr("database.password: value is encrypted but the master key is unavailable")));
}

TEST_F(config_encrypted, a_key_file_open_to_others_is_refused) {
    tradebot::test::write_file(dir_.path() / "master.key", key_text);
    fs::permissions(dir_.path() / "master.key",
                    fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
    const auto r = load_main(dir_, "database:\n  password: " + sealed("pw") + "\n",
                             {{"TRADEBOT_MASTER_KEY_FILE", (dir_.path() / "master.key").string()}});
    ASSERT_FALSE(r.value.has_value());
    EXPECT_THAT(messages(r).front(), HasSubstr("database.password: value is encrypted but the master key is "
                                               "unavailable: " + (dir_.path() / "master.key").string() +
                                               " (mode 0644"));
    EXPECT_THAT(messages(r).front(), HasSubstr("chmod 600"));
}

TEST_F(config_encrypted, the_master_key_itself_is_refused_in_the_dotenv_file) {
    tradebot::test::write_file(dir_.path() / ".env", "TRADEBOT_MASTER_KEY=" + key_text + "\n");
    const auto r = load_main(dir_, "database:\n  password: " + sealed("pw") + "\n");
    ASSERT_FALSE(r.value.has_value());
    EXPECT_THAT(messages(r), ElementsAre(HasSubstr(".env:1:1: TRADEBOT_MASTER_KEY must not be set in the .env file")));
}

TEST_F(config_encrypted, an_encrypted_value_on_a_key_that_is_not_secret_is_an_error) {
    const auto r = load_main(dir_, "database:\n  user: " + sealed("bot") + "\n", {{"TRADEBOT_MASTER_KEY", key_text}});
    ASSERT_FALSE(r.value.has_value());
    EXPECT_THAT(messages(r), ElementsAre(HasSubstr(":2:3: database.user: is not a secret; encrypted values are "
                                                   "accepted for database.url, database.password, control.token, alerts.webhook.url, exchanges.<venue>.api_key, "
                                                   "exchanges.<venue>.api_secret, signals.external.database_url")));
}

// A key added later that holds a credential must be marked secret in schema.cpp: then dump()
// hides it and it accepts an encrypted value.
TEST(config_schema, every_key_that_names_a_credential_is_marked_secret) {
    for (const auto& f : detail::fields()) {
        const auto last = f.path.substr(f.path.rfind('.') + 1);
        const bool credential = last.find("password") != std::string::npos || last.find("secret") != std::string::npos ||
                                last.find("api_key") != std::string::npos || last.find("token") != std::string::npos ||
                                last.find("webhook") != std::string::npos || last.ends_with("database_url") ||
                                f.path == "database.url";
        if (credential) {
            EXPECT_NE(f.secret, detail::secrecy::none) << f.path << " holds a credential but is not marked secret";
        }
    }
}

}  // namespace
}  // namespace tradebot::config
