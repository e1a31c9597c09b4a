// tradebot check (the pre-start check) and tradebot diagnose as an operator runs them: the real
// binary against tradebot-sim (production mode on the simulator's account) and PostgreSQL. A
// healthy setup passes; a fault armed on the simulator (clock skew, hedge mode, a position without
// a stop) makes exactly the right finding fail; diagnose writes nothing.
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include "session_fixture.hpp"

using namespace std::chrono_literals;
using tradebot::test::run_shell;

namespace {

class diagnose_test : public tradebot::test::session_test {
protected:
    void configure() override { write_production(); }

    [[nodiscard]] std::string cfg() const { return " --config " + config_dir().string(); }
};

// The status of the finding `area name` ("" when there is none); every finding has a status and
// each one that is not ok has a fix.
std::string status_of(const boost::json::object& report, const std::string& area, const std::string& name) {
    std::string found;
    for (const auto& f : report.at("findings").as_array()) {
        const auto& o = f.as_object();
        const auto status = std::string{o.at("status").as_string()};
        EXPECT_TRUE(status == "ok" || status == "skipped" || status == "warn" || status == "fail") << status;
        if (status == "warn" || status == "fail") {
            EXPECT_TRUE(o.contains("fix")) << boost::json::serialize(o);
        }
        if (o.at("area").as_string() == area && o.at("name").as_string() == name) {
            found = status;
        }
    }
    return found;
}

// The detail of the finding `area name` ("" when there is none).
std::string detail_of(const boost::json::object& report, const std::string& area, const std::string& name) {
    for (const auto& f : report.at("findings").as_array()) {
        const auto& o = f.as_object();
        if (o.at("area").as_string() == area && o.at("name").as_string() == name) {
            return std::string{o.at("detail").as_string()};
        }
    }
    return {};
}

// The statuses of every finding that is not ok or skipped, as "area name=status" lines.
std::string problems(const boost::json::object& report) {
    std::string out;
    for (const auto& f : report.at("findings").as_array()) {
        const auto& o = f.as_object();
        if (o.at("status").as_string() != "ok" && o.at("status").as_string() != "skipped") {
            out += std::string{o.at("area").as_string()} + " " + std::string{o.at("name").as_string()} + "=" +
                   std::string{o.at("status").as_string()} + ": " + std::string{o.at("detail").as_string()} + "\n";
        }
    }
    return out;
}

}  // namespace

TEST_F(diagnose_test, check_passes_on_a_healthy_setup_and_names_every_venue_check) {
    migrate();
    const auto report = json_of("check", 0);
    EXPECT_EQ(problems(report), "");
    EXPECT_TRUE(report.at("ok").as_bool());
    EXPECT_TRUE(report.at("database").at("reachable").as_bool());
    for (const char* venue : {"binance", "bybit"}) {
        for (const char* name : {"rest", "clock_skew", "api_key", "position_mode", "margin_mode", "leverage",
                                 "stream ws_public_url", "stream ws_market_url", "stream ws_private_url"}) {
            EXPECT_EQ(status_of(report, venue, name), "ok") << venue << ' ' << name << "\n"
                                                            << boost::json::serialize(report);
        }
    }
    EXPECT_EQ(status_of(report, "database", "migrations"), "ok");
    // The text form says the same, one line per finding.
    const auto [rc, text] = run_shell(bin() + " check" + cfg());
    EXPECT_EQ(rc, 0) << text;
    EXPECT_NE(text.find("[ok     ] binance clock_skew"), std::string::npos) << text;
    EXPECT_NE(text.find("check: ok"), std::string::npos) << text;
}

TEST_F(diagnose_test, check_fails_on_clock_skew_hedge_mode_and_pending_migrations_warn) {
    // No migration yet: a warning only (the daemon applies them at start).
    auto report = json_of("check", 0);
    EXPECT_EQ(status_of(report, "database", "migrations"), "warn");
    migrate();
    const auto [rc, out] = sim_.control(sim_.binance_port(), "POST", "/sim/fault", R"({"kind":"clock_skew","ms":30000})");
    ASSERT_EQ(rc, 200) << out;
    report = json_of("check", 1);
    EXPECT_EQ(status_of(report, "binance", "clock_skew"), "fail") << boost::json::serialize(report);
    EXPECT_EQ(status_of(report, "binance", "api_key"), "ok") << "the adapter re-syncs its clock for signed reads";
    ASSERT_EQ(sim_.control(sim_.binance_port(), "POST", "/sim/fault", R"({"kind":"clear"})").first, 200);
    EXPECT_EQ(status_of(json_of("check", 0), "binance", "clock_skew"), "ok");

    const auto [hrc, hedge] = binance_signed("POST", "/fapi/v1/positionSide/dual", "dualSidePosition=true");
    ASSERT_EQ(hrc, 0) << hedge;
    report = json_of("check", 1);
    EXPECT_EQ(status_of(report, "binance", "position_mode"), "fail") << boost::json::serialize(report);
    EXPECT_EQ(status_of(report, "bybit", "position_mode"), "ok");
    EXPECT_EQ(problems(report), "binance position_mode=fail: the account is in hedge (dual-side) mode\n");
}

TEST_F(diagnose_test, check_fails_on_a_read_only_key_on_each_venue) {
    migrate();
    // A key the venues accept for reads only (the simulator refuses its changes: -2015 / 10005).
    const auto [rc, out] = sim_.control(sim_.binance_port(), "POST", "/sim/account",
                                        R"({"api_key":"ro-key","api_secret":"ro-secret","read_only":true})");
    ASSERT_EQ(rc, 200) << out;
    const std::string ro_keys =
        "TRADEBOT_EXCHANGES_BINANCE_API_KEY=ro-key TRADEBOT_EXCHANGES_BINANCE_API_SECRET=ro-secret "
        "TRADEBOT_EXCHANGES_BYBIT_API_KEY=ro-key TRADEBOT_EXCHANGES_BYBIT_API_SECRET=ro-secret ";
    const auto report = json_of("check", 1, ro_keys);
    for (const char* venue : {"binance", "bybit"}) {
        EXPECT_EQ(status_of(report, venue, "api_key"), "fail") << venue << ": " << boost::json::serialize(report);
        EXPECT_EQ(status_of(report, venue, "clock_skew"), "ok") << venue;
    }
    EXPECT_NE(problems(report).find("binance api_key=fail: the key is read-only"), std::string::npos) << problems(report);
    EXPECT_NE(problems(report).find("bybit api_key=fail: the key is read-only"), std::string::npos) << problems(report);
    // The scenario's trading key on the same simulator passes.
    EXPECT_EQ(status_of(json_of("check", 0), "bybit", "api_key"), "ok");
}

TEST_F(diagnose_test, check_warns_of_a_position_open_in_the_other_margin_mode) {
    migrate();
    auto report = json_of("check", 0);
    EXPECT_EQ(status_of(report, "binance", "margin_mode"), "ok") << boost::json::serialize(report);
    EXPECT_EQ(status_of(report, "bybit", "margin_mode"), "ok");
    // An isolated position opened by hand while the configuration says cross (the default).
    auto [rc, out] = binance_signed("POST", "/fapi/v1/marginType", "symbol=BTCUSDT&marginType=ISOLATED");
    ASSERT_EQ(rc, 0) << out;
    std::tie(rc, out) = binance_signed("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01");
    ASSERT_EQ(rc, 0) << out;
    report = json_of("check", 0);
    EXPECT_EQ(status_of(report, "binance", "margin_mode"), "warn") << boost::json::serialize(report);
    EXPECT_EQ(status_of(report, "bybit", "margin_mode"), "ok");
    const auto [trc, text] = run_shell(bin() + " check" + cfg() + " 2>/dev/null");
    EXPECT_NE(text.find("open in isolated margin, configured cross: BTCUSDT"), std::string::npos) << text;
}

TEST_F(diagnose_test, check_reads_bybits_account_wide_margin_mode_from_the_venue) {
    migrate();
    // The account switched to isolated margin by hand (account-wide on Bybit: GET /v5/account/info
    // says so) while the configuration says cross (the default).
    const auto [rc, out] = bybit_post("/v5/account/set-margin-mode", R"({"setMarginMode":"ISOLATED_MARGIN"})");
    ASSERT_EQ(rc, 0) << out;
    ASSERT_NE(out.find(R"("retCode":0)"), std::string::npos) << out;
    auto report = json_of("check", 0);
    EXPECT_EQ(problems(report),
              "bybit margin_mode=warn: the account is in isolated margin, configured cross: the daemon switches the "
              "whole account to cross before its first entry\n");
    const auto [trc, text] = run_shell(bin() + " check" + cfg() + " 2>/dev/null");
    EXPECT_NE(text.find("set exchanges.bybit.margin_mode: isolated to keep the account as it is"), std::string::npos)
        << text;
    // Configured as the venue has it: ok, and Binance (per symbol, no position) is not affected.
    const auto keys = std::string{"    api_key: "} + tradebot::test::sim_process::api_key + "\n    api_secret: " +
                      tradebot::test::sim_process::api_secret + "\n";
    write_exchanges(keys, keys + "    margin_mode: isolated\n");
    report = json_of("check", 0);
    EXPECT_EQ(problems(report), "");
    EXPECT_EQ(status_of(report, "bybit", "margin_mode"), "ok");
}

// Binance keeps a margin mode and a leverage per symbol, position or not: check reads them all in
// one request (GET /fapi/v1/symbolConfig) for the symbols about to be traded (BTCUSDT here).
TEST_F(diagnose_test, check_reads_binances_per_symbol_settings_of_a_symbol_without_a_position) {
    migrate();
    auto report = json_of("check", 0);
    EXPECT_EQ(status_of(report, "binance", "symbol_settings"), "ok") << boost::json::serialize(report);
    EXPECT_EQ(detail_of(report, "binance", "symbol_settings"),
              "configured cross 10x, the venue has BTCUSDT cross 20x: the daemon sets them at start, before any entry");
    EXPECT_EQ(status_of(report, "bybit", "symbol_settings"), "skipped");

    // Set by hand on the venue, no position: the margin_mode finding (positions only) sees nothing.
    auto [rc, out] = binance_signed("POST", "/fapi/v1/marginType", "symbol=BTCUSDT&marginType=ISOLATED");
    ASSERT_EQ(rc, 0) << out;
    std::tie(rc, out) = binance_signed("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=10");
    ASSERT_EQ(rc, 0) << out;
    report = json_of("check", 0);
    EXPECT_EQ(status_of(report, "binance", "margin_mode"), "ok");
    EXPECT_EQ(detail_of(report, "binance", "symbol_settings"),
              "configured cross 10x, the venue has BTCUSDT isolated 10x: the daemon sets them at start, before any "
              "entry");

    // Configured isolated: as the venue has it.
    const auto keys = std::string{"    api_key: "} + tradebot::test::sim_process::api_key + "\n    api_secret: " +
                      tradebot::test::sim_process::api_secret + "\n";
    write_exchanges(keys + "    margin_mode: isolated\n", keys);
    report = json_of("check", 0);
    EXPECT_EQ(detail_of(report, "binance", "symbol_settings"), "1 symbol(s) already at isolated 10x");

    // A leverage the daemon will not set (auto_set_leverage off): a warning with its fix.
    std::tie(rc, out) = binance_signed("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=5");
    ASSERT_EQ(rc, 0) << out;
    tradebot::test::write_file(config_dir() / "strategies.yaml", "trading:\n  auto_set_leverage: false\n");
    report = json_of("check", 0);
    EXPECT_EQ(problems(report),
              "binance symbol_settings=warn: configured isolated 10x, trading.auto_set_leverage is off and the venue "
              "has BTCUSDT isolated 5x: entries there trade at the venue's leverage\n");
}

// The stream check goes past TLS: the WebSocket upgrade on each venue's route, then a subscribe
// (an auth and a subscribe on Bybit's private path) that the venue must acknowledge.
TEST_F(diagnose_test, check_fails_a_stream_whose_subscription_the_venue_refuses_or_whose_route_is_wrong) {
    migrate();
    auto report = json_of("check", 0);
    const auto binance_ws = sim_.binance_ws_url();
    const auto bybit_ws = sim_.bybit_ws_url();
    EXPECT_EQ(detail_of(report, "binance", "stream ws_public_url"),
              binance_ws + "/public: upgraded, SUBSCRIBE btcusdt@bookTicker acknowledged");
    EXPECT_EQ(detail_of(report, "binance", "stream ws_market_url"),
              binance_ws + "/market: upgraded, SUBSCRIBE btcusdt@markPrice acknowledged");
    EXPECT_EQ(detail_of(report, "binance", "stream ws_private_url"),
              binance_ws + "/private: upgraded with a fresh listenKey");
    EXPECT_EQ(detail_of(report, "bybit", "stream ws_public_url"),
              bybit_ws + "/v5/public/linear: upgraded, subscribe tickers.BTCUSDT acknowledged");
    EXPECT_EQ(detail_of(report, "bybit", "stream ws_private_url"),
              bybit_ws + "/v5/private: upgraded, auth and subscribe order acknowledged");

    // Each venue refuses its next subscription: the first URL checked fails, the next passes.
    const auto refuse_next = [this] {
        for (const auto port : {sim_.binance_port(), sim_.bybit_port()}) {
            const auto [rc, out] = sim_.control(port, "POST", "/sim/fault", R"({"kind":"refuse_subscribe","count":1})");
            ASSERT_EQ(rc, 200) << out;
        }
    };
    refuse_next();
    report = json_of("check", 1);
    EXPECT_EQ(problems(report),
              "binance stream ws_public_url=fail: " + binance_ws +
                  "/public: SUBSCRIBE btcusdt@bookTicker refused: code 2: Invalid request: subscription refused\n"
                  "bybit stream ws_public_url=fail: " + bybit_ws +
                  "/v5/public/linear: subscribe tickers.BTCUSDT refused: error:subscription refused\n");
    refuse_next();
    const auto [trc, text] = run_shell(bin() + " check" + cfg() + " 2>/dev/null");
    EXPECT_NE(text.find("check that exchanges.binance.ws_public_url ends with the route that carries this stream"),
              std::string::npos)
        << text;

    // A path the venue does not route: the upgrade is refused, and the fix names the route.
    const auto [src, sed] = run_shell("sed -i 's#/public$#/publik#' " + (config_dir() / "exchanges.yaml").string());
    ASSERT_EQ(src, 0) << sed;
    report = json_of("check", 1);
    EXPECT_EQ(status_of(report, "binance", "stream ws_public_url"), "fail");
    EXPECT_NE(
        detail_of(report, "binance", "stream ws_public_url").find("/publik: WebSocket upgrade refused (HTTP 404)"),
        std::string::npos)
        << boost::json::serialize(report);
    const auto [t2rc, text2] = run_shell(bin() + " check" + cfg() + " 2>/dev/null");
    EXPECT_NE(text2.find("check that exchanges.binance.ws_public_url is the venue's stream URL ending with /public"),
              std::string::npos)
        << text2;
}

TEST_F(diagnose_test, check_skips_the_key_checks_in_paper_mode) {
    migrate();
    const auto report = json_of("--mode test check", 0);
    for (const char* venue : {"binance", "bybit"}) {
        EXPECT_EQ(status_of(report, venue, "api_key"), "skipped");
        EXPECT_EQ(status_of(report, venue, "position_mode"), "skipped");
        EXPECT_EQ(status_of(report, venue, "margin_mode"), "skipped");
        EXPECT_EQ(status_of(report, venue, "clock_skew"), "ok");
        EXPECT_EQ(status_of(report, venue, "stream ws_private_url"), "") << "paper mode opens no private stream";
    }
    const auto [rc, text] = run_shell(bin() + " --mode test check" + cfg());
    EXPECT_NE(text.find("skipped: paper mode"), std::string::npos) << text;
}

TEST_F(diagnose_test, diagnose_is_clean_on_a_healthy_setup_and_writes_nothing) {
    migrate();
    const auto before = sql("SELECT (SELECT count(*) FROM events) || ' ' || (SELECT count(*) FROM positions)");
    const auto report = json_of("diagnose", 0);
    EXPECT_EQ(problems(report), "");
    EXPECT_FALSE(report.at("running").as_bool());
    EXPECT_EQ(status_of(report, "instance", "lock"), "ok");
    EXPECT_EQ(status_of(report, "orders", "zombies"), "ok");
    EXPECT_EQ(status_of(report, "positions", "stops"), "ok");
    EXPECT_EQ(status_of(report, "binance", "clock_skew"), "ok");
    EXPECT_EQ(status_of(report, "streams", "state"), "skipped");
    EXPECT_TRUE(report.at("rows").as_object().contains("positions"));
    EXPECT_EQ(sql("SELECT (SELECT count(*) FROM events) || ' ' || (SELECT count(*) FROM positions)"), before);
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / "tradebot.pid") &&
                 run_shell(bin() + " --check-instances" + cfg()).first != 0)
        << "diagnose left the instance lock taken";
}

TEST_F(diagnose_test, diagnose_finds_a_position_without_a_stop_and_a_clock_skew) {
    migrate();
    // A position on the venue nobody protects, and one the database believes protected.
    const auto [orc, order] = binance_signed("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01");
    ASSERT_EQ(orc, 0) << order;
    sql("INSERT INTO positions (exchange, symbol, side, mode, state, qty, entry_price, stop_price, opened_at) VALUES "
        "('bybit', 'ETHUSDT', 'short', 'production', 'protected', 1, 3000, 3100, now())");
    ASSERT_EQ(sim_.control(sim_.binance_port(), "POST", "/sim/fault", R"({"kind":"clock_skew","ms":30000})").first, 200);
    const auto report = json_of("diagnose", 1);
    EXPECT_EQ(status_of(report, "positions", "binance BTCUSDT"), "fail") << boost::json::serialize(report);
    EXPECT_EQ(status_of(report, "positions", "bybit ETHUSDT"), "fail") << boost::json::serialize(report);
    EXPECT_EQ(status_of(report, "binance", "clock_skew"), "fail");
    EXPECT_EQ(status_of(report, "positions", "stops"), "");
    EXPECT_EQ(report.at("rows").at("positions").at("protected").as_int64(), 1);
    const auto [rc, text] = run_shell(bin() + " diagnose" + cfg());
    EXPECT_EQ(rc, 1) << text;
    EXPECT_NE(text.find("fix: 'tradebot protect' now"), std::string::npos) << text;
}

TEST_F(diagnose_test, diagnose_reads_streams_and_rate_limits_of_the_running_daemon) {
    migrate();
    auto bot = start_daemon("bot");
    ASSERT_TRUE(wait_ready(*bot)) << bot->output();
    boost::json::object report;
    for (int i = 0; i < 50; ++i) {  // the streams connect just after /ready
        const auto [rc, out] = run_shell("(" + bin() + " diagnose --json" + cfg() + " </dev/null 2>/dev/null)");
        boost::system::error_code ec;
        auto v = boost::json::parse(out, ec);
        ASSERT_FALSE(ec) << out;
        report = v.as_object();
        if (rc == 0) {
            break;
        }
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(problems(report), "");
    EXPECT_TRUE(report.at("running").as_bool());
    EXPECT_EQ(status_of(report, "instance", "status"), "ok");
    int streams = 0;
    int budgets = 0;
    for (const auto& f : report.at("findings").as_array()) {
        streams += f.at("area").as_string() == "streams" && f.at("status").as_string() == "ok" ? 1 : 0;
        budgets += f.at("area").as_string() == "rate_limit" && f.at("status").as_string() == "ok" ? 1 : 0;
    }
    EXPECT_GE(streams, 2) << boost::json::serialize(report);
    EXPECT_GE(budgets, 1) << boost::json::serialize(report);
    EXPECT_EQ(status_of(report, "orders", "zombies"), "skipped") << "no control token: the daemon cannot be asked";
    bot->send_signal(SIGTERM);
    EXPECT_TRUE(bot->wait_exit(10s).has_value());
}

TEST_F(diagnose_test, diagnose_lists_a_zombie_order_and_never_cancels_it) {
    migrate();
    // A resting order with a client id of ours on a symbol without a position.
    const auto [orc, order] = binance_signed(
        "POST", "/fapi/v1/order",
        "symbol=ETHUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.05&price=1000&newClientOrderId=tbp-990-en-0");
    ASSERT_EQ(orc, 0) << order;
    const auto report = json_of("diagnose", 1);
    EXPECT_EQ(status_of(report, "orders", "zombies"), "warn") << boost::json::serialize(report);
    EXPECT_EQ(problems(report), "orders zombies=warn: 1 order(s)/stop(s) of ours without a position: binance ETHUSDT order\n");
    const auto [rc, open] = binance_signed("GET", "/fapi/v1/openOrders", "symbol=ETHUSDT");
    ASSERT_EQ(rc, 0) << open;
    EXPECT_NE(open.find("tbp-990-en-0"), std::string::npos) << "diagnose cancelled the zombie: " << open;
    EXPECT_EQ(sql("SELECT count(*) FROM events"), "0\n");
}
