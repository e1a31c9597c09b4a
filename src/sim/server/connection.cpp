// One accepted connection: TLS or not (told by the first byte), then HTTP/1.1 keep-alive with
// the transport faults, and the hand-over to ws_session.cpp on an accepted upgrade.
#include <array>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "sim/server/listener_state.hpp"
#include "sim/server/ws_session.hpp"

namespace tradebot::sim::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

using beast_response = http::response<http::string_body>;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// The same conversions as src/net/http_server_session.cpp (where they are file-local).
net::http_request to_request(upgrade_request& source, bool take_body) {
    net::http_request request;
    request.method = std::string{source.method_string()};
    request.target = std::string{source.target()};
    request.headers.reserve(8);
    for (const auto& field : source) {
        request.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
    }
    request.body = take_body ? std::move(source.body()) : source.body();
    return request;
}

beast_response to_beast(net::http_response&& source, unsigned version, bool keep_alive, bool head) {
    if (source.status < 100 || source.status > 599) {
        // Beast throws on codes above 999; a handler bug must not cost the connection loop.
        source = {.status = 500, .content_type = "text/plain; charset=utf-8", .body = "internal error\n", .headers = {}};
    }
    beast_response response;
    response.version(version);
    response.result(source.status);
    if (!source.content_type.empty()) {
        response.set(http::field::content_type, source.content_type);
    }
    for (const auto& [name, value] : source.headers) {
        response.set(name, value);
    }
    response.keep_alive(keep_alive);
    response.body() = std::move(source.body);
    response.prepare_payload();
    if (head) {
        response.body().clear();  // HEAD keeps the Content-Length of the GET answer
    }
    return response;
}

wire::reply plain_reply(unsigned status, std::string body) {
    return {.response = {.status = status, .content_type = "text/plain; charset=utf-8", .body = std::move(body),
                         .headers = {}},
            .action = wire::disposition::send};
}

bool is_protocol_error(const error_code& ec) {
    return ec.category() == http::make_error_code(http::error::bad_method).category();
}

// The reset fault: RST rather than FIN, as a venue's load balancer dropping the connection.
void reset(beast::tcp_stream& lowest) {
    error_code ignored;
    lowest.socket().set_option(tcp::socket::linger{true, 0}, ignored);
    lowest.socket().close(ignored);
}

void close_gracefully(beast::tcp_stream& lowest) {
    error_code ignored;
    lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
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

// Writes an answer; false if the connection is to end (write error or no keep-alive).
template <class Stream>
asio::awaitable<bool> send(listener::state& self, Stream& stream, beast_response& response) {
    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(self.options_.write_timeout);
    auto [ec, n] = co_await http::async_write(stream, response, use_nothrow);
    co_return !ec && response.keep_alive();
}

template <class Stream>
asio::awaitable<void> http_loop(std::shared_ptr<listener::state> self, std::uint64_t id, Stream& stream,
                                beast::flat_buffer& buffer) {
    auto& lowest = beast::get_lowest_layer(stream);
    const auto& options = self->options_;
    for (;;) {
        if (self->stopped_) {
            break;
        }
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
        parser.body_limit(options.body_limit);
        lowest.expires_after(options.read_timeout);
        auto [read_ec, read_n] = co_await http::async_read(stream, buffer, parser, use_nothrow);
        // Taken before anything else looks at the request: the benchmark measures the client's
        // latency up to the arrival of its bytes, not the simulator's own handling.
        const wire::arrival_time arrival = wire::wall_now();
        if (read_ec) {
            std::optional<wire::reply> answer;
            if (read_ec == http::error::header_limit) {
                answer = plain_reply(431, "request header fields too large\n");
            } else if (read_ec == http::error::body_limit) {
                answer = plain_reply(413, "payload too large\n");
            } else if (is_protocol_error(read_ec) && read_ec != http::error::end_of_stream &&
                       read_ec != http::error::partial_message) {
                answer = plain_reply(400, "bad request\n");
            }
            if (answer) {
                auto response = to_beast(std::move(answer->response), 11, false, false);
                co_await send(*self, stream, response);
            }
            break;
        }
        auto& message = parser.get();
        const unsigned version = message.version();
        const bool head = message.method() == http::verb::head;
        const bool keep_alive = message.keep_alive();

        if (beast::websocket::is_upgrade(message)) {
            const net::http_request request = to_request(message, false);
            std::optional<wire::reply> refusal;
            if (self->venue_ == nullptr) {
                refusal = plain_reply(503, "shutting down\n");
            } else {
                try {
                    refusal = self->venue_->ws_accept(request);
                } catch (const std::exception&) {
                    refusal = plain_reply(500, "internal error\n");
                }
            }
            if (!refusal) {
                auto upgrade = parser.release();
                auto session = run_websocket(self, id, std::move(stream), std::move(upgrade));
                co_await std::move(session);
                co_return;  // the stream has moved into the session, which closed it
            }
            if (refusal->action == wire::disposition::send) {
                auto response = to_beast(std::move(refusal->response), version, false, head);
                co_await send(*self, stream, response);
            }
            break;
        }

        const net::http_request request = to_request(message, true);
        std::optional<wire::reply> answer;
        if (!request.path().starts_with("/sim/")) {
            answer = transport_fault(*self);
        }
        if (!answer) {
            answer = self->route(request, arrival);
        }
        if (answer->action == wire::disposition::reset) {
            reset(lowest);
            co_return;
        }
        if (answer->action == wire::disposition::hang) {
            co_await hang(lowest);
            break;
        }
        auto response = to_beast(std::move(answer->response), version, keep_alive && !self->stopped_, head);
        if (!co_await send(*self, stream, response)) {
            break;
        }
    }
    close_gracefully(lowest);
}

}  // namespace

asio::awaitable<void> serve_connection(std::shared_ptr<listener::state> self, std::uint64_t id, tcp::socket socket) {
    struct forget_on_exit {
        listener::state& owner;
        std::uint64_t id;
        ~forget_on_exit() { owner.forget(id); }
    } guard{*self, id};

    beast::tcp_stream stream{std::move(socket)};
    self->set_abort(id, [&stream] { close_gracefully(stream); });
    beast::flat_buffer buffer;
    stream.expires_after(self->options_.read_timeout);
    auto [detect_ec, is_tls] = co_await beast::async_detect_ssl(stream, buffer, use_nothrow);
    if (detect_ec || self->stopped_) {
        close_gracefully(stream);
        co_return;
    }
    if (!is_tls) {
        co_await http_loop(self, id, stream, buffer);
        co_return;
    }
    if (!self->options_.tls) {
        reset(stream);  // a TLS client on a plain-only port
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> tls{std::move(stream), *self->options_.tls};
    self->set_abort(id, [&tls] { close_gracefully(beast::get_lowest_layer(tls)); });
    auto [handshake_ec, used] = co_await tls.async_handshake(asio::ssl::stream_base::server, buffer.data(),
                                                             use_nothrow);
    if (handshake_ec || self->stopped_) {
        close_gracefully(beast::get_lowest_layer(tls));
        co_return;
    }
    buffer.consume(used);
    co_await http_loop(self, id, tls, buffer);
}

}  // namespace tradebot::sim::server
