#include "tradebot/monitoring/server.hpp"

#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace tradebot::monitoring {
namespace {

using namespace std::chrono_literals;

// The routing behind the socket, driven without one: handle() is what each connection calls.
class server_test : public ::testing::Test {
protected:
    net::http_response call(std::string target, std::string method = "GET") {
        return server_.handle(net::http_request{.method = std::move(method), .target = std::move(target),
                                                .headers = {}, .body = {}});
    }
    static boost::json::object json_of(const net::http_response& r) { return boost::json::parse(r.body).as_object(); }

    boost::asio::io_context io_;
    core::manual_clock clock_;
    prometheus::Registry registry_;
    health health_{clock_};
    server server_{io_, {.http = {}, .version = "9.8.7", .mode = core::mode::production}, registry_, health_, clock_};
};

TEST_F(server_test, routes_known_paths_and_ignores_the_query) {
    EXPECT_EQ(call("/metrics?debug=1").status, 200U);
    EXPECT_EQ(call("/health").status, 200U);
    EXPECT_EQ(call("/ready").status, 503U);
    EXPECT_EQ(call("/status").status, 200U);
    EXPECT_EQ(call("/").status, 404U);
    EXPECT_EQ(call("/metrics/extra").status, 404U);
    EXPECT_EQ(call("/METRICS").status, 404U);
}

TEST_F(server_test, only_get_and_head_are_allowed) {
    EXPECT_EQ(call("/metrics", "HEAD").status, 200U);
    for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get"}) {
        const auto r = call("/ready", method);
        EXPECT_EQ(r.status, 405U) << method;
        ASSERT_EQ(r.headers.size(), 1U);
        EXPECT_EQ(r.headers[0].first, "Allow");
        EXPECT_EQ(r.headers[0].second, "GET, HEAD");
    }
    EXPECT_EQ(call("/unknown", "POST").status, 404U);
}

TEST_F(server_test, ready_requires_the_flag_and_no_failed_component) {
    health_.set_ready(true);
    EXPECT_EQ(call("/ready").status, 200U);
    EXPECT_TRUE(json_of(call("/ready")).at("ready").as_bool());
    health_.set("db", component_state::failed);
    EXPECT_EQ(call("/ready").status, 503U);
    EXPECT_EQ(call("/health").status, 503U);
}

TEST_F(server_test, status_has_uptime_from_the_clock) {
    clock_.advance(90s);
    health_.set("db", component_state::ok);
    const auto body = json_of(call("/status"));
    EXPECT_DOUBLE_EQ(body.at("uptime_seconds").to_number<double>(), 90.0);
    EXPECT_EQ(body.at("version").as_string(), "9.8.7");
    EXPECT_EQ(body.at("mode").as_string(), "production");
    EXPECT_EQ(body.at("now_ms").as_int64(), clock_.now_ms());
    EXPECT_EQ(body.at("started_at_ms").as_int64(), clock_.now_ms() - 90'000);
    EXPECT_EQ(body.at("status").as_string(), "ok");
    EXPECT_TRUE(body.at("live").as_bool());
    EXPECT_FALSE(body.at("ready").as_bool());
    EXPECT_TRUE(body.at("components").as_object().contains("db"));
}

TEST_F(server_test, status_sections_are_added_replaced_and_isolated) {
    EXPECT_TRUE(server_.add_status_section("lease", [] { return boost::json::value{{"open", 1}}; }));
    EXPECT_TRUE(server_.add_status_section("lease", [] { return boost::json::value{{"open", 3}}; }));
    EXPECT_TRUE(server_.add_status_section("broken", []() -> boost::json::value { throw std::runtime_error{"boom"}; }));
    EXPECT_FALSE(server_.add_status_section("version", [] { return boost::json::value{"hijack"}; }));
    EXPECT_FALSE(server_.add_status_section("components", [] { return boost::json::value{}; }));
    EXPECT_FALSE(server_.add_status_section("positions", [] { return boost::json::value{}; })) << "built in";
    EXPECT_FALSE(server_.add_status_section("rate_limits", [] { return boost::json::value{}; })) << "built in";
    const auto r = call("/status");
    EXPECT_EQ(r.status, 200U);
    const auto body = json_of(r);
    EXPECT_EQ(body.at("lease").at("open").as_int64(), 3);
    EXPECT_EQ(body.at("broken").at("error").as_string(), "boom");
    EXPECT_EQ(body.at("version").as_string(), "9.8.7");
}

TEST_F(server_test, status_shows_positions_and_rate_limit_use_from_the_daemons_gauges) {
    auto body = json_of(call("/status"));
    EXPECT_TRUE(body.at("positions").as_object().empty()) << "no venue has reported yet";
    EXPECT_TRUE(body.at("rate_limits").as_array().empty());
    // The gauges the trading core (positions) and the venue clients (budgets) keep.
    auto& open = prometheus::BuildGauge().Name("tradebot_positions_open").Register(registry_);
    auto& bare = prometheus::BuildGauge().Name("tradebot_positions_unprotected").Register(registry_);
    auto& used = prometheus::BuildGauge().Name("tradebot_exchange_rate_limit_used").Register(registry_);
    auto& limit = prometheus::BuildGauge().Name("tradebot_exchange_rate_limit_limit").Register(registry_);
    open.Add({{"exchange", "binance"}}).Set(2);
    bare.Add({{"exchange", "binance"}}).Set(1);
    open.Add({{"exchange", "bybit"}}).Set(0);
    used.Add({{"venue", "binance"}, {"budget", "weight_1m"}}).Set(600);
    limit.Add({{"venue", "binance"}, {"budget", "weight_1m"}}).Set(2400);
    used.Add({{"venue", "bybit"}, {"budget", "orders"}}).Set(3);
    body = json_of(call("/status"));
    const auto& positions = body.at("positions").as_object();
    EXPECT_EQ(positions.size(), 2U);
    EXPECT_EQ(boost::json::serialize(positions.at("binance")), R"({"open":2,"unprotected":1})");
    EXPECT_EQ(boost::json::serialize(positions.at("bybit")), R"({"open":0})");
    const auto& budgets = body.at("rate_limits").as_array();
    ASSERT_EQ(budgets.size(), 2U);
    for (const auto& b : budgets) {
        if (b.at("venue").as_string() == "binance") {
            EXPECT_EQ(b.at("budget").as_string(), "weight_1m");
            EXPECT_EQ(b.at("used").as_int64(), 600);
            EXPECT_EQ(b.at("limit").as_int64(), 2400);
            EXPECT_DOUBLE_EQ(b.at("percent").as_double(), 25.0);
        } else {
            EXPECT_EQ(boost::json::serialize(b), R"({"budget":"orders","venue":"bybit","used":3,"limit":0})")
                << "no percent of an unknown limit";
        }
    }
}

TEST_F(server_test, requests_are_counted_with_bounded_labels) {
    for (const char* path : {"/a", "/b", "/c?x"}) {
        EXPECT_EQ(call(path).status, 404U);
    }
    EXPECT_EQ(call("/health").status, 200U);
    EXPECT_EQ(call("/health", "POST").status, 405U);
    const auto text = server_.metrics_text();
    EXPECT_NE(text.find("tradebot_http_requests_total{code=\"404\",path=\"other\"} 3"), std::string::npos) << text;
    EXPECT_NE(text.find("tradebot_http_requests_total{code=\"200\",path=\"/health\"} 1"), std::string::npos);
    EXPECT_NE(text.find("tradebot_http_requests_total{code=\"405\",path=\"/health\"} 1"), std::string::npos);
    EXPECT_EQ(text.find("path=\"/a\""), std::string::npos);
    EXPECT_NE(text.find("tradebot_http_request_duration_seconds_count{path=\"other\"} 3"), std::string::npos);
}

TEST_F(server_test, metrics_include_the_app_registry_and_daemon_gauges) {
    auto& orders = prometheus::BuildCounter().Name("tradebot_orders_total").Help("Orders sent.").Register(registry_);
    orders.Add({{"exchange", "binance"}}).Increment(2);
    health_.set("db", component_state::degraded);
    health_.set("bybit.rest", component_state::failed);
    const auto r = call("/metrics");
    EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
    const auto& text = r.body;
    EXPECT_NE(text.find("tradebot_orders_total{exchange=\"binance\"} 2"), std::string::npos) << text;
    EXPECT_NE(text.find("tradebot_build_info{mode=\"production\",version=\"9.8.7\"} 1"), std::string::npos);
    EXPECT_NE(text.find("tradebot_up 1"), std::string::npos);
    EXPECT_NE(text.find("tradebot_ready 0"), std::string::npos);
    EXPECT_NE(text.find("tradebot_component_state{component=\"db\"} 1"), std::string::npos);
    EXPECT_NE(text.find("tradebot_component_state{component=\"bybit.rest\"} 2"), std::string::npos);
    EXPECT_NE(text.find("process_open_fds "), std::string::npos);
}

}  // namespace
}  // namespace tradebot::monitoring
