#include "tradebot/monitoring/server.hpp"

#include <array>
#include <chrono>
#include <exception>
#include <map>
#include <mutex>
#include <sstream>
#include <string_view>

#include <boost/json.hpp>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "monitoring/daemon_collector.hpp"
#include "monitoring/http_metrics.hpp"
#include "monitoring/json_views.hpp"
#include "monitoring/status_views.hpp"
#include "tradebot/monitoring/process_collector.hpp"

namespace tradebot::monitoring {

namespace {

enum class route : std::size_t { metrics, health, ready, status, other };
constexpr std::array<std::string_view, 5> route_labels{"/metrics", "/health", "/ready", "/status", "other"};
constexpr std::array<std::string_view, 11> reserved_members{
    "version", "mode", "uptime_seconds", "status", "live", "ready", "components", "started_at_ms", "now_ms",
    "positions", "rate_limits"};

route route_of(std::string_view path) noexcept {
    for (std::size_t i = 0; i + 1 < route_labels.size(); ++i) {
        if (path == route_labels[i]) {
            return static_cast<route>(i);
        }
    }
    return route::other;
}

net::http_response json_response(unsigned status, const boost::json::value& body) {
    return {.status = status, .content_type = "application/json", .body = boost::json::serialize(body) + "\n",
            .headers = {}};
}

}  // namespace

struct server::impl {
    impl(boost::asio::io_context& io, server_options opts, prometheus::Registry& registry, const health& h,
         const core::clock& clock)
        : options_{std::move(opts)},
          registry_{registry},
          health_{h},
          clock_{clock},
          started_steady_{clock.steady_now()},
          started_at_ms_{clock.now_ms()},
          daemon_{h, options_.version, std::string{core::to_string(options_.mode)}},
          requests_{prometheus::BuildCounter()
                        .Name("tradebot_http_requests_total")
                        .Help("HTTP requests answered by the monitoring server, by path and status code.")
                        .Register(registry)},
          durations_{prometheus::BuildHistogram()
                         .Name("tradebot_http_request_duration_seconds")
                         .Help("Time to build the answer to a monitoring HTTP request.")
                         .Register(registry)},
          http_{io, options_.http, [this](const net::http_request& request) { return handle(request); }} {
        const prometheus::Histogram::BucketBoundaries buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                              0.05,   0.1,   0.25,   0.5,   1.0};
        for (std::size_t i = 0; i < route_labels.size(); ++i) {
            histograms_[i] = &durations_.Add({{"path", std::string{route_labels[i]}}}, buckets);
        }
    }

    net::http_response handle(const net::http_request& request);
    net::http_response dispatch(route r, const net::http_request& request);
    std::string metrics_text() const;
    boost::json::object status_object() const;

    const server_options options_;
    prometheus::Registry& registry_;
    const health& health_;
    const core::clock& clock_;
    const std::chrono::steady_clock::time_point started_steady_;
    const std::int64_t started_at_ms_;
    const process_collector process_;
    const daemon_collector daemon_;
    prometheus::Family<prometheus::Counter>& requests_;
    prometheus::Family<prometheus::Histogram>& durations_;
    std::array<prometheus::Histogram*, route_labels.size()> histograms_{};

    mutable std::mutex sections_mutex_;
    std::map<std::string, status_section, std::less<>> sections_;

    // Last member: destroyed first, and its destructor guarantees the handler (which uses the
    // members above) is no longer running.
    net::http_server http_;
};

net::http_response server::impl::handle(const net::http_request& request) {
    const auto started = clock_.steady_now();
    const auto r = route_of(request.path());
    net::http_response response = dispatch(r, request);
    const auto index = static_cast<std::size_t>(r);
    requests_.Add({{"path", std::string{route_labels[index]}}, {"code", std::to_string(response.status)}}).Increment();
    histograms_[index]->Observe(std::chrono::duration<double>(clock_.steady_now() - started).count());
    return response;
}

net::http_response server::impl::dispatch(route r, const net::http_request& request) {
    if (r == route::other) {
        return {.status = 404, .content_type = "text/plain; charset=utf-8", .body = "not found\n", .headers = {}};
    }
    if (request.method != "GET" && request.method != "HEAD") {
        return {.status = 405, .content_type = "text/plain; charset=utf-8", .body = "method not allowed\n",
                .headers = {{"Allow", "GET, HEAD"}}};
    }
    try {
        switch (r) {
            case route::metrics:
                return {.status = 200, .content_type = "text/plain; version=0.0.4; charset=utf-8",
                        .body = metrics_text(), .headers = {}};
            case route::health: {
                auto body = health_to_json(health_);
                const bool live = body.at("live").as_bool();
                return json_response(live ? 200 : 503, body);
            }
            case route::ready: {
                const bool ready = health_.is_ready();
                return json_response(ready ? 200 : 503, boost::json::object{{"ready", ready}});
            }
            case route::status:
                return json_response(200, status_object());
            case route::other:
                break;
        }
    } catch (const std::exception& e) {
        return json_response(500, boost::json::object{{"error", e.what()}});
    }
    return {.status = 404, .content_type = "text/plain; charset=utf-8", .body = "not found\n", .headers = {}};
}

std::string server::impl::metrics_text() const {
    auto families = registry_.Collect();
    for (auto* collectable : std::array<const prometheus::Collectable*, 2>{&daemon_, &process_}) {
        auto more = collectable->Collect();
        families.insert(families.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    }
    auto http = http_server_families(http_.stats());
    families.insert(families.end(), std::make_move_iterator(http.begin()), std::make_move_iterator(http.end()));
    std::ostringstream out;
    prometheus::TextSerializer{}.Serialize(out, families);
    return std::move(out).str();
}

boost::json::object server::impl::status_object() const {
    auto body = health_to_json(health_);
    body["version"] = options_.version;
    body["mode"] = core::to_string(options_.mode);
    body["started_at_ms"] = started_at_ms_;
    body["now_ms"] = clock_.now_ms();
    body["uptime_seconds"] = std::chrono::duration<double>(clock_.steady_now() - started_steady_).count();
    // From the gauges the trading core and the venue clients keep: nothing waits on their strands.
    const auto families = registry_.Collect();
    body["positions"] = positions_view(families);
    body["rate_limits"] = rate_limits_view(families);
    const std::lock_guard lock{sections_mutex_};
    for (const auto& [name, section] : sections_) {
        try {
            body[name] = section();
        } catch (const std::exception& e) {
            // One broken section must not hide the rest of the status.
            body[name] = boost::json::object{{"error", e.what()}};
        }
    }
    return body;
}

server::server(boost::asio::io_context& io, server_options options, prometheus::Registry& registry, const health& h,
               const core::clock& clock)
    : impl_{std::make_unique<impl>(io, std::move(options), registry, h, clock)} {}

server::~server() = default;

boost::system::error_code server::start() { return impl_->http_.start(); }

void server::stop() { impl_->http_.stop(); }

net::http_endpoint server::local_endpoint() const { return impl_->http_.local_endpoint(); }

bool server::add_status_section(std::string name, status_section section) {
    for (const auto reserved : reserved_members) {
        if (name == reserved) {
            return false;
        }
    }
    const std::lock_guard lock{impl_->sections_mutex_};
    impl_->sections_[std::move(name)] = std::move(section);
    return true;
}

net::http_response server::handle(const net::http_request& request) { return impl_->handle(request); }

std::string server::metrics_text() const { return impl_->metrics_text(); }

std::string server::status_json() const { return boost::json::serialize(impl_->status_object()); }

}  // namespace tradebot::monitoring
