// The HTML report opened from disk by a real browser: `chromium --headless --screenshot` must
// draw a page with the report's colours on it (the SVG equity curve in its blue), not a blank one.
#include <cstdlib>
#include <filesystem>
#include <set>

#include <gtest/gtest.h>
#include <png.h>

#include "tradebot/report/render.hpp"
#include "tradebot_test/env.hpp"
#include "tradebot_test/process.hpp"

namespace tradebot::report {
namespace {

using namespace core::literals;
using namespace std::chrono_literals;

constexpr auto day0 = time_point{std::chrono::seconds{1767225600}};  // 2026-01-01T00:00:00Z

performance sample() {
    const char* symbols[] = {"BTCUSDT", "ETHUSDT", "SOLUSDT"};
    const char* reasons[] = {"trailing_stop", "stop_loss", "aged_exit", "manual_close"};
    const char* pnl[] = {"12.5", "-4.2", "7.75", "-9.1", "3.3", "-1.05", "15.2", "-6.4", "2.1", "8.8", "-3.3", "5.05"};
    std::vector<closed_position> all;
    for (int i = 0; i < 12; ++i) {
        closed_position p;
        p.id = i + 1;
        p.exchange = i % 3 == 0 ? core::exchange_id::bybit : core::exchange_id::binance;
        p.symbol = symbols[i % 3];
        p.quantity = "0.5"_d;
        p.opened_at = day0 + std::chrono::hours{9 * i};
        p.closed_at = *p.opened_at + std::chrono::hours{2 + i % 4};
        p.gross_pnl = core::decimal::from_string(pnl[i]);
        p.fees = "0.35"_d;
        p.close_reason = reasons[i % 4];
        all.push_back(p);
    }
    return compute(all, day0, day0 + std::chrono::days{6});
}

bool browser_present() { return test::run_shell("command -v chromium >/dev/null 2>&1").first == 0; }

struct image {
    unsigned width = 0;
    unsigned height = 0;
    std::vector<png_byte> rgba;
};

std::optional<image> read_png(const std::filesystem::path& path) {
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    if (png_image_begin_read_from_file(&png, path.c_str()) == 0) {
        return std::nullopt;
    }
    png.format = PNG_FORMAT_RGBA;
    image out;
    out.width = png.width;
    out.height = png.height;
    out.rgba.resize(PNG_IMAGE_SIZE(png));
    if (png_image_finish_read(&png, nullptr, out.rgba.data(), 0, nullptr) == 0) {
        png_image_free(&png);
        return std::nullopt;
    }
    return out;
}

TEST(report_browser, chromium_draws_the_html_report) {
    if (!browser_present()) {
        const char* allow = std::getenv("TRADEBOT_TEST_ALLOW_NO_BROWSER");
        if (allow != nullptr && std::string{allow} == "1") {
            GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh installs it); skipped because "
                            "TRADEBOT_TEST_ALLOW_NO_BROWSER=1";
        }
        FAIL() << "chromium is not installed: run scripts/install-deps.sh, or set TRADEBOT_TEST_ALLOW_NO_BROWSER=1";
    }
    test::temp_dir dir;
    const auto html = dir.path() / "report.html";
    const auto png = dir.path() / "report.png";
    test::write_file(html, render_html(sample(), render_options{"test", day0 + std::chrono::days{6}}));
    // Its own profile directory: other sessions may run chromium at the same time.
    const auto [rc, out] = test::run_shell(
        "timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run "
        "--user-data-dir=" + (dir.path() / "profile").string() + " --window-size=1000,1500 --screenshot=" +
        png.string() + " file://" + html.string() + " 2>&1");
    ASSERT_EQ(rc, 0) << out;
    ASSERT_TRUE(std::filesystem::exists(png)) << out;
    const auto img = read_png(png);
    ASSERT_TRUE(img) << "not a PNG: " << png;
    EXPECT_EQ(img->width, 1000U);
    EXPECT_EQ(img->height, 1500U);
    // A copy for a person to look at (the temp dir goes away).
    std::filesystem::copy_file(png, test::binary_dir() / "report-browser-test.png",
                               std::filesystem::copy_options::overwrite_existing);

    std::set<std::uint32_t> colours;
    std::size_t ink = 0;
    std::size_t curve = 0;  // the equity curve's #2563eb, exactly or nearly (anti-aliasing)
    std::size_t loss = 0;   // the losses' red #c0262d
    for (std::size_t i = 0; i + 3 < img->rgba.size(); i += 4) {
        const int r = img->rgba[i];
        const int g = img->rgba[i + 1];
        const int b = img->rgba[i + 2];
        colours.insert(static_cast<std::uint32_t>(r << 16 | g << 8 | b));
        if (r < 235 || g < 235 || b < 235) {
            ++ink;
        }
        if (std::abs(r - 0x25) < 12 && std::abs(g - 0x63) < 12 && std::abs(b - 0xeb) < 12) {
            ++curve;
        }
        if (std::abs(r - 0xc0) < 12 && std::abs(g - 0x26) < 12 && std::abs(b - 0x2d) < 12) {
            ++loss;
        }
    }
    const auto pixels = static_cast<std::size_t>(img->width) * img->height;
    EXPECT_GT(colours.size(), 50U) << "the page is (nearly) one colour";
    EXPECT_GT(ink, pixels / 50) << "almost nothing is drawn";
    EXPECT_GT(curve, 500U) << "the equity curve's blue is missing: the SVG was not drawn";
    EXPECT_GT(loss, 200U) << "no red: the drawdown curve and the losses are missing";
}

}  // namespace
}  // namespace tradebot::report
