// tradebot-sim as a test or an operator runs it: the real binary on real sockets, TLS verified
// against the certificate it writes, driven through the control API with curl.
#include <chrono>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "tradebot/exchange/hmac.hpp"
#include "tradebot_test/env.hpp"
#include "tradebot_test/process.hpp"

using namespace std::chrono_literals;
using tradebot::test::child_process;
using tradebot::test::run_shell;

namespace {

std::filesystem::path sim_binary() { return tradebot::test::built_binary("src/bin/tradebot-sim"); }

std::filesystem::path scenario(const std::string& name) {
    return tradebot::test::source_dir() / "config/sim" / (name + ".yaml");
}

// The host's wall clock, the one the simulator stamps order arrivals with.
std::int64_t wall_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Extracts "key":<digits> from the ports file.
int port_of(const std::string& json, const std::string& key) {
    const auto at = json.find("\"" + key + "\":");
    return at == std::string::npos ? 0 : std::stoi(json.substr(at + key.size() + 3));
}

class sim_binary_test : public ::testing::Test {
protected:
    void start(std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"--scenario", scenario("default").string(), "--binance-port", "0",
                                      "--bybit-port", "0", "--ports-file", ports_file().string(),
                                      "--cert-out", cert().string(), "--paused"};
        args.insert(args.end(), extra.begin(), extra.end());
        sim_ = std::make_unique<child_process>(sim_binary(), args, dir_.path() / "sim.log");
        ASSERT_TRUE(sim_->wait_output("tradebot-sim listening", 15s)) << sim_->output();
        std::ifstream in{ports_file()};
        std::stringstream text;
        text << in.rdbuf();
        binance_ = port_of(text.str(), "binance");
        bybit_ = port_of(text.str(), "bybit");
        ASSERT_GT(binance_, 0) << text.str();
        ASSERT_GT(bybit_, 0) << text.str();
    }

    [[nodiscard]] std::filesystem::path ports_file() const { return dir_.path() / "ports.json"; }
    [[nodiscard]] std::filesystem::path cert() const { return dir_.path() / "cert.pem"; }

    // {status, body} of an HTTPS request verified against the simulator's certificate.
    std::pair<int, std::string> https(int port, const std::string& method, const std::string& path,
                                      const std::string& body = {}) const {
        std::string cmd = "curl -s -w '\\n%{http_code}' --cacert " + cert().string() + " -X " + method +
                          " https://127.0.0.1:" + std::to_string(port) + path;
        if (!body.empty()) cmd += " -H 'Content-Type: application/json' --data '" + body + "'";
        auto [rc, out] = run_shell(cmd);
        const auto nl = out.rfind('\n');
        if (rc != 0 || nl == std::string::npos) return {0, out};
        return {std::stoi(out.substr(nl + 1)), out.substr(0, nl)};
    }

    // {status, body} of a signed Binance request: the whole query is signed, signature last.
    std::pair<int, std::string> binance_signed(const std::string& method, const std::string& path,
                                               const std::string& query) const {
        const auto now_ms = wall_us() / 1000;
        const std::string signed_query = query + "&timestamp=" + std::to_string(now_ms);
        const std::string target = path + "?" + signed_query + "&signature=" +
                                   tradebot::exchange::hmac_sha256_hex(api_secret, signed_query);
        return curl(binance_, method, target, "-H 'X-MBX-APIKEY: " + std::string{api_key} + "'");
    }

    // {status, body} of a signed Bybit POST: timestamp + key + recvWindow + body is signed.
    std::pair<int, std::string> bybit_signed_post(const std::string& path, const std::string& body) const {
        const std::string ts = std::to_string(wall_us() / 1000);
        const std::string recv_window = "5000";
        const std::string sign = tradebot::exchange::hmac_sha256_hex(api_secret, ts + api_key + recv_window + body);
        return curl(bybit_, "POST", path,
                    "-H 'Content-Type: application/json' -H 'X-BAPI-API-KEY: " + std::string{api_key} +
                        "' -H 'X-BAPI-TIMESTAMP: " + ts + "' -H 'X-BAPI-RECV-WINDOW: " + recv_window +
                        "' -H 'X-BAPI-SIGN: " + sign + "' --data '" + body + "'");
    }

    std::pair<int, std::string> curl(int port, const std::string& method, const std::string& target,
                                     const std::string& extra) const {
        auto [rc, out] = run_shell("curl -s -w '\\n%{http_code}' --cacert " + cert().string() + " -X " + method + " " +
                                   extra + " 'https://127.0.0.1:" + std::to_string(port) + target + "'");
        const auto nl = out.rfind('\n');
        if (rc != 0 || nl == std::string::npos) return {0, out};
        return {std::stoi(out.substr(nl + 1)), out.substr(0, nl)};
    }

    static constexpr const char* api_key = "sim-api-key";  // config/sim/default.yaml
    static constexpr const char* api_secret = "sim-api-secret";

    tradebot::test::temp_dir dir_;
    std::unique_ptr<child_process> sim_;
    int binance_ = 0;
    int bybit_ = 0;
};

TEST_F(sim_binary_test, help_documents_the_flags) {
    const auto [rc, out] = run_shell(sim_binary().string() + " --help");
    EXPECT_EQ(rc, 0);
    for (const auto* flag : {"--scenario", "--binance-port", "--bybit-port", "--no-tls", "--tls-cert", "--cert-out",
                             "--ports-file", "--seed", "--paused", "/sim/fault", "/sim/arrivals", "docs/SIMULATOR.md"}) {
        EXPECT_NE(out.find(flag), std::string::npos) << flag;
    }
    const auto [bad_rc, bad_out] = run_shell(sim_binary().string() + " --no-such-flag");
    EXPECT_EQ(bad_rc, 2);
    EXPECT_NE(bad_out.find("Try 'tradebot-sim --help'"), std::string::npos) << bad_out;
}

TEST_F(sim_binary_test, a_bad_scenario_exits_2_naming_file_line_and_key) {
    const auto file = dir_.path() / "bad.yaml";
    tradebot::test::write_file(file, "symbols:\n  - {symbol: BTCUSDT, price: \"1\", tick_sise: \"0.1\"}\n");
    const auto [rc, out] = run_shell(sim_binary().string() + " --scenario " + file.string() + " --binance-port 0 "
                                     "--bybit-port 0 --no-tls 2>&1");
    EXPECT_EQ(rc, 2);
    EXPECT_NE(out.find(file.string() + ":2:35: tick_sise: unknown key"), std::string::npos) << out;
}

TEST_F(sim_binary_test, serves_tls_and_plain_on_one_port_and_one_market_on_both_venues) {
    start();
    const auto [status, body] = https(binance_, "GET", "/sim/health");
    EXPECT_EQ(status, 200) << body;
    EXPECT_NE(body.find("\"venue\":\"binance\""), std::string::npos) << body;
    const auto [plain_rc, plain] = run_shell("curl -s http://127.0.0.1:" + std::to_string(bybit_) + "/sim/health");
    EXPECT_EQ(plain_rc, 0);
    EXPECT_NE(plain.find("\"venue\":\"bybit\""), std::string::npos) << plain;

    const auto [set_status, set_body] = https(bybit_, "POST", "/sim/price", R"({"symbol":"BTCUSDT","price":"61234.5"})");
    ASSERT_EQ(set_status, 200) << set_body;
    const auto [b_status, b_body] = https(binance_, "GET", "/fapi/v1/premiumIndex?symbol=BTCUSDT");
    EXPECT_EQ(b_status, 200) << b_body;
    EXPECT_NE(b_body.find("\"markPrice\":\"61234.5"), std::string::npos) << b_body;
    const auto [y_status, y_body] = https(bybit_, "GET", "/v5/market/tickers?category=linear&symbol=BTCUSDT");
    EXPECT_EQ(y_status, 200) << y_body;
    EXPECT_NE(y_body.find("\"markPrice\":\"61234.5"), std::string::npos) << y_body;

    const auto [state_status, state] = https(binance_, "GET", "/sim/state");
    EXPECT_EQ(state_status, 200);
    EXPECT_NE(state.find("\"scenario\":\"default\""), std::string::npos) << state;
    EXPECT_NE(state.find("\"id\":\"sim-api-key\""), std::string::npos) << state;
}

TEST_F(sim_binary_test, order_arrivals_are_listed_with_the_wall_clock_time_their_bytes_were_read) {
    start();
    const auto binance_before = wall_us();
    const auto [b_status, b_body] = binance_signed(
        "POST", "/fapi/v1/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newClientOrderId=arrival-b1");
    const auto binance_after = wall_us();
    ASSERT_EQ(b_status, 200) << b_body;

    const std::string order = R"({"category":"linear","symbol":"ETHUSDT","side":"Buy","orderType":"Market",)"
                              R"("qty":"0.1","orderLinkId":"arrival-y1"})";
    const auto bybit_before = wall_us();
    const auto [y_status, y_body] = bybit_signed_post("/v5/order/create", order);
    const auto bybit_after = wall_us();
    ASSERT_EQ(y_status, 200) << y_body;
    ASSERT_NE(y_body.find("\"retCode\":0"), std::string::npos) << y_body;
    // Bybit never reuses an orderLinkId: the engine refuses the second one, which is still listed.
    const auto [dup_status, dup_body] = bybit_signed_post("/v5/order/create", order);
    ASSERT_EQ(dup_status, 200) << dup_body;
    ASSERT_EQ(dup_body.find("\"retCode\":0"), std::string::npos) << dup_body;
    // Not an order placement: not listed.
    EXPECT_EQ(binance_signed("GET", "/fapi/v2/balance", "recvWindow=5000").first, 200);

    // Either port lists both venues, oldest first.
    const auto [status, body] = https(bybit_, "GET", "/sim/arrivals");
    ASSERT_EQ(status, 200) << body;
    const auto arrivals = boost::json::parse(body).at("arrivals").as_array();
    ASSERT_EQ(arrivals.size(), 3u) << body;
    // An accepted order of `venue`, read between `before` and `after`.
    auto expect_accepted = [](const boost::json::object& a, const char* venue, const char* client_id,
                              std::int64_t before, std::int64_t after) {
        EXPECT_EQ(a.at("venue").as_string(), venue);
        EXPECT_EQ(a.at("client_id").as_string(), client_id);
        EXPECT_TRUE(a.at("accepted").as_bool());
        EXPECT_GE(a.at("arrival_us").as_int64(), before);
        EXPECT_LE(a.at("arrival_us").as_int64(), after);
    };
    expect_accepted(arrivals[0].as_object(), "binance", "arrival-b1", binance_before, binance_after);
    const auto& y1 = arrivals[1].as_object();
    expect_accepted(y1, "bybit", "arrival-y1", bybit_before, bybit_after);
    const auto& dup = arrivals[2].as_object();
    EXPECT_EQ(dup.at("client_id").as_string(), "arrival-y1");
    EXPECT_FALSE(dup.at("accepted").as_bool());
    EXPECT_GE(dup.at("arrival_us").as_int64(), y1.at("arrival_us").as_int64());

    const auto [one_status, one] = https(binance_, "GET", "/sim/arrivals?client_id=arrival-b1");
    ASSERT_EQ(one_status, 200) << one;
    EXPECT_EQ(boost::json::parse(one).at("arrivals").as_array().size(), 1u) << one;
    const auto [bybit_only_status, bybit_only] = https(binance_, "GET", "/sim/arrivals?venue=bybit");
    ASSERT_EQ(bybit_only_status, 200) << bybit_only;
    EXPECT_EQ(boost::json::parse(bybit_only).at("arrivals").as_array().size(), 2u) << bybit_only;
}

TEST_F(sim_binary_test, faults_and_control_errors) {
    start();
    EXPECT_EQ(https(binance_, "POST", "/sim/fault", R"({"kind":"http_5xx","count":2})").first, 200);
    EXPECT_EQ(https(binance_, "GET", "/fapi/v1/time").first, 503);
    EXPECT_EQ(https(binance_, "GET", "/fapi/v1/time").first, 503);
    EXPECT_EQ(https(binance_, "GET", "/fapi/v1/time").first, 200);
    // Control requests are never hit by the venue's faults.
    EXPECT_EQ(https(binance_, "POST", "/sim/fault", R"({"kind":"http_5xx","count":1,"venue":"bybit"})").first, 200);
    EXPECT_EQ(https(binance_, "GET", "/fapi/v1/time").first, 200);
    EXPECT_EQ(https(bybit_, "GET", "/v5/market/time").first, 503);

    const auto [unknown_status, unknown] = https(binance_, "POST", "/sim/fault", R"({"kind":"meteor"})");
    EXPECT_EQ(unknown_status, 400);
    EXPECT_NE(unknown.find("unknown fault 'meteor'"), std::string::npos) << unknown;
    EXPECT_EQ(https(binance_, "POST", "/sim/price", R"({"symbol":"NOPEUSDT","price":"1"})").first, 400);
    EXPECT_EQ(https(binance_, "POST", "/sim/price", "not json").first, 400);
    EXPECT_EQ(https(binance_, "GET", "/sim/nothing").first, 404);

    const auto [adv_status, adv] = https(binance_, "POST", "/sim/advance", R"({"ms":3600000})");
    EXPECT_EQ(adv_status, 200);
    EXPECT_NE(adv.find("\"offset_ms\":3600000"), std::string::npos) << adv;
}

TEST_F(sim_binary_test, sigterm_stops_cleanly_and_a_taken_port_exits_1) {
    start();
    const auto [rc, out] = run_shell(sim_binary().string() + " --scenario " + scenario("default").string() +
                                     " --binance-port " + std::to_string(binance_) + " --bybit-port 0 --no-tls 2>&1");
    EXPECT_EQ(rc, 1);
    EXPECT_NE(out.find("cannot listen"), std::string::npos) << out;
    sim_->send_signal(SIGTERM);
    EXPECT_EQ(sim_->wait_exit(10s), 0);
    EXPECT_NE(sim_->output().find("clean=true"), std::string::npos) << sim_->output();
}

}  // namespace
