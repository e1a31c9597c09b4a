#include "tradebot/logging/secret.hpp"

#include <gtest/gtest.h>

#include <array>
#include <sstream>

namespace logging = tradebot::logging;

TEST(secret, never_prints_its_value) {
    const logging::secret s{"abc123"};
    std::ostringstream os;
    os << s;
    EXPECT_EQ(os.str(), "***");
    EXPECT_EQ(fmt::format("k={}", s), "k=***");
    EXPECT_EQ(s.reveal(), "abc123");
    EXPECT_FALSE(s.empty());
    EXPECT_TRUE(logging::secret{}.empty());
}

TEST(redact, replaces_every_occurrence) {
    const std::array<std::string_view, 2> secrets{"KEY1", "s3cr"};
    EXPECT_EQ(logging::redact("a=KEY1&b=s3cr&c=KEY1KEY1", secrets), "a=***&b=***&c=******");
    EXPECT_EQ(logging::redact("nothing here", secrets), "nothing here");
    EXPECT_EQ(logging::redact("", secrets), "");
}

TEST(redact, longest_secret_wins_and_empty_is_ignored) {
    const std::array<std::string_view, 3> secrets{"abc", "", "abcdef"};
    EXPECT_EQ(logging::redact("xabcdefx abcx", secrets), "x***x ***x");
}

TEST(redact, registry_masks_registered_values) {
    logging::clear_registered_secrets();
    EXPECT_FALSE(logging::has_registered_secrets());
    logging::register_secret("");
    EXPECT_FALSE(logging::has_registered_secrets());
    logging::register_secret("pa55word");
    logging::register_secret("pa55word");
    EXPECT_TRUE(logging::has_registered_secrets());
    EXPECT_EQ(logging::redact_registered("postgres://u:pa55word@h/db"), "postgres://u:***@h/db");
    logging::clear_registered_secrets();
    EXPECT_EQ(logging::redact_registered("postgres://u:pa55word@h/db"), "postgres://u:pa55word@h/db");
}
