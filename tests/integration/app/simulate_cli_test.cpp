// `tradebot simulate` as people run it: the real binary with the repository's config/.
#include <filesystem>
#include <regex>

#include <gtest/gtest.h>

#include "replay_cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using tradebot::test::read_file;
using tradebot::test::run_shell;

class simulate_cli : public tradebot::test::replay_cli_test {
protected:
    std::string simulate(const std::string& out_dir, const std::string& extra = {}) const {
        // Four paths and seed 11 unless `extra` sets them (an option may appear once).
        const std::string paths = extra.find("--paths") == std::string::npos ? " --paths 4" : "";
        const std::string seed = extra.find("--seed") == std::string::npos ? " --seed 11" : "";
        return bin() + " simulate" + paths + seed + " --days 1 --symbols 2 --config " + repo_config().string() +
               " --output " + (dir_.path() / out_dir).string() + extra;
    }
};

TEST_F(simulate_cli, runs_paths_on_threads_and_gives_the_same_report_on_one) {
    const auto [rc, out] = run_shell("(" + simulate("two", " --jobs 2 2>" + (dir_.path() / "stderr.txt").string()) + ")");
    ASSERT_EQ(rc, 0) << out << read_file(dir_.path() / "stderr.txt");
    EXPECT_NE(out.find("simulate: 4 paths, seed 11, model regimes, 1 days, edge 0.55 over 120 min"), std::string::npos)
        << out;
    for (const char* line : {"  PnL ", "  max drawdown ", "  win rate ", "  ruin probability "}) {
        EXPECT_NE(out.find(line), std::string::npos) << line << "\n" << out;
    }
    EXPECT_NE(out.find("report: " + fs::absolute(dir_.path() / "two" / "simulation.html").string()), std::string::npos)
        << out;
    // The progress line: not a terminal, so a line per 10 %, ending at all paths.
    const auto err = read_file(dir_.path() / "stderr.txt");
    EXPECT_NE(err.find("simulate: 4/4 paths (100 %)"), std::string::npos) << err;

    const auto json = read_file(dir_.path() / "two" / "simulation.json");
    EXPECT_EQ(count(json, "\\{\"path\": [0-9]+, \"seed\": "), 4) << json;
    EXPECT_NE(json.find("\"p95\": "), std::string::npos);
    EXPECT_NE(json.find("\"ruin_probability\": "), std::string::npos);
    const auto [rc1, out1] = run_shell(simulate("one", " --jobs 1 --quiet 2>&1"));
    ASSERT_EQ(rc1, 0) << out1;
    EXPECT_EQ(read_file(dir_.path() / "one" / "simulation.json"), json);
    EXPECT_EQ(read_file(dir_.path() / "one" / "simulation.html"), read_file(dir_.path() / "two" / "simulation.html"));
    // Another seed, other markets.
    const auto [rc2, out2] = run_shell(simulate("other", " --seed 12 --quiet 2>&1"));
    ASSERT_EQ(rc2, 0) << out2;
    EXPECT_NE(read_file(dir_.path() / "other" / "simulation.json"), json);
}

TEST_F(simulate_cli, set_the_edge_and_a_scenario_reach_the_run) {
    // No trailing: the configuration's override reaches every path (no trailing exits, so the
    // result differs from the default configuration's).
    const auto [rc, out] = run_shell(simulate("plain", " --quiet --edge 0.9 2>&1"));
    ASSERT_EQ(rc, 0) << out;
    const auto [src, sout] =
        run_shell(simulate("notrail", " --quiet --edge 0.9 --set protection.trailing.enabled=false 2>&1"));
    ASSERT_EQ(src, 0) << sout;
    const auto plain = read_file(dir_.path() / "plain" / "simulation.json");
    EXPECT_NE(plain.find("\"edge\": 0.9000,"), std::string::npos);
    EXPECT_NE(read_file(dir_.path() / "notrail" / "simulation.json"), plain);
    // The simulator's scenario: its symbols and price models.
    const auto scenario = tradebot::test::source_dir() / "config" / "sim" / "default.yaml";
    const auto [krc, kout] = run_shell(simulate("scenario", " --quiet --paths 2 --scenario " + scenario.string() + " 2>&1"));
    ASSERT_EQ(krc, 0) << kout;
    EXPECT_NE(kout.find("model scenario "), std::string::npos) << kout;
}

TEST_F(simulate_cli, usage_errors_exit_2_with_a_message) {
    const std::pair<const char*, const char*> cases[] = {
        {" --edge 1.5", "--edge must be a probability, 0..1"},
        {" --paths 0", "--paths must be at least 1"},
        {" --model brownian", "--model must be walk, jumps or regimes"},
        {" --set no.such.key=1", "--set 'no.such.key=1'"},
        {" --scenario /no/such/file.yaml", "/no/such/file.yaml"},
        {" --ruin-fraction 2", "--ruin-fraction must be a decimal 0..1"},
    };
    for (const auto& [args, message] : cases) {
        const auto [rc, out] = run_shell(simulate("bad", std::string{args} + " 2>&1"));
        EXPECT_EQ(rc, 2) << args << "\n" << out;
        EXPECT_NE(out.find(message), std::string::npos) << args << "\n" << out;
    }
    const auto [rc, out] = run_shell(bin() + " simulate --help");
    EXPECT_EQ(rc, 0);
    for (const char* option : {"--paths", "--seed", "--symbols", "--days", "--edge", "--jobs", "--set", "--output",
                               "--scenario", "--ruin-fraction"}) {
        EXPECT_NE(out.find(option), std::string::npos) << option;
    }
}

TEST_F(simulate_cli, the_html_report_renders_in_a_headless_browser) {
    if (!has_chromium()) {
        GTEST_SKIP() << "Debian's chromium is not installed";
    }
    const auto [rc, out] = run_shell(simulate("out", " --quiet --paths 6"));
    ASSERT_EQ(rc, 0) << out;
    const auto page = render(dir_.path() / "out" / "simulation.html", 1600);
    // A row per path, both histograms drawn, an equity curve per path.
    EXPECT_EQ(count(page.dom, "<tr class=\"path\">"), 6);
    EXPECT_EQ(count(page.dom, "<path class=\"bars\" d=\"M[0-9.]+,[0-9.]+ L"), 2);
    EXPECT_EQ(count(page.dom, "<path class=\"curve (up|down)\" d=\"M[0-9.]+,[0-9.]+( L[0-9.]+,[0-9.]+){100,}\""), 6);
    // Tables, two histograms and the curves.
    EXPECT_GT(page.screenshot_bytes, 30'000U);
}

}  // namespace
