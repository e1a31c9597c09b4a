#include "tradebot/monitoring/server.hpp"

#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <prometheus/counter.h>
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
    EXPECT_TRUE(server_.add_status_section("positions", [] { return boost::json::value{{"open", 1}}; }));
    EXPECT_TRUE(server_.add_status_section("positions", [] { return boost::json::value{{"open", 3}}; }));
    EXPECT_TRUE(server_.add_status_section("broken", []() -> boost::json::value { throw std::runtime_error{"boom"}; }));
    EXPECT_FALSE(server_.add_status_section("version", [] { return boost::json::value{"hijack"}; }));
    EXPECT_FALSE(server_.add_status_section("components", [] { return boost::json::value{}; }));
    const auto r = call("/status");
    EXPECT_EQ(r.status, 200U);
    const auto body = json_of(r);
    EXPECT_EQ(body.at("positions").at("open").as_int64(), 3);
    EXPECT_EQ(body.at("broken").at("error").as_string(), "boom");
    EXPECT_EQ(body.at("version").as_string(), "9.8.7");
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
