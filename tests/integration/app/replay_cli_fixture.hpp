#pragma once

// What the tests of `tradebot backtest` and `tradebot simulate` share: the binary, the repository's
// config/, a scratch directory, regex counts, and the report as headless chromium renders it.
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "tradebot_test/env.hpp"
#include "tradebot_test/process.hpp"

namespace tradebot::test {

class replay_cli_test : public ::testing::Test {
protected:
    [[nodiscard]] static std::string bin() { return built_binary("src/bin/tradebot").string(); }
    [[nodiscard]] static std::filesystem::path repo_config() { return source_dir() / "config"; }

    [[nodiscard]] static long count(const std::string& text, const std::string& pattern) {
        const std::regex re{pattern};
        return std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator());
    }

    [[nodiscard]] static bool has_chromium() { return run_shell("command -v chromium").first == 0; }

    // A page opened from disk (file://, nothing else loaded) by headless chromium: the DOM it built
    // and the size of its screenshot (a blank page compresses to a few KB).
    struct rendered {
        std::string dom;
        std::uintmax_t screenshot_bytes = 0;
    };
    [[nodiscard]] rendered render(const std::filesystem::path& html, int height) const {
        rendered out;
        const auto page = "file://" + html.string();
        const auto browser = "chromium --headless --no-sandbox --disable-gpu --user-data-dir=" +
                             (dir_.path() / "chromium").string() + " --window-size=1100," + std::to_string(height) + " ";
        const auto [drc, dom] = run_shell(browser + "--dump-dom " + page + " 2>/dev/null");
        EXPECT_EQ(drc, 0) << dom;
        out.dom = dom;
        const auto shot = dir_.path() / (html.stem().string() + ".png");
        const auto [src, sout] = run_shell(browser + "--screenshot=" + shot.string() + " " + page);
        EXPECT_EQ(src, 0) << sout;
        std::error_code ec;
        out.screenshot_bytes = std::filesystem::exists(shot, ec) ? std::filesystem::file_size(shot, ec) : 0;
        return out;
    }

    temp_dir dir_;
};

}  // namespace tradebot::test
