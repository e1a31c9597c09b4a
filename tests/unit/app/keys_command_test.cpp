#include "tradebot/app/keys_command.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tradebot/app/cli.hpp"
#include "tradebot/config/loader.hpp"
#include "tradebot/secrets/sealed_value.hpp"
#include "tradebot_test/env.hpp"

namespace tradebot::app {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;
using env_map = std::map<std::string, std::string>;

struct run_output {
    int code;
    std::string out;
    std::string err;
};

run_output keys(const std::vector<std::string>& args, const std::string& input = {}, const env_map& env = {}) {
    std::istringstream in{input};
    std::ostringstream out;
    std::ostringstream err;
    const int code = run_keys(args, env, in, out, err);
    return {code, out.str(), err.str()};
}

std::string read(const fs::path& p) {
    std::ifstream f{p};
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

class keys_command : public testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(keys({"generate", "--key-file", key_.string()}).code, 0);
        ASSERT_EQ(keys({"generate", "--key-file", new_key_.string()}).code, 0);
    }
    std::string encrypt(const std::string& plain, const fs::path& key) {
        const auto r = keys({"encrypt", "--key-file", key.string()}, plain + "\n");
        EXPECT_EQ(r.code, 0) << r.err;
        return r.out.substr(0, r.out.size() - 1);
    }
    tradebot::test::temp_dir dir_;
    fs::path key_ = dir_.path() / "master.key";
    fs::path new_key_ = dir_.path() / "new.key";
};

TEST_F(keys_command, generate_writes_an_owner_only_file_once) {
    EXPECT_EQ(fs::status(key_).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
    const auto again = keys({"generate", "--key-file", key_.string()});
    EXPECT_EQ(again.code, 1);
    EXPECT_THAT(again.err, HasSubstr("never overwritten"));
    const auto printed = keys({"generate"});
    EXPECT_EQ(printed.code, 0);
    EXPECT_TRUE(secrets::master_key::from_base64(printed.out));
}

TEST_F(keys_command, encrypt_then_decrypt_round_trips_through_stdin) {
    const auto sealed = encrypt("distinctive-api-secret", key_);
    EXPECT_TRUE(sealed.starts_with("enc:v1:")) << sealed;
    EXPECT_EQ(sealed.find("distinctive"), std::string::npos);
    const auto opened = keys({"decrypt", "--key-file", key_.string()}, sealed + "\n");
    EXPECT_EQ(opened.code, 0) << opened.err;
    EXPECT_EQ(opened.out, "distinctive-api-secret\n");
    // The key from the environment, and --json.
    const auto json = keys({"decrypt", "--json"}, sealed, {{"TRADEBOT_MASTER_KEY_FILE", key_.string()}});
    EXPECT_EQ(json.out, "{\"value\":\"distinctive-api-secret\"}\n");
}

TEST_F(keys_command, a_wrong_key_or_an_altered_value_fails_with_exit_1) {
    auto sealed = encrypt("secret", key_);
    auto r = keys({"decrypt", "--key-file", new_key_.string()}, sealed);
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("wrong master key, or the encrypted value was altered"));
    EXPECT_EQ(r.out, "");
    sealed[12] = sealed[12] == 'A' ? 'B' : 'A';
    r = keys({"decrypt", "--key-file", key_.string()}, sealed);
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "");
}

TEST_F(keys_command, usage_errors_exit_2_and_secrets_are_never_arguments) {
    EXPECT_EQ(keys({}).code, 2);
    EXPECT_EQ(keys({"bogus"}).code, 2);
    EXPECT_EQ(keys({"encrypt", "--bogus"}).code, 2);
    const auto r = keys({"encrypt", "my-secret", "--key-file", key_.string()});
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.err, HasSubstr("read on stdin"));
    EXPECT_EQ(keys({"rotate", "--key-file", key_.string()}).code, 2);  // --new-key-file missing
    EXPECT_EQ(keys({"--help"}).code, 0);
    EXPECT_EQ(keys({"encrypt", "--key-file", key_.string()}, "").code, 1);  // nothing to encrypt
}

TEST_F(keys_command, a_key_file_readable_by_others_is_refused) {
    fs::permissions(key_, fs::perms::group_read | fs::perms::others_read, fs::perm_options::add);
    const auto r = keys({"encrypt", "--key-file", key_.string()}, "secret");
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("chmod 600"));
    EXPECT_EQ(r.out, "");
}

TEST_F(keys_command, rotate_re_encrypts_every_value_and_the_config_loads_with_the_new_key) {
    const auto cfg = dir_.path() / "config";
    const auto main_text = "# keep this comment\ndatabase:\n  password: " + encrypt("db-pw", key_) +
                           "\nexchanges:\n  binance:\n    api_key: \"" + encrypt("bn-key", key_) +
                           "\"\n    api_secret: plain-stays-plain\n";
    tradebot::test::write_file(cfg / "tradebot.yaml", main_text);
    fs::permissions(cfg / "tradebot.yaml", fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    tradebot::test::write_file(cfg / ".env", "TRADEBOT_EXCHANGES_BYBIT_API_SECRET=" + encrypt("by-secret", key_) + "\n");

    const auto r = keys({"rotate", "--key-file", key_.string(), "--new-key-file", new_key_.string(), "--config",
                         cfg.string()},
                        {}, {{"TRADEBOT_DATABASE_URL", "enc:v1:AAAA"}});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("tradebot.yaml: 2 value(s) re-encrypted"));
    EXPECT_THAT(r.out, HasSubstr(".env: 1 value(s) re-encrypted"));
    EXPECT_THAT(r.out, HasSubstr("TRADEBOT_DATABASE_URL holds an encrypted value in the environment"));
    EXPECT_EQ(fs::status(cfg / "tradebot.yaml").permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    const auto rotated = read(cfg / "tradebot.yaml");
    EXPECT_THAT(rotated, HasSubstr("# keep this comment\n"));
    EXPECT_THAT(rotated, HasSubstr("    api_secret: plain-stays-plain\n"));

    auto old_load = config::load(cfg, {{"TRADEBOT_MASTER_KEY_FILE", key_.string()}});
    EXPECT_FALSE(old_load.value.has_value());
    auto loaded = config::load(cfg, {{"TRADEBOT_MASTER_KEY_FILE", new_key_.string()}});
    ASSERT_TRUE(loaded.value.has_value()) << loaded.errors.front().to_string();
    EXPECT_EQ(loaded.value->database.password, "db-pw");
    EXPECT_EQ(loaded.value->exchanges.binance.api_key, "bn-key");
    EXPECT_EQ(loaded.value->exchanges.binance.api_secret, "plain-stays-plain");
    EXPECT_EQ(loaded.value->exchanges.bybit.api_secret, "by-secret");

    // Run again (as after an interruption): values already under the new key are left alone.
    const auto again = keys({"rotate", "--key-file", key_.string(), "--new-key-file", new_key_.string(), "--config",
                             cfg.string()});
    EXPECT_EQ(again.code, 0) << again.err;
    EXPECT_THAT(again.out, HasSubstr("tradebot.yaml: 0 value(s) re-encrypted, 2 already under the new key"));
    EXPECT_EQ(read(cfg / "tradebot.yaml"), rotated);
}

TEST_F(keys_command, rotate_changes_nothing_when_one_value_does_not_open) {
    const auto cfg = dir_.path() / "config";
    auto bad = encrypt("x", key_);
    bad[20] = bad[20] == 'A' ? 'B' : 'A';
    const auto first = "database:\n  password: " + encrypt("db-pw", key_) + "\n";
    const auto second = "exchanges:\n  binance:\n    api_key: " + bad + "\n";
    tradebot::test::write_file(cfg / "tradebot.yaml", first);
    tradebot::test::write_file(cfg / "exchanges.yaml", second);
    const auto r = keys({"rotate", "--key-file", key_.string(), "--new-key-file", new_key_.string(), "--config",
                         cfg.string()});
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("exchanges.yaml:3: decryption failed"));
    EXPECT_THAT(r.err, HasSubstr("nothing was changed"));
    EXPECT_EQ(read(cfg / "tradebot.yaml"), first);
    EXPECT_EQ(read(cfg / "exchanges.yaml"), second);
}

TEST(keys_cli, keys_words_and_options_reach_run_keys_untouched) {
    const auto r = parse_command_line({"keys", "rotate", "--new-key-file", "n.key", "--config", "/etc/tb"});
    ASSERT_TRUE(r.value) << r.error;
    EXPECT_EQ(r.value->cmd, command::keys);
    EXPECT_EQ(r.value->keys_args, (std::vector<std::string>{"rotate", "--new-key-file", "n.key", "--config", "/etc/tb"}));
}

}  // namespace
}  // namespace tradebot::app
