#include "tradebot/secrets/master_key.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tradebot/secrets/sealed_value.hpp"
#include "tradebot_test/env.hpp"

namespace tradebot::secrets {
namespace {

namespace fs = std::filesystem;

const std::string key_text = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";  // base64 of 32 ASCII bytes

fs::path write_key(const tradebot::test::temp_dir& dir, const std::string& name, const std::string& text,
                   fs::perms mode) {
    const auto path = dir.path() / name;
    tradebot::test::write_file(path, text);
    fs::permissions(path, mode);
    return path;
}

TEST(master_key, parses_base64_of_exactly_32_bytes) {
    const auto key = master_key::from_base64(key_text);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->to_base64(), key_text);
    EXPECT_TRUE(master_key::from_base64("  " + key_text + "\n"));
    EXPECT_EQ(master_key::from_base64("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZQ==").error(),
              make_error_code(errc::bad_master_key));  // 31 bytes
    EXPECT_EQ(master_key::from_base64("").error(), make_error_code(errc::bad_master_key));
    EXPECT_EQ(master_key::from_base64("not base64 at all!").error(), make_error_code(errc::bad_master_key));
}

TEST(master_key, generated_keys_differ) {
    const auto a = master_key::generate();
    const auto b = master_key::generate();
    ASSERT_TRUE(a && b);
    EXPECT_NE(a->to_base64(), b->to_base64());
    EXPECT_EQ(a->to_base64().size(), 44U);
}

TEST(master_key, a_key_file_readable_only_by_its_owner_is_accepted) {
    const tradebot::test::temp_dir dir;
    for (const auto mode : {fs::perms::owner_read | fs::perms::owner_write, fs::perms::owner_read}) {
        const auto path = write_key(dir, "k" + std::to_string(static_cast<int>(mode)), key_text + "\n", mode);
        const auto key = read_master_key_file(path);
        ASSERT_TRUE(key) << key.error().describe();
        EXPECT_EQ(key->to_base64(), key_text);
    }
}

TEST(master_key, a_key_file_open_to_group_or_others_is_refused_before_it_is_read) {
    const tradebot::test::temp_dir dir;
    for (const auto extra : {fs::perms::group_read, fs::perms::others_read, fs::perms::group_write,
                             fs::perms::others_exec}) {
        const auto path = write_key(dir, "open", key_text, fs::perms::owner_read | fs::perms::owner_write | extra);
        const auto key = read_master_key_file(path);
        ASSERT_FALSE(key);
        EXPECT_EQ(key.error().code, make_error_code(errc::key_file_permissions));
        EXPECT_NE(key.error().describe().find(path.string()), std::string::npos) << key.error().describe();
        EXPECT_NE(key.error().describe().find("chmod 600"), std::string::npos) << key.error().describe();
        EXPECT_EQ(key.error().describe().find(key_text), std::string::npos);
        fs::remove(path);
    }
}

TEST(master_key, missing_directory_and_garbage_files_are_refused_and_a_symlink_is_judged_by_its_target) {
    const tradebot::test::temp_dir dir;
    EXPECT_EQ(read_master_key_file(dir.path() / "absent").error().code, make_error_code(errc::key_file_unreadable));
    EXPECT_EQ(read_master_key_file(dir.path()).error().code, make_error_code(errc::key_file_unreadable));
    const auto real = write_key(dir, "real", key_text, fs::perms::owner_read | fs::perms::owner_write);
    fs::create_symlink(real, dir.path() / "link");
    EXPECT_EQ(read_master_key_file(dir.path() / "link")->to_base64(), key_text);
    const auto open_to_all = write_key(dir, "open", key_text, fs::perms::owner_all | fs::perms::others_read);
    fs::create_symlink(open_to_all, dir.path() / "link-to-open");
    EXPECT_EQ(read_master_key_file(dir.path() / "link-to-open").error().code,
              make_error_code(errc::key_file_permissions));
    const auto garbage = write_key(dir, "garbage", "hello", fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_EQ(read_master_key_file(garbage).error().code, make_error_code(errc::bad_master_key));
}

TEST(master_key, the_environment_names_exactly_one_source) {
    const tradebot::test::temp_dir dir;
    const auto file = write_key(dir, "key", key_text, fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_EQ(master_key_from_environment({}).error().code, make_error_code(errc::no_master_key));
    EXPECT_EQ(master_key_from_environment({{master_key_env, ""}}).error().code, make_error_code(errc::no_master_key));
    EXPECT_EQ(master_key_from_environment({{master_key_env, key_text}})->to_base64(), key_text);
    EXPECT_EQ(master_key_from_environment({{master_key_file_env, file.string()}})->to_base64(), key_text);
    EXPECT_EQ(master_key_from_environment({{master_key_env, key_text}, {master_key_file_env, file.string()}})
                  .error()
                  .code,
              make_error_code(errc::ambiguous_master_key));
    const auto bad = master_key_from_environment({{master_key_env, "short"}});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, make_error_code(errc::bad_master_key));
    EXPECT_EQ(bad.error().describe().find("short"), std::string::npos) << "the key text itself is never echoed";
}

TEST(master_key, create_writes_mode_0600_and_never_overwrites) {
    const tradebot::test::temp_dir dir;
    const auto path = dir.path() / "master.key";
    const auto key = create_master_key_file(path);
    ASSERT_TRUE(key) << key.error().describe();
    EXPECT_EQ(fs::status(path).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
    const auto again = read_master_key_file(path);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->to_base64(), key->to_base64());
    // A value sealed with the created key opens with the key read back.
    EXPECT_EQ(*open(*again, *seal(*key, "round trip")), "round trip");
    const auto second = create_master_key_file(path);
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().describe().find("never overwritten"), std::string::npos) << second.error().describe();
    EXPECT_EQ(read_master_key_file(path)->to_base64(), key->to_base64());
}

}  // namespace
}  // namespace tradebot::secrets
