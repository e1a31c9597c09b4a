// The control endpoint: net's server core and HTTP loop over plain sockets, with a coroutine
// handler behind a bearer-token check. The one Beast translation unit of the control module.
#include "tradebot/control/server.hpp"

#include <mutex>
#include <shared_mutex>
#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "tradebot/net/http_session.hpp"
#include "tradebot/net/server_core.hpp"

namespace tradebot::control {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

net::http_response text(unsigned status, std::string body) {
    return {.status = status, .content_type = "text/plain; charset=utf-8", .body = std::move(body) + "\n", .headers = {}};
}

}  // namespace

bool authorized(std::string_view header, std::string_view token) noexcept {
    constexpr std::string_view scheme = "Bearer ";
    if (token.empty() || header.size() != scheme.size() + token.size() || !header.starts_with(scheme)) {
        return false;
    }
    // Every byte compared whatever the first difference: the answer's timing says nothing.
    unsigned char diff = 0;
    for (std::size_t i = 0; i < token.size(); ++i) {
        diff |= static_cast<unsigned char>(header[scheme.size() + i] ^ token[i]);
    }
    return diff == 0;
}

struct server::impl final : net::server_core {
    impl(asio::io_context& io, server_options opts, handler on_request)
        : server_core{io, net::server_core_options{.address = opts.address,
                                                   .port = opts.port,
                                                   .max_connections = 16,
                                                   .max_connections_per_client = 8,
                                                   .backlog = 16}},
          options_{std::move(opts)},
          handler_{std::move(on_request)} {}

    asio::awaitable<net::http_response> answer(net::http_request request) {
        const auto auth = request.header("Authorization");
        if (!auth || !authorized(*auth, options_.token)) {
            auto refused = text(401, "unauthorized: a valid control.token is required");
            refused.headers.emplace_back("WWW-Authenticate", "Bearer");
            co_return refused;
        }
        handler call;
        {
            const std::shared_lock lock{handler_mutex_};
            call = handler_;
        }
        if (!call) {
            co_return text(503, "shutting down");
        }
        try {
            auto response = co_await call(std::move(request));
            co_return response;
        } catch (const std::exception& e) {
            co_return text(500, std::string{"internal error: "} + e.what());
        }
    }

    asio::awaitable<void> serve_connection(std::shared_ptr<net::server_connection> connection,
                                           asio::ip::tcp::socket socket) override {
        beast::tcp_stream stream{std::move(socket)};
        connection->set_abort([&stream] {
            boost::system::error_code ignored;
            stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
            stream.socket().close(ignored);
        });
        const net::http_session_options session{.header_limit = 8 * 1024,
                                                .body_limit = 64 * 1024,
                                                .read_timeout = options_.read_timeout,
                                                .header_timeout = std::chrono::milliseconds{2'000},
                                                .write_timeout = std::chrono::milliseconds{10'000},
                                                .server_name = "tradebot-control"};
        beast::flat_buffer buffer;
        auto on_request = [this](net::beast_request& message) -> asio::awaitable<net::http_outcome> {
            auto request = net::to_http_request(message, true);
            auto response = co_await answer(std::move(request));
            co_return net::http_outcome{.response = std::move(response), .close = false, .stream_taken = false};
        };
        auto loop = net::serve_http(*this, *connection, stream, buffer, session, connection->accepted_at(), on_request);
        co_await std::move(loop);
    }

    const server_options options_;
    mutable std::shared_mutex handler_mutex_;
    handler handler_;
};

server::server(asio::io_context& io, server_options options, handler on_request)
    : impl_{std::make_shared<impl>(io, std::move(options), std::move(on_request))} {}

server::~server() {
    stop();
    const std::unique_lock lock{impl_->handler_mutex_};
    impl_->handler_ = nullptr;
}

boost::system::error_code server::start() { return impl_->start(); }

void server::stop() { impl_->stop(); }

net::http_endpoint server::local_endpoint() const { return impl_->local_endpoint(); }

}  // namespace tradebot::control
