#pragma once

#include <functional>
#include <memory>
#include <string>

#include <boost/json/fwd.hpp>
#include <boost/system/error_code.hpp>

#include "tradebot/core/clock.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/monitoring/health.hpp"
#include "tradebot/net/http_server.hpp"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace tradebot::monitoring {

struct server_options {
    net::http_server_options http;  // address, port (0 = any free port), limits, timeouts
    std::string version;            // reported in /status and tradebot_build_info
    core::mode mode = core::mode::test;
};

// The daemon's HTTP face (Prometheus and the operator), on top of net::http_server:
//   GET /metrics  the app's registry + tradebot_* daemon gauges + tradebot_http_connections_* of this
//                 server + process_* metrics (text format 0.0.4)
//   GET /health   200 while no component has failed, else 503; JSON
//   GET /ready    200 once health::is_ready(), else 503; JSON
//   GET /status   JSON: version, mode, uptime, live, ready, components, and the app's sections
// HEAD works on each; other methods get 405, other paths 404. Every answer is counted in
// tradebot_http_requests_total{path,code} and tradebot_http_request_duration_seconds{path}, with
// path one of the four above or "other", so label cardinality stays bounded.
class server {
public:
    // Produces one top-level member of /status (e.g. "positions"). Runs on an HTTP connection's
    // strand, so it must only read thread-safe state and must not block.
    using status_section = std::function<boost::json::value()>;

    // registry, health and clock must outlive the server.
    server(boost::asio::io_context& io, server_options options, prometheus::Registry& registry, const health& h,
           const core::clock& clock);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    [[nodiscard]] boost::system::error_code start();
    void stop();
    [[nodiscard]] net::http_endpoint local_endpoint() const;

    // Adds or replaces a /status section. Thread-safe. Returns false, and adds nothing, for the
    // names of built-in members ("version", "mode", "components", ...).
    bool add_status_section(std::string name, status_section section);

    // The routing behind the socket; callable directly (unit tests, `tradebot status` in-process).
    [[nodiscard]] net::http_response handle(const net::http_request& request);
    [[nodiscard]] std::string metrics_text() const;
    [[nodiscard]] std::string status_json() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace tradebot::monitoring
