// The monitoring server: net's server core and HTTP loop over plain sockets, with one synchronous
// handler. The one Beast translation unit of net::http_server.
#include "tradebot/net/http_server.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "tradebot/net/http_session.hpp"
#include "tradebot/net/server_core.hpp"

namespace tradebot::net {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

server_core_options core_options(const http_server_options& options) {
    return {.address = options.address,
            .port = options.port,
            .max_connections = options.max_connections,
            .max_connections_per_client = options.max_connections_per_client,
            .backlog = options.backlog};
}

}  // namespace

std::string_view http_request::path() const noexcept {
    const std::string_view t{target};
    return t.substr(0, t.find('?'));
}

std::optional<std::string_view> http_request::header(std::string_view name) const noexcept {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) {
            return std::string_view{value};
        }
    }
    return std::nullopt;
}

// The accept loop, the slots and stop() are the core's; what is left here is the handler.
struct http_server::impl final : server_core {
    impl(asio::io_context& io, http_server_options opts, handler on_request);

    [[nodiscard]] http_response call_handler(const http_request& request);
    asio::awaitable<void> serve_connection(std::shared_ptr<server_connection> connection,
                                           asio::ip::tcp::socket socket) override;

    const http_server_options options_;
    // The handler is cleared by ~http_server under the unique lock, so no call can start or be
    // running once the destructor has returned.
    mutable std::shared_mutex handler_mutex_;
    handler handler_;
};

http_server::impl::impl(asio::io_context& io, http_server_options opts, handler on_request)
    : server_core{io, core_options(opts)}, options_{std::move(opts)}, handler_{std::move(on_request)} {}

http_response http_server::impl::call_handler(const http_request& request) {
    const std::shared_lock lock{handler_mutex_};
    if (!handler_) {
        return {.status = 503, .content_type = "text/plain; charset=utf-8", .body = "shutting down\n", .headers = {}};
    }
    try {
        return handler_(request);
    } catch (...) {
        // The handler's failure stays with this request; the connection loop keeps running.
        return {.status = 500, .content_type = "text/plain; charset=utf-8", .body = "internal error\n", .headers = {}};
    }
}

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
    auto on_request = [this](beast_request& message) -> asio::awaitable<http_outcome> {
        co_return http_outcome{
            .response = call_handler(to_http_request(message, true)), .close = false, .stream_taken = false};
    };
    auto loop = serve_http(*this, *connection, stream, buffer, session, connection->accepted_at(), on_request);
    co_await std::move(loop);
}

http_server::http_server(asio::io_context& io, http_server_options options, handler on_request)
    : impl_{std::make_shared<impl>(io, std::move(options), std::move(on_request))} {}

http_server::~http_server() {
    stop();
    const std::unique_lock lock{impl_->handler_mutex_};
    impl_->handler_ = nullptr;
}

boost::system::error_code http_server::start() { return impl_->start(); }

void http_server::stop() { impl_->stop(); }

http_endpoint http_server::local_endpoint() const { return impl_->local_endpoint(); }

std::size_t http_server::connection_count() const { return impl_->connection_count(); }

http_server_stats http_server::stats() const { return impl_->stats(); }

}  // namespace tradebot::net
