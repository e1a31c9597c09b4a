#include "tradebot/exchange/bybit/private_stream.hpp"

#include <atomic>
#include <mutex>
#include <type_traits>
#include <variant>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>

#include "tradebot/exchange/signing.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::exchange::bybit {

namespace {
constexpr std::string_view stream_name = "private";
}  // namespace

struct private_stream::impl : std::enable_shared_from_this<impl> {
    impl(boost::asio::io_context& io, private_stream_options opts, api_credentials creds, const symbol_map& symbols,
         const time_sync& sync, const core::clock& clk, events::router& router, venue_metrics* m)
        : options{std::move(opts)},
          credentials{std::move(creds)},
          clock_sync{sync},
          clock{clk},
          metrics{m},
          decoder{symbols},
          orders{router.topic<events::order_update>(events::topic_name::order_update)},
          positions{router.topic<events::position_update>(events::topic_name::position_update)},
          balances{router.topic<events::balance_update>(events::topic_name::balance_update)},
          states{router.topic<events::stream_state>(events::topic_name::stream_state)},
          ping_timer{io},
          log{logging::get("exchange.bybit")} {
        net::ws_client_options ws_opts;
        ws_opts.url = options.ws_base + "/v5/private";
        ws_opts.ca_file = options.ca_file;
        ws_opts.verify_peer = options.verify_peer;
        ws_opts.idle_timeout = options.idle_timeout;
        ws_opts.stall_timeout = options.stall_timeout;
        ws_opts.backoff = options.backoff;
        ws = std::make_unique<net::ws_client>(io, ws_opts);
    }

    void wire() {
        ws->on_connected([this] { send_auth(); });
        ws->on_message([this](std::string_view frame) { handle(frame); });
        ws->on_state([this](net::ws_state s, boost::system::error_code ec) { state_changed(s, ec); });
    }

    void send_auth() {
        authenticated = false;
        const std::int64_t expires = clock_sync.venue_now_ms() + options.auth_expiry.count();
        boost::json::object msg;
        msg["req_id"] = "auth";
        msg["op"] = "auth";
        msg["args"] = boost::json::array{credentials.api_key(), expires, bybit_ws_auth_signature(credentials, expires)};
        ws->send(boost::json::serialize(msg));
    }

    void subscribe() {
        ws->send(R"({"req_id":"sub","op":"subscribe","args":["order","execution","position","wallet"]})");
    }

    void publish_state(events::stream_status st, std::string reason) {
        events::stream_state e;
        e.exchange = core::exchange_id::bybit;
        e.stream = std::string{stream_name};
        e.status = st;
        e.reason = std::move(reason);
        e.ts = clock.now();
        states.publish(e);
        if (metrics != nullptr) {
            const std::lock_guard lock{metrics_mutex};
            metrics->stream_up(stream_name, st == events::stream_status::connected ? 1
                                            : st == events::stream_status::stalled ? -1
                                                                                   : 0);
        }
    }

    void state_changed(net::ws_state s, boost::system::error_code ec) {
        if (s == net::ws_state::disconnected || s == net::ws_state::stalled) {
            const bool was_up = authenticated.exchange(false);
            if (metrics != nullptr && was_up) {
                const std::lock_guard lock{metrics_mutex};
                metrics->stream_reconnect(stream_name);
            }
            publish_state(s == net::ws_state::stalled ? events::stream_status::stalled
                                                      : events::stream_status::disconnected,
                          ec ? ec.message() : std::string{net::to_string(s)});
        }
    }

    void count(bool bad) {
        if (metrics == nullptr) {
            return;
        }
        const std::lock_guard lock{metrics_mutex};
        if (bad) {
            metrics->stream_malformed(stream_name);
        } else {
            metrics->stream_message(stream_name);
        }
    }

    void handle(std::string_view frame) {
        auto result = decoder.decode(frame, clock.now());
        std::visit(
            [&](auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, op_response>) {
                    on_op(v);
                } else if constexpr (std::is_same_v<T, order_batch>) {
                    count(false);
                    for (const auto& o : v.items) orders.publish(o);
                } else if constexpr (std::is_same_v<T, position_batch>) {
                    count(false);
                    for (const auto& p : v.items) positions.publish(p);
                } else if constexpr (std::is_same_v<T, balance_batch>) {
                    count(false);
                    for (const auto& b : v.items) balances.publish(b);
                } else if constexpr (std::is_same_v<T, execution_batch>) {
                    count(false);
                    std::function<void(const execution&)> h;
                    {
                        const std::lock_guard lock{handler_mutex};
                        h = exec_handler;
                    }
                    if (h) {
                        for (const auto& x : v.items) h(x);
                    }
                } else if constexpr (std::is_same_v<T, malformed>) {
                    count(true);
                    logging::warn(log, "bybit private frame malformed", logging::kv("reason", v.reason));
                }
            },
            result);
    }

    void on_op(const op_response& r) {
        if (r.op == "auth") {
            if (r.success) {
                authenticated = true;
                ++auth_count;
                subscribe();
            } else {
                logging::error(log, "bybit private auth refused", logging::kv("message", r.message));
                publish_state(events::stream_status::disconnected, "auth failed: " + r.message);
            }
        } else if (r.op == "subscribe") {
            if (r.success) {
                ++subscribe_count;
                publish_state(events::stream_status::connected, {});
            } else {
                logging::error(log, "bybit private subscribe refused", logging::kv("message", r.message));
            }
        }
    }

    void schedule_ping() {
        ping_timer.expires_after(options.ping_interval);
        ping_timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
            auto self = weak.lock();
            if (ec || !self || self->stopped) {
                return;
            }
            if (self->ws->state() == net::ws_state::connected) {
                self->ws->send(R"({"req_id":"ping","op":"ping"})");
            }
            self->schedule_ping();
        });
    }

    private_stream_options options;
    api_credentials credentials;
    const time_sync& clock_sync;
    const core::clock& clock;
    venue_metrics* metrics;
    std::mutex metrics_mutex;
    stream_decoder decoder;  // ws strand only
    events::topic<events::order_update>& orders;
    events::topic<events::position_update>& positions;
    events::topic<events::balance_update>& balances;
    events::topic<events::stream_state>& states;
    boost::asio::steady_timer ping_timer;
    std::shared_ptr<spdlog::logger> log;
    std::mutex handler_mutex;
    std::function<void(const execution&)> exec_handler;
    std::atomic<bool> authenticated{false};
    std::atomic<std::uint64_t> auth_count{0};
    std::atomic<std::uint64_t> subscribe_count{0};
    std::atomic<bool> stopped{false};
    std::unique_ptr<net::ws_client> ws;  // last: destroyed first, so no handler outlives the rest
};

private_stream::private_stream(boost::asio::io_context& io, private_stream_options options,
                               api_credentials credentials, const symbol_map& symbols, const time_sync& clock_sync,
                               const core::clock& clock, events::router& router, venue_metrics* metrics)
    : impl_{std::make_shared<impl>(io, std::move(options), std::move(credentials), symbols, clock_sync, clock, router,
                                   metrics)} {
    impl_->wire();
}

private_stream::~private_stream() {
    stop();
    impl_->ws.reset();
}

void private_stream::on_execution(std::function<void(const execution&)> handler) {
    const std::lock_guard lock{impl_->handler_mutex};
    impl_->exec_handler = std::move(handler);
}

void private_stream::start() {
    impl_->ws->start();
    impl_->schedule_ping();
}

void private_stream::stop() {
    impl_->stopped = true;
    impl_->ping_timer.cancel();
    if (impl_->ws) {
        impl_->ws->stop();
    }
}

bool private_stream::authenticated() const noexcept { return impl_->authenticated; }
std::uint64_t private_stream::auth_count() const noexcept { return impl_->auth_count; }
std::uint64_t private_stream::subscribe_count() const noexcept { return impl_->subscribe_count; }
net::ws_counters private_stream::counters() const noexcept { return impl_->ws->counters(); }

}  // namespace tradebot::exchange::bybit
