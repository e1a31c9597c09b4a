// The per-connection coroutine of net::http_server: the shared HTTP loop over a plain socket.
#include <chrono>
#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "net/http_server_impl.hpp"
#include "tradebot/net/http_session.hpp"

namespace tradebot::net {

namespace asio = boost::asio;
namespace beast = boost::beast;

asio::awaitable<void> http_server::impl::serve_connection(std::shared_ptr<server_connection> connection,
                                                          asio::ip::tcp::socket socket) {
    beast::tcp_stream stream{std::move(socket)};
    connection->set_abort([&stream] {
        boost::system::error_code ignored;
        stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        stream.socket().close(ignored);
    });
    const http_session_options session{.header_limit = options_.header_limit,
                                       .body_limit = options_.body_limit,
                                       .read_timeout = options_.read_timeout,
                                       .header_timeout = options_.header_timeout,
                                       .write_timeout = options_.write_timeout,
                                       .server_name = "tradebot"};
    beast::flat_buffer buffer;
    // The handler is synchronous; the coroutine only fits it to the loop's hook.
    auto on_request = [this](beast_request& message) -> asio::awaitable<http_outcome> {
        co_return http_outcome{
            .response = call_handler(to_http_request(message, true)), .close = false, .stream_taken = false};
    };
    co_await serve_http(*this, *connection, stream, buffer, session, connection->accepted_at(), on_request);
}

}  // namespace tradebot::net
