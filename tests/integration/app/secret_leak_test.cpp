// Rule 9: no secret in logs, metrics, health or status answers, database rows, command output or
// webhook alerts. A production session on tradebot-sim with distinctive keys on both venues, the
// database URL's password, the control token, the alert webhook's URL and the master key, at
// trace level (more than debug): open, trail, stop out, restart, then every command the binary
// offers, including their --json forms and their failures. All that text is searched for each
// secret.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "session_fixture.hpp"
#include "webhook_receiver.hpp"

using namespace std::chrono_literals;
using tradebot::test::read_file;
using tradebot::test::run_shell;
namespace fs = std::filesystem;

namespace {

// Distinctive enough that a hit cannot be a coincidence; each venue has its own account.
const std::string binance_key = "LeakCanaryBinanceKey7f3a9c2e51d8";
const std::string binance_secret = "LeakCanaryBinanceSecret4e8a2f6c0d1b";
const std::string bybit_key = "LeakCanaryBybitKey93b1c7d5e2f4";
const std::string bybit_secret = "LeakCanaryBybitSecret6a0e8c4b2d9f";
const std::string db_password = "LeakCanaryDbPassword5c7e1a3f";
const std::string control_token = "LeakCanaryControlToken2b6d8f0a4c";
// The path of a Discord webhook URL is its credential (a Telegram one holds the bot token).
const std::string webhook_token = "LeakCanaryWebhookToken8d2f4b6a1c3e";

class secret_leak_test : public tradebot::test::session_test {
protected:
    // Everything a session leaves for people and machines to read, by where it came from.
    std::vector<std::pair<std::string, std::string>> artifacts_;

    void keep(const std::string& where, const std::string& text) { artifacts_.emplace_back(where, text); }

    // Runs a tradebot command line (after the binary), keeps its combined output, returns its exit code.
    int command(const std::string& args, const std::string& stdin_text = {}) {
        const auto input = dir_.path() / "stdin.txt";
        tradebot::test::write_file(input, stdin_text);
        const auto [rc, out] = run_shell(bin() + " " + args + " < " + input.string() + " 2>&1");
        keep("tradebot " + args + " (exit " + std::to_string(rc) + ")", out);
        return rc;
    }

    std::string sealed(const std::string& plain) {
        const auto input = dir_.path() / "plain.txt";
        tradebot::test::write_file(input, plain);
        const auto [rc, out] = run_shell(bin() + " keys encrypt --key-file " + key_file_.string() + " < " + input.string());
        EXPECT_EQ(rc, 0) << out;
        return out.substr(0, out.find('\n'));
    }

    fs::path key_file_ = dir_.path() / "master.key";
};

TEST_F(secret_leak_test, no_secret_reaches_logs_metrics_health_rows_or_command_output) {
    // The venue accounts.
    for (const auto& [key, secret] : {std::pair{binance_key, binance_secret}, std::pair{bybit_key, bybit_secret}}) {
        const auto [rc, out] = sim_.control(sim_.binance_port(), "POST", "/sim/account",
                                            R"({"api_key":")" + key + R"(","api_secret":")" + secret +
                                                R"(","balance":"10000"})");
        ASSERT_EQ(rc, 200) << out;
    }
    // Binance's keys and the database URL encrypted in the files, Bybit's plain in .env: both
    // ways a secret arrives. The test cluster trusts local connections, so any password works.
    const auto [grc, gen] = run_shell(bin() + " keys generate --key-file " + key_file_.string());
    ASSERT_EQ(grc, 0) << gen;
    const std::string master_key = read_file(key_file_).substr(0, 44);
    const auto at = pg_url_.find('@');
    ASSERT_NE(at, std::string::npos) << pg_url_;
    const auto url_with_password = std::string{pg_url_}.insert(at, ":" + db_password);
    write_exchanges("    api_key: " + sealed(binance_key) + "\n    api_secret: " + sealed(binance_secret) + "\n");
    // The operator commands reach the running daemon through its control endpoint, whose token is
    // sealed in the file too.
    const auto control_port = tradebot::test::free_port();
    // The daemon's alerts go to a local receiver; the URL, sealed too, carries a canary token.
    tradebot::test::webhook_receiver receiver;
    ASSERT_NE(receiver.port(), 0);
    const auto webhook_url =
        "http://127.0.0.1:" + std::to_string(receiver.port()) + "/api/webhooks/1/" + webhook_token;
    write_main(sealed(url_with_password), "logging:\n  level: trace\n  file: " + (dir_.path() / "tradebot.log").string() +
                                              "\ncontrol:\n  port: " + std::to_string(control_port) +
                                              "\n  token: " + sealed(control_token) + "\nalerts:\n  webhook:\n    url: " +
                                              sealed(webhook_url) + "\n");
    write_immediate_strategy();
    tradebot::test::write_file(config_dir() / ".env",
                               "TRADEBOT_MASTER_KEY_FILE=" + key_file_.string() + "\n"
                               "TRADEBOT_EXCHANGES_BYBIT_API_KEY=" + bybit_key + "\n"
                               "TRADEBOT_EXCHANGES_BYBIT_API_SECRET=" + bybit_secret + "\n");

    // A trading session: open on both venues, trail, stop out on one, restart, reconcile.
    auto bot = start("bot", "production");
    ASSERT_TRUE(wait_ready(*bot)) << bot->output();
    insert_signals({"'binance', 'BTCUSDT', 'buy', 80, 80", "'bybit', 'ETHUSDT', 'sell', 80, 80",
                    "'binance', 'NOSUCHUSDT', 'buy', 80, 80"});
    ASSERT_TRUE(wait_count(*bot, "msg=\"position protected\"", 0, 2, 15s)) << bot->output();
    const auto protected_at = bot->output().size();
    move_price("BTCUSDT", "2.5");
    move_price("ETHUSDT", "-2.5");
    // Both positions are 2.5 % in profit, past the 1.5 % activation: each stop trails.
    ASSERT_TRUE(wait_count(*bot, "msg=\"stop moved\"", protected_at, 2, 10s)) << bot->output();
    move_price("BTCUSDT", "-2");
    ASSERT_TRUE(wait_count(*bot, "msg=\"position closed\"", protected_at, 1, 15s)) << bot->output();

    for (const char* path : {"/metrics", "/health", "/ready", "/status", "/nothing-here"}) {
        const auto [rc, out] = get(path);
        keep(std::string{"GET "} + path, out);
    }
    // Every command while the daemon runs (the read-only ones and the lock checks).
    command("--help");
    command("--version");
    command("--check-instances --config " + config_dir().string());
    command("--check-instances --json --config " + config_dir().string());
    command("check --config " + config_dir().string());
    command("check --json --config " + config_dir().string());
    command("db migrate --config " + config_dir().string());
    command("keys --help");
    command("keys encrypt --key-file " + key_file_.string(), "not-a-secret");
    command("keys decrypt --key-file " + key_file_.string(), sealed("also-not-a-secret"));
    command("keys decrypt --json --key-file " + key_file_.string(), sealed("also-not-a-secret"));
    command("keys bogus");
    command("no-such-command --config " + config_dir().string());
    const auto cfg = " --config " + config_dir().string();
    for (const char* json : {"", " --json"}) {
        EXPECT_EQ(command(std::string{"protect"} + json + cfg), 0);
        EXPECT_EQ(command(std::string{"sync"} + json + cfg), 0);
        EXPECT_EQ(command(std::string{"orders zombies"} + json + cfg), 0);
        EXPECT_EQ(command(std::string{"orders duplicates"} + json + cfg), 0);
    }
    for (const char* json : {"", " --json"}) {
        // The read-only commands: positions may say 5 (a row disagrees), which is no leak either.
        command(std::string{"positions --age --all"} + json + cfg);
        EXPECT_EQ(command(std::string{"orders --open"} + json + cfg), 0);
        EXPECT_EQ(command(std::string{"signals check"} + json + cfg), 0);
        command(std::string{"diagnose"} + json + cfg);
        EXPECT_EQ(command(std::string{"signals query"} + json + cfg), 0);
        EXPECT_EQ(command(std::string{"signals waves"} + json + cfg), 0);
        EXPECT_EQ(command(std::string{"status"} + json + cfg), 0);
    }
    command("close NOSUCHUSDT --yes --json" + cfg);
    EXPECT_EQ(command("close --all --yes --json" + cfg), 0);
    command("cleanup --yes --json" + cfg);
    // The report reads the trade history beside the running daemon (no lock), in every form.
    for (const char* form : {"text", "json", "csv", "html"}) {
        EXPECT_EQ(command(std::string{"report --mode production --format "} + form + cfg), 0);
    }
    EXPECT_EQ(command("report --json --since 2020-01-01 --until 2099-12-31 --exchange binance" + cfg), 0);
    const auto report_file = dir_.path() / "report.html";
    EXPECT_EQ(command("report --mode production --format html --output " + report_file.string() + cfg), 0);
    keep("report.html", read_file(report_file));
    EXPECT_EQ(command("report --format pdf" + cfg), 2);
    {
        // The session's closes on both venues are in the history, each with the fees its fills
        // paid (trades rows: Binance order reports, Bybit executions).
        const auto [rc, out] = run_shell(bin() + " report --json --mode production" + cfg + " 2>/dev/null");
        EXPECT_EQ(rc, 0) << out;
        EXPECT_EQ(out.find("\"total\":{\"positions\":0,"), std::string::npos) << out;
        EXPECT_NE(out.find("\"total\":{\"positions\":"), std::string::npos) << out;
        EXPECT_NE(out.find("\"binance\":{\"positions\":"), std::string::npos) << out;
        EXPECT_NE(out.find("\"bybit\":{\"positions\":"), std::string::npos) << out;
        EXPECT_EQ(out.find("\"fees\":\"0\""), std::string::npos) << out;
    }
    EXPECT_EQ(command("shutdown --json --timeout 15" + cfg), 0);
    ASSERT_TRUE(bot->wait_exit(10s).has_value()) << bot->output();
    auto again = start("again", "production");
    ASSERT_TRUE(wait_ready(*again)) << again->output();
    const auto [src, status] = get("/status");
    keep("GET /status after restart", status);
    const auto [mrc, metrics] = get("/metrics");
    keep("GET /metrics after restart", metrics);
    again->send_signal(SIGTERM);
    ASSERT_TRUE(again->wait_exit(10s).has_value()) << again->output();
    keep("daemon output", bot->output());
    keep("daemon output after restart", again->output());
    keep("daemon log file", read_file(dir_.path() / "tradebot.log"));

    // Without the daemon: commands that act themselves, and failures, which print the most context.
    command("check --json --config " + config_dir().string());
    command("sync --json" + cfg);
    command("protect --json" + cfg);
    command("shutdown --json" + cfg);
    command("status --json" + cfg);
    command("positions --json" + cfg);
    command("diagnose --json" + cfg);
    command("keys rotate --json --key-file " + key_file_.string() + " --new-key-file " + key_file_.string() +
            " --config " + config_dir().string());
    {
        // A backtest with this configuration, at trace level: its output and every report it writes.
        const auto data = dir_.path() / "backtest";
        fs::create_directories(data / "klines");
        std::string bars = "open_time,open,high,low,close,volume,close_time,quote_volume\n";
        for (int m = 0; m < 180; ++m) {
            const long long t = 1740960000000LL + m * 60000LL;
            const int p = 60000 + (m < 50 ? 0 : (m - 50) * 20);
            bars += std::to_string(t) + "," + std::to_string(p) + "," + std::to_string(p + 10) + "," +
                    std::to_string(p - 10) + "," + std::to_string(p) + ",10," + std::to_string(t + 59999) + ",600000\n";
        }
        tradebot::test::write_file(data / "klines" / "BTCUSDT-1m-2025-03.csv", bars);
        tradebot::test::write_file(data / "signals.csv", "timestamp,exchange,symbol,side,score_week,score_month\n"
                                                         "2025-03-03T00:30:00Z,binance,BTCUSDT,BUY,80,80\n");
        EXPECT_EQ(command("backtest --quiet --log-level trace --klines " + (data / "klines").string() + " --signals " +
                          (data / "signals.csv").string() + " --out " + (data / "out").string() + cfg),
                  0);
        for (const char* file : {"backtest.json", "backtest-trades.csv", "backtest.html"}) {
            keep(std::string{"backtest report "} + file, read_file(data / "out" / file));
        }
        EXPECT_NE(read_file(data / "out" / "backtest-trades.csv").find("BTCUSDT"), std::string::npos);
        // A small Monte-Carlo with this configuration: its output and its reports.
        EXPECT_EQ(command("simulate --quiet --log-level trace --paths 2 --days 1 --symbols 1 --jobs 1 --output " +
                          (data / "simulate").string() + cfg),
                  0);
        for (const char* file : {"simulation.json", "simulation.html"}) {
            keep(std::string{"simulate report "} + file, read_file(data / "simulate" / file));
        }
        EXPECT_NE(read_file(data / "simulate" / "simulation.json").find("\"paths\": 2,"), std::string::npos);
    }
    const auto wrong_key = dir_.path() / "wrong.key";
    ASSERT_EQ(run_shell(bin() + " keys generate --key-file " + wrong_key.string()).first, 0);
    {
        const auto [rc, out] = run_shell("TRADEBOT_MASTER_KEY_FILE=" + wrong_key.string() + " " + bin() +
                                         " check --config " + config_dir().string() + " 2>&1");
        EXPECT_EQ(rc, 2) << out;
        EXPECT_NE(out.find("exchanges.binance.api_key: cannot use the encrypted value"), std::string::npos) << out;
        keep("check with the wrong master key", out);
    }
    {
        const auto [rc, out] = run_shell("TRADEBOT_MASTER_KEY_FILE=" + wrong_key.string() + " " + bin() +
                                         " --mode production --config " + config_dir().string() + " 2>&1");
        EXPECT_EQ(rc, 2) << out;
        keep("daemon start with the wrong master key", out);
    }
    {
        // A database that refuses the connection: the error names the server, not the password.
        tradebot::test::write_file(config_dir() / "tradebot.yaml",
                                   read_file(config_dir() / "tradebot.yaml") + "# unreachable below\n");
        const auto [rc, out] = run_shell("TRADEBOT_DATABASE_URL='postgresql://bot:" + db_password +
                                         "@127.0.0.1:1/fox' " + bin() + " check --json --config " +
                                         config_dir().string() + " 2>&1");
        EXPECT_EQ(rc, 1) << out;
        keep("check --json against an unreachable database", out);
    }

    // What the webhook received: each body (the shutdowns of both runs at least). The request
    // targets are the URL's path, the secret itself, and are not kept.
    const auto posts = receiver.requests();
    EXPECT_GE(posts.size(), 2U) << "no alert reached the webhook";
    for (const auto& post : posts) {
        keep("webhook payload", post.body);
        EXPECT_EQ(post.target, "/api/webhooks/1/" + webhook_token);
    }

    // Every table of the schema, every row.
    const auto [drc, dump] = run_shell("pg_dump --data-only --schema=" + schema_ + " '" + pg_url_ + "'");
    ASSERT_EQ(drc, 0) << dump;
    keep("pg_dump of " + schema_, dump);
    const auto [trc, tables] = run_shell("psql -tA '" + pg_url_ + "' -c \"SELECT count(*) FROM information_schema.tables "
                                         "WHERE table_schema = '" + schema_ + "'\"");
    ASSERT_GE(std::atoi(tables.c_str()), 6) << tables;

    // The session did what it should, so there was something to leak.
    const auto& daemon_log = bot->output();
    // Trace is set; the daemon's most detailed lines today are at debug (the NOTIFY payloads).
    EXPECT_NE(daemon_log.find("level=debug"), std::string::npos) << "the run did not log at debug level";
    EXPECT_NE(dump.find("BTCUSDT"), std::string::npos) << dump;
    EXPECT_NE(dump.find("ETHUSDT"), std::string::npos) << dump;
    EXPECT_NE(metrics.find("tradebot_up"), std::string::npos);

    // Every command the binary's help names was run above; a new one must be added here.
    const auto [hrc, help] = run_shell(bin() + " --help");
    const std::set<std::string> covered{"[--mode", "run",     "check",  "db",      "--check-instances", "keys", "close",
                                        "protect", "sync", "orders", "cleanup", "shutdown", "positions", "signals", "status",
                                        "backtest", "simulate", "report", "diagnose"};
    std::istringstream lines{help};
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("  tradebot ")) {
            const auto word = line.substr(11, line.find(' ', 11) - 11);
            EXPECT_TRUE(covered.contains(word)) << "'tradebot " << word << "' is not exercised by this test: add it";
        }
    }

    // The search itself works: the .env file does hold Bybit's secret.
    ASSERT_NE(read_file(config_dir() / ".env").find(bybit_secret), std::string::npos);
    const std::vector<std::pair<std::string, std::string>> secrets{
        {"binance api_key", binance_key}, {"binance api_secret", binance_secret}, {"bybit api_key", bybit_key},
        {"bybit api_secret", bybit_secret}, {"database password", db_password}, {"master key", master_key},
        {"control token", control_token}, {"webhook URL token", webhook_token}};
    for (const auto& [where, text] : artifacts_) {
        EXPECT_FALSE(text.empty()) << where << " printed nothing";
        for (const auto& [name, secret] : secrets) {
            // The whole value and its first 16 characters, in case a log truncates it.
            for (const auto& needle : {secret, secret.substr(0, 16)}) {
                const auto hit = text.find(needle);
                EXPECT_EQ(hit, std::string::npos)
                    << "the " << name << " appears in " << where << ": ..."
                    << text.substr(hit == std::string::npos ? 0 : (hit > 80 ? hit - 80 : 0), 200) << "...";
            }
        }
    }
}

}  // namespace
