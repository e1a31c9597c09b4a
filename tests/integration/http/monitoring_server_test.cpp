#include "tradebot/monitoring/server.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <sys/wait.h>

#include "io_thread.hpp"
#include "test_client.hpp"
#include "tradebot_test/env.hpp"

namespace tradebot::monitoring {
namespace {

using test::test_client;
namespace http = test::http;

class monitoring_server_test : public ::testing::Test {
protected:
    monitoring_server_test() {
        server_ = std::make_unique<server>(io_.io, server_options{.http = {}, .version = "1.2.3", .mode = core::mode::test},
                                           registry_, health_, clock_);
    }

    void SetUp() override { ASSERT_FALSE(server_->start()); }

    test_client client() { return test_client{server_->local_endpoint()}; }

    static boost::json::object json_of(const test::response& res) { return boost::json::parse(res.body()).as_object(); }

    test::io_thread io_;
    core::system_clock clock_;
    prometheus::Registry registry_;
    health health_{clock_};
    std::unique_ptr<server> server_;
};

TEST_F(monitoring_server_test, metrics_endpoint_serves_the_text_format) {
    auto c = client();
    auto [ec, res] = c.get("/metrics");
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.result_int(), 200U);
    EXPECT_EQ(res[http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
    const auto& body = res.body();
    EXPECT_NE(body.find("tradebot_build_info{mode=\"test\",version=\"1.2.3\"} 1"), std::string::npos) << body;
    EXPECT_NE(body.find("\ntradebot_up 1"), std::string::npos);
    EXPECT_NE(body.find("\ntradebot_ready 0"), std::string::npos);
    for (const char* name : {"process_resident_memory_bytes ", "process_cpu_seconds_total ", "process_open_fds ",
                             "process_start_time_seconds ", "# TYPE tradebot_http_request_duration_seconds histogram"}) {
        EXPECT_NE(body.find(name), std::string::npos) << name;
    }
}

TEST_F(monitoring_server_test, health_turns_503_when_a_component_fails) {
    auto c = client();
    health_.set("db", component_state::ok);
    auto [ec, res] = c.get("/health");
    ASSERT_FALSE(ec);
    EXPECT_EQ(res.result_int(), 200U);
    EXPECT_EQ(res[http::field::content_type], "application/json");
    EXPECT_EQ(json_of(res).at("status").as_string(), "ok");

    health_.set("binance.streams", component_state::degraded, "rest fallback");
    auto [ec2, degraded] = c.get("/health");
    ASSERT_FALSE(ec2);
    EXPECT_EQ(degraded.result_int(), 200U);
    EXPECT_EQ(json_of(degraded).at("status").as_string(), "degraded");

    health_.set("db", component_state::failed, "connection refused");
    auto [ec3, failed] = c.get("/health");
    ASSERT_FALSE(ec3);
    EXPECT_EQ(failed.result_int(), 503U);
    const auto body = json_of(failed);
    EXPECT_EQ(body.at("status").as_string(), "failed");
    EXPECT_EQ(body.at("components").at("db").at("detail").as_string(), "connection refused");
}

TEST_F(monitoring_server_test, ready_flips_after_set_ready) {
    auto c = client();
    auto [ec, before] = c.get("/ready");
    ASSERT_FALSE(ec);
    EXPECT_EQ(before.result_int(), 503U);
    EXPECT_FALSE(json_of(before).at("ready").as_bool());

    health_.set_ready(true);
    auto [ec2, after] = c.get("/ready");
    ASSERT_FALSE(ec2);
    EXPECT_EQ(after.result_int(), 200U);
    EXPECT_TRUE(json_of(after).at("ready").as_bool());

    auto [ec3, metrics] = c.get("/metrics");
    ASSERT_FALSE(ec3);
    EXPECT_NE(metrics.body().find("\ntradebot_ready 1"), std::string::npos);
}

TEST_F(monitoring_server_test, status_reports_version_mode_uptime_components_and_sections) {
    health_.set("db", component_state::ok);
    ASSERT_TRUE(server_->add_status_section("trading", [] { return boost::json::value{{"open", 2}}; }));
    auto c = client();
    auto [ec, res] = c.get("/status");
    ASSERT_FALSE(ec);
    EXPECT_EQ(res.result_int(), 200U);
    const auto body = json_of(res);
    EXPECT_EQ(body.at("version").as_string(), "1.2.3");
    EXPECT_EQ(body.at("mode").as_string(), "test");
    EXPECT_GE(body.at("uptime_seconds").to_number<double>(), 0.0);
    EXPECT_FALSE(body.at("ready").as_bool());
    EXPECT_EQ(body.at("components").at("db").at("state").as_string(), "ok");
    EXPECT_EQ(body.at("trading").at("open").as_int64(), 2);
}

TEST_F(monitoring_server_test, unknown_path_is_404_and_other_methods_405) {
    auto c = client();
    auto [ec, missing] = c.get("/nope");
    ASSERT_FALSE(ec);
    EXPECT_EQ(missing.result_int(), 404U);
    auto [ec2, post] = c.get("/metrics", http::verb::post);
    ASSERT_FALSE(ec2);
    EXPECT_EQ(post.result_int(), 405U);
    EXPECT_EQ(post[http::field::allow], "GET, HEAD");
    auto [ec3, del] = c.get("/health", http::verb::delete_);
    ASSERT_FALSE(ec3);
    EXPECT_EQ(del.result_int(), 405U);

    auto [ec4, metrics] = c.get("/metrics");
    ASSERT_FALSE(ec4);
    const auto& body = metrics.body();
    EXPECT_NE(body.find("tradebot_http_requests_total{code=\"404\",path=\"other\"} 1"), std::string::npos) << body;
    EXPECT_NE(body.find("tradebot_http_requests_total{code=\"405\",path=\"/metrics\"} 1"), std::string::npos);
    EXPECT_NE(body.find("tradebot_http_requests_total{code=\"405\",path=\"/health\"} 1"), std::string::npos);
}

TEST_F(monitoring_server_test, head_on_metrics_has_no_body) {
    auto c = client();
    auto [ec, res] = c.get("/metrics", http::verb::head);
    ASSERT_FALSE(ec);
    EXPECT_EQ(res.result_int(), 200U);
    EXPECT_TRUE(res.body().empty());
    EXPECT_NE(res[http::field::content_length], "0");
}

TEST_F(monitoring_server_test, malformed_request_gets_400) {
    auto c = client();
    ASSERT_FALSE(c.write_raw("NOT HTTP AT ALL\r\n\r\n"));
    const auto got = c.read_until_closed();
    EXPECT_TRUE(got.data.starts_with("HTTP/1.1 400")) << got.data;
}

// Issue 19: idle half-open connections (a request line, no end of headers) in every slot must not
// turn a scrape or a liveness probe into a connection reset.
class monitoring_server_flood_test : public ::testing::Test {
protected:
    void start(net::http_server_options http) {
        server_ = std::make_unique<server>(
            io_.io,
            server_options{.http = std::move(http), .version = "1", .mode = core::mode::test},
            registry_,
            health_,
            clock_
        );
        ASSERT_FALSE(server_->start());
    }

    // The sample of a metric without labels, as /metrics would show it now; -1 if absent.
    double sample(const std::string& name) const {
        const auto text = server_->metrics_text();
        const auto at = text.find("\n" + name + " ");
        return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
    }

    // Holds `count` half-open connections from `source` and returns once the server has them all.
    void hold(const std::string& source, int count) {
        for (int i = 0; i < count; ++i) {
            holders_.push_back(std::make_unique<test_client>(server_->local_endpoint(), source));
            ASSERT_FALSE(holders_.back()->connect_error())
                << source << ": " << holders_.back()->connect_error().message();
            ASSERT_FALSE(holders_.back()->write_raw("GET /health HTTP/1.1\r\n"));
        }
        const auto want = static_cast<double>(holders_.size());
        for (int i = 0; i < 2000 && sample("tradebot_http_connections_open") != want; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds{1});  // the server registers them on its own thread
        }
        ASSERT_EQ(sample("tradebot_http_connections_open"), want);
    }

    // GETs `target` on a new connection from 127.0.0.1, and returns the status and the time it took.
    // The connection stays open (keep-alive), as a scraper's would.
    std::pair<unsigned, std::chrono::microseconds> timed_get(const std::string& target) {
        const auto started = std::chrono::steady_clock::now();
        auto& c = *probes_.emplace_back(std::make_unique<test_client>(server_->local_endpoint()));
        auto [ec, res] = c.get(target);
        const auto took =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
        EXPECT_FALSE(ec) << target << ": " << ec.message();
        std::printf(
            "[ measured ] GET %s -> %u in %.2f ms with %zu half-open connections held\n",
            target.c_str(),
            ec ? 0U : res.result_int(),
            static_cast<double>(took.count()) / 1000.0,
            holders_.size()
        );
        return {ec ? 0U : res.result_int(), took};
    }

    test::io_thread io_;
    core::system_clock clock_;
    prometheus::Registry registry_;
    health health_{clock_};
    std::unique_ptr<server> server_;
    // Declared last: closed before the server goes.
    std::vector<std::unique_ptr<test_client>> holders_;
    std::vector<std::unique_ptr<test_client>> probes_;
};

TEST_F(monitoring_server_flood_test, health_and_metrics_answer_while_half_open_connections_hold_every_slot) {
    // Default slots and per-client cap; eight clients with eight connections each fill all 64. The
    // headers may take longer than the test, so no timeout frees a slot: only reclaiming can.
    start({.read_timeout = std::chrono::seconds{30}, .header_timeout = std::chrono::seconds{30}});
    const net::http_server_options defaults;
    ASSERT_EQ(defaults.max_connections, 64U);
    ASSERT_EQ(defaults.max_connections_per_client, 8U);
    for (int client = 2; client <= 9; ++client) {
        hold("127.0.0." + std::to_string(client), 8);
    }
    for (const char* target : {"/health", "/metrics", "/health"}) {
        const auto [status, took] = timed_get(target);
        EXPECT_EQ(status, 200U) << target;
        EXPECT_LT(took, std::chrono::milliseconds{1000}) << target;
    }
    EXPECT_EQ(sample("tradebot_http_connections_open"), 64);
    const auto text = server_->metrics_text();
    EXPECT_NE(text.find("tradebot_http_connections_closed_total{reason=\"reclaimed\"} 3"), std::string::npos) << text;
    EXPECT_NE(text.find("tradebot_http_connections_closed_total{reason=\"refused\"} 0"), std::string::npos);
}

TEST_F(monitoring_server_flood_test, a_probe_from_the_flooding_address_still_gets_through) {
    // The default deployment binds loopback, where the probe and a local flood share one address:
    // a client over its cap must take its own oldest slot, not be refused.
    start({.read_timeout = std::chrono::seconds{30}, .header_timeout = std::chrono::seconds{30}});
    hold("127.0.0.1", 8);
    const auto [status, took] = timed_get("/health");
    EXPECT_EQ(status, 200U);
    EXPECT_LT(took, std::chrono::milliseconds{1000});
    EXPECT_EQ(sample("tradebot_http_client_limit_hits_total"), 1);
}

// Runs `promtool check metrics` on the text and returns its exit status and output.
std::pair<int, std::string> promtool_check(const std::string& text) {
    const test::temp_dir dir;
    const auto file = dir.path() / "metrics.txt";
    test::write_file(file, text);
    const std::string command = "promtool check metrics < '" + file.string() + "' 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return {-1, "popen failed"};
    }
    std::string output;
    std::array<char, 512> chunk{};
    while (std::fgets(chunk.data(), static_cast<int>(chunk.size()), pipe) != nullptr) {
        output += chunk.data();
    }
    const int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST_F(monitoring_server_test, promtool_accepts_the_metrics) {
    ASSERT_TRUE(std::filesystem::exists("/usr/bin/promtool") || std::system("command -v promtool >/dev/null") == 0)
        << "promtool (Debian package prometheus) is required";
    health_.set("db", component_state::degraded, "slow");
    health_.set_ready(true);
    auto c = client();
    // Fill every metric kind with samples first: counters, histograms, labelled gauges.
    ASSERT_FALSE(c.get("/health").first);
    ASSERT_FALSE(c.get("/nope").first);
    ASSERT_FALSE(c.get("/metrics", http::verb::post).first);
    auto [ec, res] = c.get("/metrics");
    ASSERT_FALSE(ec);
    ASSERT_EQ(res.result_int(), 200U);
    const auto [status, output] = promtool_check(res.body());
    EXPECT_EQ(status, 0) << output;
    EXPECT_EQ(output, "") << res.body();
}

TEST_F(monitoring_server_test, promtool_catches_a_broken_metric) {
    // Guards the check above: promtool must actually complain about a convention violation.
    const auto [status, output] = promtool_check("# HELP bad_counter x\n# TYPE bad_counter counter\nbad_counter 1\n");
    EXPECT_NE(status == 0 && output.empty(), true) << output;
}

}  // namespace
}  // namespace tradebot::monitoring
