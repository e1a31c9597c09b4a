#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace tradebot::test {

// The throwaway PostgreSQL started by scripts/test.sh (scripts/pg-local.sh) exports
// TRADEBOT_TEST_PG_URL. Tests that need it call GTEST_SKIP() without it only when
// TRADEBOT_TEST_ALLOW_NO_PG=1; in CI its absence is a failure.
[[nodiscard]] std::optional<std::string> pg_url();

// A fresh directory under the system temp dir, removed by the destructor.
class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

// The source tree and the CMake build tree this test was built from.
[[nodiscard]] std::filesystem::path source_dir();
[[nodiscard]] std::filesystem::path binary_dir();

// Writes `text` to `path`, creating parent directories.
void write_file(const std::filesystem::path& path, const std::string& text);
// The whole file; empty when it cannot be read.
[[nodiscard]] std::string read_file(const std::filesystem::path& path);

}  // namespace tradebot::test

namespace tradebot::test {
[[nodiscard]] bool allow_no_pg();
}  // namespace tradebot::test

// Declares `const std::string var` holding the test PostgreSQL URL, or ends the test:
// skipped when TRADEBOT_TEST_ALLOW_NO_PG=1, failed otherwise (scripts/test.sh always sets it).
#define TRADEBOT_REQUIRE_PG(var)                                                                  \
    const auto var##_opt_ = ::tradebot::test::pg_url();                                           \
    if (!var##_opt_) {                                                                            \
        if (::tradebot::test::allow_no_pg()) {                                                    \
            GTEST_SKIP() << "TRADEBOT_TEST_PG_URL is not set";                                    \
        }                                                                                         \
        FAIL() << "TRADEBOT_TEST_PG_URL is not set: run the tests through scripts/test.sh";       \
    }                                                                                             \
    const std::string var = *var##_opt_
