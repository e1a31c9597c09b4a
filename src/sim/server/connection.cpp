// One accepted connection: TLS or not (told by the first byte), then net's HTTP/1.1 loop with the
// transport faults in its hook, and the hand-over to ws_session.cpp on an accepted upgrade.
#include <array>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "sim/server/listener_state.hpp"
#include "sim/server/ws_session.hpp"
#include "tradebot/net/http_session.hpp"
#include "tradebot/net/use_nothrow.hpp"

namespace tradebot::sim::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

using net::use_nothrow;

wire::reply plain_reply(unsigned status, std::string body) {
    return {.response = {.status = status, .content_type = "text/plain; charset=utf-8", .body = std::move(body),
                         .headers = {}},
            .action = wire::disposition::send};
}

net::http_outcome send(net::http_response response, bool close) {
    return {.response = std::move(response), .close = close, .stream_taken = false};
}

// The connection ends without (another) answer.
net::http_outcome end() { return {.response = std::nullopt, .close = true, .stream_taken = false}; }

// The reset fault: RST rather than FIN, as a venue's load balancer dropping the connection.
void reset(beast::tcp_stream& lowest) {
    error_code ignored;
    lowest.socket().set_option(tcp::socket::linger{true, 0}, ignored);
    lowest.socket().close(ignored);
}

// The hang fault: never answer; discard whatever comes until the client (or stop()) closes.
asio::awaitable<void> hang(beast::tcp_stream& lowest) {
    lowest.expires_never();
    std::array<char, 4096> sink{};
    for (;;) {
        auto [ec, n] = co_await lowest.socket().async_read_some(asio::buffer(sink), use_nothrow);
        if (ec) {
            co_return;
        }
    }
}

// Applies the transport faults to a venue request; nullopt: let the venue answer.
std::optional<wire::reply> transport_fault(listener::state& self) {
    if (self.venue_ == nullptr) {
        return std::nullopt;
    }
    auto& faults = self.venue_->faults();
    if (faults.http_5xx_next > 0) {
        --faults.http_5xx_next;
        // [U] The body of a venue's 503 (from its CDN / gateway) is not specified; clients are
        // expected to act on the status alone.
        return plain_reply(503, "Service Unavailable\n");
    }
    if (faults.reset_next > 0) {
        --faults.reset_next;
        return wire::reply{.response = {}, .action = wire::disposition::reset};
    }
    return std::nullopt;
}

template <class Stream>
asio::awaitable<net::http_outcome> upgrade(std::shared_ptr<listener::state> self,
                                           std::shared_ptr<net::server_connection> connection, Stream& stream,
                                           net::beast_request& message) {
    std::optional<wire::reply> refusal;
    if (self->venue_ == nullptr) {
        refusal = plain_reply(503, "shutting down\n");
    } else {
        try {
            refusal = self->venue_->ws_accept(net::to_http_request(message, false));
        } catch (const std::exception&) {
            refusal = plain_reply(500, "internal error\n");
        }
    }
    if (!refusal) {
        auto session = run_websocket(std::move(self), std::move(connection), std::move(stream), std::move(message));
        co_await std::move(session);
        co_return net::http_outcome{.response = std::nullopt, .close = true, .stream_taken = true};
    }
    if (refusal->action == wire::disposition::send) {
        co_return send(std::move(refusal->response), true);
    }
    co_return end();
}

template <class Stream>
asio::awaitable<void> http_loop(std::shared_ptr<listener::state> self,
                                std::shared_ptr<net::server_connection> connection, Stream& stream,
                                beast::flat_buffer& buffer) {
    const auto& options = self->options_;
    // No header deadline of its own (header_timeout = read_timeout) and no Server header: the
    // simulator answers as the venues' gateways do.
    const net::http_session_options session{.header_limit = options.header_limit,
                                            .body_limit = options.body_limit,
                                            .read_timeout = options.read_timeout,
                                            .header_timeout = options.read_timeout,
                                            .write_timeout = options.write_timeout,
                                            .server_name = {}};
    auto on_request = [&](net::beast_request& message) -> asio::awaitable<net::http_outcome> {
        // Taken before anything else looks at the request: the benchmark measures the client's
        // latency up to the arrival of its bytes, not the simulator's own handling.
        const wire::arrival_time arrival = wire::wall_now();
        if (beast::websocket::is_upgrade(message)) {
            // Named first: GCC 12 mishandles temporaries in a co_await (docs/ARCHITECTURE.md §8).
            auto op = upgrade(self, connection, stream, message);
            const net::http_outcome upgraded = co_await std::move(op);
            co_return upgraded;
        }
        const net::http_request request = net::to_http_request(message, true);
        std::optional<wire::reply> answer;
        if (!request.path().starts_with("/sim/")) {
            answer = transport_fault(*self);
        }
        if (!answer) {
            answer = self->route(request, arrival);
        }
        auto& lowest = beast::get_lowest_layer(stream);
        if (answer->action == wire::disposition::reset) {
            reset(lowest);
            co_return end();
        }
        if (answer->action == wire::disposition::hang) {
            co_await hang(lowest);
            co_return end();
        }
        co_return send(std::move(answer->response), false);
    };
    auto loop = net::serve_http(*self, *connection, stream, buffer, session, std::chrono::steady_clock::now(),
                                on_request);
    co_await std::move(loop);
}

}  // namespace

asio::awaitable<void> listener::state::serve_connection(std::shared_ptr<net::server_connection> connection,
                                                        tcp::socket socket) {
    auto self = std::static_pointer_cast<state>(shared_from_this());
    beast::tcp_stream stream{std::move(socket)};
    connection->set_abort([&stream] { net::close_gracefully(stream); });
    beast::flat_buffer buffer;
    stream.expires_after(options_.read_timeout);
    auto [detect_ec, is_tls] = co_await beast::async_detect_ssl(stream, buffer, use_nothrow);
    if (detect_ec || stopped()) {
        net::close_gracefully(stream);
        co_return;
    }
    if (!is_tls) {
        auto plain = http_loop(self, connection, stream, buffer);
        co_await std::move(plain);
        co_return;
    }
    if (!options_.tls) {
        reset(stream);  // a TLS client on a plain-only port
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> tls{std::move(stream), *options_.tls};
    connection->set_abort([&tls] { net::close_gracefully(tls); });
    auto [handshake_ec, used] = co_await tls.async_handshake(asio::ssl::stream_base::server, buffer.data(),
                                                             use_nothrow);
    if (handshake_ec || stopped()) {
        net::close_gracefully(tls);
        co_return;
    }
    buffer.consume(used);
    auto secure = http_loop(self, connection, tls, buffer);
    co_await std::move(secure);
}

}  // namespace tradebot::sim::server
