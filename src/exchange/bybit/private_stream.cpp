#include "tradebot/exchange/bybit/private_stream.hpp"

#include <atomic>
#include <mutex>
#include <type_traits>
#include <variant>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "exchange/bybit/ws_stream.hpp"
#include "exchange/stream_session.hpp"
#include "tradebot/exchange/signing.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::exchange::bybit {

namespace {
constexpr std::string_view private_stream_name = "private";
}  // namespace

struct private_stream::impl : ws_stream {
    impl(boost::asio::io_context& io, private_stream_options opts, api_credentials creds, const symbol_map& symbols,
         const time_sync& sync, const core::clock& clk, events::router& router, venue_metrics* m)
        : ws_stream{io, ws_options(opts, opts.ws_base + "/v5/private"), opts.ping_interval},
          options{std::move(opts)},
          credentials{std::move(creds)},
          clock_sync{sync},
          clock{clk},
          decoder{symbols},
          orders{router.topic<events::order_update>(events::topic_name::order_update)},
          fills{router.topic<events::order_update>(events::topic_name::fill)},
          positions{router.topic<events::position_update>(events::topic_name::position_update)},
          balances{router.topic<events::balance_update>(events::topic_name::balance_update)},
          session{core::exchange_id::bybit, std::string{private_stream_name}, clk,
                  &router.topic<events::stream_state>(events::topic_name::stream_state), m, metrics_mutex},
          log{logging::get("exchange.bybit")} {}

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

    // A connection that never authenticated was not up, so its end is no reconnect.
    void state_changed(net::ws_state s, boost::system::error_code ec) {
        if (is_down(s)) {
            report_down(session, s, ec, authenticated.exchange(false));
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
                    session.count_message();
                    for (const auto& o : v.items) orders.publish(o);
                } else if constexpr (std::is_same_v<T, position_batch>) {
                    session.count_message();
                    for (const auto& p : v.items) positions.publish(p);
                } else if constexpr (std::is_same_v<T, balance_batch>) {
                    session.count_message();
                    for (const auto& b : v.items) balances.publish(b);
                } else if constexpr (std::is_same_v<T, execution_batch>) {
                    session.count_message();
                    for (const auto& x : v.items) publish_fill(x);
                    std::function<void(const execution&)> h;
                    {
                        const std::lock_guard lock{handler_mutex};
                        h = exec_handler;
                    }
                    if (h) {
                        for (const auto& x : v.items) h(x);
                    }
                } else if constexpr (std::is_same_v<T, malformed>) {
                    session.count_malformed();
                    logging::warn(log, "bybit private frame malformed", logging::kv("reason", v.reason));
                }
            },
            result);
    }

    // A trade execution (not a funding settlement) as a fill for the trades table.
    void publish_fill(const execution& x) {
        if (x.exec_type != "Trade" && x.exec_type != "BustTrade" && x.exec_type != "AdlTrade") {
            return;
        }
        events::order_update u;
        u.exchange = core::exchange_id::bybit;
        u.symbol = x.symbol;
        u.client_order_id = x.client_order_id;
        u.exchange_order_id = x.order_id;
        u.side = x.side;
        u.status = x.leaves_quantity.is_positive() ? events::order_status::partially_filled
                                                   : events::order_status::filled;
        u.last_fill_quantity = x.quantity;
        u.last_fill_price = x.price;
        u.fee = x.fee;
        u.fee_asset = x.fee_currency;
        u.realized_pnl = x.exec_pnl;
        u.trade_id = x.exec_id;
        u.exchange_ts = x.exchange_ts;
        u.receive_ts = x.receive_ts;
        fills.publish(u);
    }

    void on_op(const op_response& r) {
        if (r.op == "auth") {
            if (r.success) {
                authenticated = true;
                ++auth_count;
                subscribe();
            } else {
                logging::error(log, "bybit private auth refused", logging::kv("message", r.message));
                session.report(events::stream_status::disconnected, "auth failed: " + r.message);
            }
        } else if (r.op == "subscribe") {
            if (r.success) {
                ++subscribe_count;
                session.report(events::stream_status::connected, {});
            } else {
                logging::error(log, "bybit private subscribe refused", logging::kv("message", r.message));
            }
        }
    }

    private_stream_options options;
    api_credentials credentials;
    const time_sync& clock_sync;
    const core::clock& clock;
    stream_decoder decoder;  // ws strand only
    events::topic<events::order_update>& orders;
    events::topic<events::order_update>& fills;
    events::topic<events::position_update>& positions;
    events::topic<events::balance_update>& balances;
    std::mutex metrics_mutex;  // before session, which holds it
    stream_session session;
    std::shared_ptr<spdlog::logger> log;
    std::mutex handler_mutex;
    std::function<void(const execution&)> exec_handler;
    std::atomic<bool> authenticated{false};
    std::atomic<std::uint64_t> auth_count{0};
    std::atomic<std::uint64_t> subscribe_count{0};
};

private_stream::private_stream(boost::asio::io_context& io, private_stream_options options,
                               api_credentials credentials, const symbol_map& symbols, const time_sync& clock_sync,
                               const core::clock& clock, events::router& router, venue_metrics* metrics)
    : impl_{std::make_shared<impl>(io, std::move(options), std::move(credentials), symbols, clock_sync, clock, router,
                                   metrics)} {
    impl_->wire();
}

private_stream::~private_stream() { impl_->close(); }

void private_stream::on_execution(std::function<void(const execution&)> handler) {
    const std::lock_guard lock{impl_->handler_mutex};
    impl_->exec_handler = std::move(handler);
}

void private_stream::start() { impl_->start(); }
void private_stream::stop() { impl_->stop(); }

bool private_stream::authenticated() const noexcept { return impl_->authenticated; }
std::uint64_t private_stream::auth_count() const noexcept { return impl_->auth_count; }
std::uint64_t private_stream::subscribe_count() const noexcept { return impl_->subscribe_count; }
net::ws_counters private_stream::counters() const noexcept { return impl_->counters(); }

}  // namespace tradebot::exchange::bybit
