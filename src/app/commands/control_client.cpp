// The client side of the control endpoint: one POST per command, on a private io_context; and one
// GET of the daemon's own HTTP server (tradebot status).
#include <chrono>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "app/commands/operator_command.hpp"

namespace tradebot::app::commands {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

asio::awaitable<void> exchange(http::verb verb, std::string host, int port, std::string token, std::string path,
                               std::string body, std::chrono::seconds timeout, control_reply& reply) {
    auto executor = co_await asio::this_coro::executor;
    asio::ip::tcp::resolver resolver{executor};
    const auto service = std::to_string(port);  // named: no temporaries in a co_await (GCC 12)
    auto [rec, endpoints] = co_await resolver.async_resolve(host, service, asio::as_tuple(asio::use_awaitable));
    if (rec) {
        reply.error = "cannot resolve " + host + ": " + rec.message();
        co_return;
    }
    beast::tcp_stream stream{executor};
    stream.expires_after(std::chrono::seconds{5});
    auto [cec, ep] = co_await stream.async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
    if (cec) {
        reply.error = "cannot connect to " + host + ":" + std::to_string(port) + ": " + cec.message();
        co_return;
    }
    http::request<http::string_body> request{verb, path, 11};
    request.set(http::field::host, host);
    if (!token.empty()) {
        request.set(http::field::authorization, "Bearer " + token);
    }
    if (verb == http::verb::post) {
        request.set(http::field::content_type, "application/json");
        request.body() = std::move(body);
        request.prepare_payload();
    }
    stream.expires_after(timeout);
    auto [wec, written] = co_await http::async_write(stream, request, asio::as_tuple(asio::use_awaitable));
    if (wec) {
        reply.error = "cannot send the command: " + wec.message();
        co_return;
    }
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    auto [ec, read] = co_await http::async_read(stream, buffer, response, asio::as_tuple(asio::use_awaitable));
    if (ec) {
        reply.error = ec == beast::error::timeout ? "no answer within " + std::to_string(timeout.count()) + " s"
                                                  : "no answer: " + ec.message();
        co_return;
    }
    reply.status = response.result_int();
    reply.body = std::move(response.body());
    boost::system::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
}

control_reply request_http(http::verb verb, const std::string& host, int port, const std::string& token,
                           const std::string& path, const std::string& body, std::chrono::seconds timeout) {
    control_reply reply;
    asio::io_context io;
    asio::co_spawn(io, exchange(verb, host, port, token, path, body, timeout, reply), [&reply](const std::exception_ptr& e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                reply.error = ex.what();
            }
        }
    });
    io.run();
    return reply;
}

}  // namespace

std::string control_host(const config::settings& s) {
    if (s.control.bind == "0.0.0.0" || s.control.bind.empty()) {
        return "127.0.0.1";
    }
    if (s.control.bind == "::") {
        return "::1";
    }
    return s.control.bind;
}

control_reply post_control(const std::string& host, int port, const std::string& token, const std::string& path,
                           const std::string& body, std::chrono::seconds timeout) {
    return request_http(http::verb::post, host, port, token, path, body, timeout);
}

control_reply get_http(const std::string& host, int port, const std::string& path, std::chrono::seconds timeout) {
    return request_http(http::verb::get, host, port, {}, path, {}, timeout);
}

}  // namespace tradebot::app::commands
