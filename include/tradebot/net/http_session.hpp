#pragma once

// The HTTP/1.1 loop of one connection, shared by net::http_server and the simulator's listener:
// read a request (header timeout, read timeout, header and body limits), hand it to the owner,
// write the answer, repeat while keep-alive. Protocol errors are answered here: malformed -> 400,
// header too large -> 431, body too large -> 413, headers too slow -> 408. A template over the
// stream, so that the simulator runs it over TLS as well; it includes Beast, so only the servers'
// session sources (one translation unit each) include it.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "tradebot/net/http_server.hpp"
#include "tradebot/net/server_core.hpp"

namespace tradebot::net {

using beast_request = boost::beast::http::request<boost::beast::http::string_body>;
using beast_response = boost::beast::http::response<boost::beast::http::string_body>;

struct http_session_options {
    std::size_t header_limit = 8 * 1024;
    std::size_t body_limit = 64 * 1024;
    std::chrono::milliseconds read_timeout{10'000};
    // At or above read_timeout: no deadline of its own (the headers are then bounded by the read
    // timeout like the rest of the request, and a late request is closed without a 408).
    std::chrono::milliseconds header_timeout{2'000};
    std::chrono::milliseconds write_timeout{10'000};
    std::string_view server_name;  // the Server header of every answer; empty: none
};

// What the owner made of a request.
struct http_outcome {
    std::optional<http_response> response;  // written when set
    bool close = false;                      // end the connection after the answer (or at once)
    // The owner has taken the stream (a WebSocket upgrade) and closed it: the loop must not touch it.
    bool stream_taken = false;
};

// `take_body`: move the body out of `source` (false when the message is still needed whole).
inline http_request to_http_request(beast_request& source, bool take_body) {
    http_request request;
    request.method = std::string{source.method_string()};
    request.target = std::string{source.target()};
    request.headers.reserve(8);
    for (const auto& field : source) {
        request.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
    }
    request.body = take_body ? std::move(source.body()) : source.body();
    return request;
}

inline beast_response to_beast_response(http_response&& source, unsigned version, bool keep_alive, bool head,
                                        std::string_view server_name) {
    namespace http = boost::beast::http;
    if (source.status < 100 || source.status > 599) {
        // Beast throws on codes above 999; a handler bug must not cost the connection loop.
        source = {
            .status = 500, .content_type = "text/plain; charset=utf-8", .body = "internal error\n", .headers = {}};
    }
    beast_response response;
    response.version(version);
    response.result(source.status);
    if (!server_name.empty()) {
        response.set(http::field::server, server_name);
    }
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
        // HEAD keeps the Content-Length of the GET answer but sends no body.
        response.body().clear();
    }
    return response;
}

// Closes the socket under any layer: FIN first, so an answer already written is not lost to a reset.
template <class Stream>
void close_gracefully(Stream& stream) {
    auto& lowest = boost::beast::get_lowest_layer(stream);
    boost::system::error_code ignored;
    lowest.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
    lowest.socket().close(ignored);
}

namespace detail {

// Draining after an error answer is capped so a client cannot keep us reading forever.
inline constexpr std::size_t drain_limit = 1024 * 1024;
// What one read takes while a keep-alive connection waits for its next request.
inline constexpr std::size_t idle_read_size = 4096;

inline bool is_protocol_error(const boost::system::error_code& ec) {
    namespace http = boost::beast::http;
    return ec.category() == http::make_error_code(http::error::bad_method).category();
}

// Sends an error answer and closes. The client may still be sending the rest of a request we
// refused; closing with unread data would reset the connection and could destroy our answer
// before the client reads it, so the send side is shut first and the remainder is discarded (as
// raw bytes, under any TLS) for at most `linger`.
template <class Stream>
boost::asio::awaitable<void> reply_and_close(Stream& stream, const http_session_options& options, unsigned status,
                                             std::string_view reason, std::chrono::milliseconds linger) {
    namespace asio = boost::asio;
    http_response answer{.status = status,
                         .content_type = "text/plain; charset=utf-8",
                         .body = std::string{reason} + "\n",
                         .headers = {}};
    auto response = to_beast_response(std::move(answer), 11, false, false, options.server_name);
    auto& lowest = boost::beast::get_lowest_layer(stream);
    lowest.expires_after(options.write_timeout);
    auto [write_ec, written] =
        co_await boost::beast::http::async_write(stream, response, asio::as_tuple(asio::use_awaitable));
    if (!write_ec) {
        boost::system::error_code ignored;
        lowest.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        std::array<char, 4096> sink{};
        std::size_t drained = 0;
        lowest.expires_after(linger);
        while (drained < drain_limit) {
            auto [read_ec, n] =
                co_await lowest.async_read_some(asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
            if (read_ec) {
                break;
            }
            drained += n;
        }
    }
}

enum class read_outcome : std::uint8_t { complete, failed, timed_out };

// Reads the request headers, racing them against their own deadline. A timer of our own rather
// than the stream's expiry, because the stream closes the socket when it expires and a client that
// sent part of a request should still get its 408.
template <class Stream>
boost::asio::awaitable<std::pair<read_outcome, boost::system::error_code>> read_header(
    Stream& stream, boost::beast::flat_buffer& buffer,
    boost::beast::http::request_parser<boost::beast::http::string_body>& parser,
    std::optional<std::chrono::steady_clock::time_point> deadline) {
    namespace asio = boost::asio;
    using namespace asio::experimental::awaitable_operators;
    if (!deadline) {
        auto [ec, n] = co_await boost::beast::http::async_read_header(stream, buffer, parser,
                                                                      asio::as_tuple(asio::use_awaitable));
        co_return std::pair{ec ? read_outcome::failed : read_outcome::complete, ec};
    }
    asio::steady_timer timer{stream.get_executor(), *deadline};
    auto first = co_await (
        boost::beast::http::async_read_header(stream, buffer, parser, asio::as_tuple(asio::use_awaitable)) ||
        timer.async_wait(asio::as_tuple(asio::use_awaitable)));
    if (first.index() == 1) {
        co_return std::pair{read_outcome::timed_out, boost::system::error_code{}};
    }
    const auto ec = std::get<0>(std::get<0>(first));
    co_return std::pair{ec ? read_outcome::failed : read_outcome::complete, ec};
}

}  // namespace detail

// Serves requests on `stream` until the client, a timeout, the owner or core.stop() ends the
// connection, then closes it (unless the owner took the stream). `buffer` may hold bytes already
// read (the simulator's TLS detection). `first_request_start`: where the deadlines of the first
// request count from. `on_request(beast_request&) -> awaitable<http_outcome>` runs on the
// connection's strand once a whole request has arrived and the slot is the connection's.
template <class Stream, class OnRequest>
boost::asio::awaitable<void> serve_http(server_core& core, server_connection& connection, Stream& stream,
                                        boost::beast::flat_buffer& buffer, const http_session_options& options,
                                        std::chrono::steady_clock::time_point first_request_start,
                                        OnRequest on_request) {
    namespace asio = boost::asio;
    namespace http = boost::beast::http;
    using detail::read_outcome;
    using detail::reply_and_close;
    auto& lowest = boost::beast::get_lowest_layer(stream);
    // The first request's deadlines run from accept: a client that connects and says nothing
    // holds its slot no longer than one that sends half a request.
    auto request_start = first_request_start;
    for (bool first = true; !core.stopped(); first = false) {
        if (!first) {
            if (buffer.size() == 0) {
                // Keep-alive: idle until the next request starts, for at most read_timeout.
                lowest.expires_after(options.read_timeout);
                auto [idle_ec, n] = co_await stream.async_read_some(buffer.prepare(detail::idle_read_size),
                                                                    asio::as_tuple(asio::use_awaitable));
                if (idle_ec) {
                    break;  // closed by the client, by the timeout or by a reclaim
                }
                buffer.commit(n);
            }
            request_start = std::chrono::steady_clock::now();
        }

        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
        parser.body_limit(options.body_limit);
        // The whole request, body included, within read_timeout; the headers within header_timeout.
        lowest.expires_at(request_start + options.read_timeout);
        std::optional<std::chrono::steady_clock::time_point> header_deadline;
        if (options.header_timeout < options.read_timeout) {
            header_deadline = request_start + options.header_timeout;
        }
        auto [outcome, read_ec] = co_await detail::read_header(stream, buffer, parser, header_deadline);
        if (outcome == read_outcome::complete && !parser.is_done()) {
            auto [body_ec, body_n] =
                co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
            read_ec = body_ec;
            outcome = body_ec ? read_outcome::failed : read_outcome::complete;
        }
        if (outcome == read_outcome::timed_out) {
            core.note_header_timeout();
            // A silent connection (nothing of a request yet) is just closed, as an idle one would be.
            if (parser.got_some() || buffer.size() != 0) {
                co_await reply_and_close(stream, options, 408, "request timeout", options.header_timeout);
            }
            break;
        }
        if (outcome == read_outcome::failed) {
            if (read_ec == http::error::header_limit) {
                co_await reply_and_close(stream, options, 431, "request header fields too large", options.read_timeout);
            } else if (read_ec == http::error::body_limit) {
                co_await reply_and_close(stream, options, 413, "payload too large", options.read_timeout);
            } else if (read_ec == http::error::end_of_stream || read_ec == http::error::partial_message) {
                // The client closed the connection, between requests or in the middle of one.
            } else if (detail::is_protocol_error(read_ec)) {
                co_await reply_and_close(stream, options, 400, "bad request", options.read_timeout);
            }
            // Anything else is a socket error, the read timeout (the stream has closed itself) or
            // an abort (stop, or a reclaim: the core has closed the socket).
            break;
        }
        if (!connection.begin_work()) {
            break;  // the slot went to a newer connection while this request was arriving
        }

        auto& message = parser.get();
        const bool head = message.method() == http::verb::head;
        const unsigned version = message.version();
        const bool keep_alive = message.keep_alive();
        http_outcome answer = co_await on_request(message);
        if (answer.stream_taken) {
            co_return;
        }
        if (!answer.response) {
            break;
        }
        const bool keep_open = keep_alive && !answer.close && !core.stopped();
        auto response = to_beast_response(std::move(*answer.response), version, keep_open, head, options.server_name);
        lowest.expires_after(options.write_timeout);
        auto [write_ec, written] = co_await http::async_write(stream, response, asio::as_tuple(asio::use_awaitable));
        if (write_ec || !keep_open) {
            break;
        }
        connection.end_work(std::chrono::steady_clock::now());
    }
    close_gracefully(stream);
}

}  // namespace tradebot::net
