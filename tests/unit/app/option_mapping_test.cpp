#include "app/option_mapping.hpp"

#include <gtest/gtest.h>

namespace tradebot::app {
namespace {

using namespace std::chrono_literals;

// The http.* keys reach the HTTP server of the monitoring endpoints; what each option does there
// is shown by tests/integration/http.
TEST(option_mapping, http_settings_reach_the_monitoring_server) {
    config::settings s;
    s.http.bind = "0.0.0.0";
    s.http.port = 9100;
    s.http.max_body_bytes = 4096;
    s.http.request_timeout_ms = 7000ms;
    s.http.header_timeout_ms = 1500ms;
    s.http.max_connections = 32;
    s.http.max_connections_per_client = 3;
    const auto o = server_options(s, "9.9.9");
    EXPECT_EQ(o.http.address, "0.0.0.0");
    EXPECT_EQ(o.http.port, 9100);
    EXPECT_EQ(o.http.body_limit, 4096U);
    EXPECT_EQ(o.http.read_timeout, 7000ms);
    EXPECT_EQ(o.http.write_timeout, 7000ms);
    EXPECT_EQ(o.http.header_timeout, 1500ms);
    EXPECT_EQ(o.http.max_connections, 32U);
    EXPECT_EQ(o.http.max_connections_per_client, 3U);
    EXPECT_EQ(o.version, "9.9.9");
}

TEST(option_mapping, http_defaults_match_the_servers_own_defaults) {
    const auto o = server_options(config::settings{}, "v");
    const net::http_server_options plain;
    EXPECT_EQ(o.http.header_timeout, plain.header_timeout);
    EXPECT_EQ(o.http.read_timeout, plain.read_timeout);
    EXPECT_EQ(o.http.max_connections, plain.max_connections);
    EXPECT_EQ(o.http.max_connections_per_client, plain.max_connections_per_client);
}

}  // namespace
}  // namespace tradebot::app
