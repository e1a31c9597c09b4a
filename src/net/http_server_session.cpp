// The per-connection coroutine of net::http_server: read, answer, repeat while keep-alive.
#include <array>
#include <chrono>
#include <string_view>
#include <utility>
#include <variant>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "net/http_server_impl.hpp"

namespace tradebot::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

using beast_request = http::request<http::string_body>;
using beast_response = http::response<http::string_body>;

// Draining after an error answer is capped so a client cannot keep us reading forever.
constexpr std::size_t drain_limit = 1024 * 1024;
// What one read takes while a keep-alive connection waits for its next request.
constexpr std::size_t idle_read_size = 4096;

http_request to_request(beast_request& source) {
    http_request request;
    request.method = std::string{source.method_string()};
    request.target = std::string{source.target()};
    request.headers.reserve(8);
    for (const auto& field : source) {
        request.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
    }
    request.body = std::move(source.body());
    return request;
}

beast_response to_beast(http_response&& source, unsigned version, bool keep_alive, bool head) {
    if (source.status < 100 || source.status > 599) {
        // Beast throws on codes above 999; a handler bug must not cost the connection loop.
        source = {.status = 500, .content_type = "text/plain; charset=utf-8", .body = "internal error\n", .headers = {}};
    }
    beast_response response;
    response.version(version);
    response.result(source.status);
    response.set(http::field::server, "tradebot");
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

bool is_protocol_error(const boost::system::error_code& ec) {
    return ec.category() == http::make_error_code(http::error::bad_method).category();
}

// Sends an error answer and closes. The client may still be sending the rest of a request we
// refused; closing with unread data would reset the connection and could destroy our answer
// before the client reads it, so the send side is shut first and the remainder is discarded for
// at most `linger`.
asio::awaitable<void> reply_and_close(
    http_connection& connection,
    unsigned status,
    std::string_view reason,
    std::chrono::milliseconds write_timeout,
    std::chrono::milliseconds linger
) {
    http_response answer{
        .status = status,
        .content_type = "text/plain; charset=utf-8",
        .body = std::string{reason} + "\n",
        .headers = {}};
    auto response = to_beast(std::move(answer), 11, false, false);
    connection.stream.expires_after(write_timeout);
    auto [write_ec, written] =
        co_await http::async_write(connection.stream, response, asio::as_tuple(asio::use_awaitable));
    if (!write_ec) {
        boost::system::error_code ignored;
        connection.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        std::array<char, 4096> sink{};
        std::size_t drained = 0;
        connection.stream.expires_after(linger);
        while (drained < drain_limit) {
            auto [read_ec, n] =
                co_await connection.stream.async_read_some(asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
            if (read_ec) {
                break;
            }
            drained += n;
        }
    }
}

enum class read_outcome { complete, failed, timed_out };

// Reads the request headers, racing them against their own deadline. A timer of our own rather
// than the stream's expiry, because the stream closes the socket when it expires and a client that
// sent part of a request should still get its 408.
asio::awaitable<std::pair<read_outcome, boost::system::error_code>> read_header(
    http_connection& connection,
    beast::flat_buffer& buffer,
    http::request_parser<http::string_body>& parser,
    std::chrono::steady_clock::time_point deadline
) {
    using namespace asio::experimental::awaitable_operators;
    asio::steady_timer timer{connection.stream.get_executor(), deadline};
    auto first = co_await (
        http::async_read_header(connection.stream, buffer, parser, asio::as_tuple(asio::use_awaitable)) ||
        timer.async_wait(asio::as_tuple(asio::use_awaitable))
    );
    if (first.index() == 1) {
        co_return std::pair{read_outcome::timed_out, boost::system::error_code{}};
    }
    const auto ec = std::get<0>(std::get<0>(first));
    co_return std::pair{ec ? read_outcome::failed : read_outcome::complete, ec};
}

}  // namespace

asio::awaitable<void> http_server::impl::serve(std::shared_ptr<impl> self, std::uint64_t id,
                                               std::shared_ptr<http_connection> connection) {
    struct forget_on_exit {
        impl& owner;
        std::uint64_t id;
        ~forget_on_exit() { owner.forget(id); }
    } guard{*self, id};

    const auto& options = self->options_;
    auto& stream = connection->stream;
    beast::flat_buffer buffer;
    // The first request's deadlines run from accept: a client that connects and says nothing
    // holds its slot no longer than one that sends half a request.
    auto request_start = connection->accepted_at;
    for (bool first = true; !self->stopped_; first = false) {
        if (!first) {
            if (buffer.size() == 0) {
                // Keep-alive: idle until the next request starts, for at most read_timeout.
                stream.expires_after(options.read_timeout);
                auto [idle_ec, n] = co_await stream.async_read_some(
                    buffer.prepare(idle_read_size), asio::as_tuple(asio::use_awaitable)
                );
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
        stream.expires_at(request_start + options.read_timeout);
        auto [outcome, read_ec] =
            co_await read_header(*connection, buffer, parser, request_start + options.header_timeout);
        if (outcome == read_outcome::complete && !parser.is_done()) {
            auto [body_ec, body_n] =
                co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
            read_ec = body_ec;
            outcome = body_ec ? read_outcome::failed : read_outcome::complete;
        }
        if (outcome == read_outcome::timed_out) {
            ++self->header_timeouts_;
            // A silent connection (nothing of a request yet) is just closed, as an idle one would be.
            if (parser.got_some() || buffer.size() != 0) {
                co_await reply_and_close(
                    *connection, 408, "request timeout", options.write_timeout, options.header_timeout
                );
            }
            break;
        }
        if (outcome == read_outcome::failed) {
            if (read_ec == http::error::header_limit) {
                co_await reply_and_close(
                    *connection, 431, "request header fields too large", options.write_timeout, options.read_timeout
                );
            } else if (read_ec == http::error::body_limit) {
                co_await reply_and_close(
                    *connection, 413, "payload too large", options.write_timeout, options.read_timeout
                );
            } else if (read_ec == http::error::end_of_stream || read_ec == http::error::partial_message) {
                // The client closed the connection, between requests or in the middle of one.
            } else if (is_protocol_error(read_ec)) {
                co_await reply_and_close(*connection, 400, "bad request", options.write_timeout, options.read_timeout);
            }
            // Anything else is a socket error, the read timeout (the stream has closed itself) or
            // a reclaim (the acceptor has closed the socket).
            break;
        }
        if (!connection->begin_work()) {
            break;  // the slot went to a newer connection while this request was arriving
        }

        auto& message = parser.get();
        const bool head = message.method() == http::verb::head;
        const unsigned version = message.version();
        const bool keep_alive = message.keep_alive();
        http_response answer = self->call_handler(to_request(message));
        const bool keep_open = keep_alive && !self->stopped_;
        auto response = to_beast(std::move(answer), version, keep_open, head);
        stream.expires_after(options.write_timeout);
        auto [write_ec, written] = co_await http::async_write(stream, response, asio::as_tuple(asio::use_awaitable));
        if (write_ec || !keep_open) {
            break;
        }
        connection->end_work(std::chrono::steady_clock::now());
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.close();
}

}  // namespace tradebot::net
