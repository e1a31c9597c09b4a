#include "tradebot/net/http_server.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "net/http_server_impl.hpp"

namespace tradebot::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
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

http_server::impl::impl(asio::io_context& io, http_server_options opts, handler on_request)
    : io_{io},
      options_{std::move(opts)},
      acceptor_strand_{asio::make_strand(io)},
      acceptor_{acceptor_strand_},
      handler_{std::move(on_request)} {}

asio::awaitable<void> http_server::impl::accept_loop(std::shared_ptr<impl> self) {
    asio::steady_timer backoff{self->acceptor_strand_};
    for (;;) {
        auto [ec, socket] = co_await self->acceptor_.async_accept(asio::make_strand(self->io_),
                                                                  asio::as_tuple(asio::use_awaitable));
        if (ec) {
            if (ec == asio::error::operation_aborted || !self->acceptor_.is_open()) {
                co_return;
            }
            // Out of descriptors, or a peer that reset before accept: pause rather than spin.
            backoff.expires_after(std::chrono::milliseconds{50});
            co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay{true}, ignored);

        std::shared_ptr<http_connection> connection;
        std::uint64_t id = 0;
        {
            const std::lock_guard lock{self->connections_mutex_};
            // Checked under the lock that stop() takes, so no connection slips past close_all().
            if (self->stopped_) {
                socket.close(ignored);
                co_return;
            }
            if (self->connections_.size() >= self->options_.max_connections) {
                socket.close(ignored);
                continue;
            }
            id = self->next_connection_id_++;
            connection = std::make_shared<http_connection>(tcp::socket{std::move(socket)});
            self->connections_.emplace(id, connection);
        }
        auto executor = connection->stream.get_executor();
        asio::co_spawn(executor, serve(self, id, std::move(connection)), asio::detached);
    }
}

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

void http_server::impl::close_all() {
    std::vector<std::shared_ptr<http_connection>> open;
    {
        const std::lock_guard lock{connections_mutex_};
        open.reserve(connections_.size());
        for (const auto& entry : connections_) {
            open.push_back(entry.second);
        }
    }
    for (auto& connection : open) {
        auto executor = connection->stream.get_executor();
        asio::post(executor, [connection] {
            boost::system::error_code ignored;
            connection->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
            connection->stream.socket().close(ignored);
        });
    }
}

void http_server::impl::forget(std::uint64_t id) {
    const std::lock_guard lock{connections_mutex_};
    connections_.erase(id);
}

http_server::http_server(asio::io_context& io, http_server_options options, handler on_request)
    : impl_{std::make_shared<impl>(io, std::move(options), std::move(on_request))} {}

http_server::~http_server() {
    stop();
    const std::unique_lock lock{impl_->handler_mutex_};
    impl_->handler_ = nullptr;
}

boost::system::error_code http_server::start() {
    auto& acceptor = impl_->acceptor_;
    if (impl_->stopped_) {
        return asio::error::operation_aborted;
    }
    if (acceptor.is_open()) {
        return asio::error::already_open;
    }
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(impl_->options_.address, ec);
    if (ec) {
        return ec;
    }
    const tcp::endpoint endpoint{address, impl_->options_.port};
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor.set_option(tcp::acceptor::reuse_address{true}, ec);
    }
    if (!ec) {
        acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor.listen(impl_->options_.backlog, ec);
    }
    tcp::endpoint bound;
    if (!ec) {
        bound = acceptor.local_endpoint(ec);
    }
    if (ec) {
        boost::system::error_code ignored;
        acceptor.close(ignored);
        return ec;
    }
    {
        const std::lock_guard lock{impl_->connections_mutex_};
        impl_->local_endpoint_ = {.address = bound.address().to_string(), .port = bound.port()};
    }
    asio::co_spawn(impl_->acceptor_strand_, impl::accept_loop(impl_), asio::detached);
    return {};
}

void http_server::stop() {
    {
        const std::lock_guard lock{impl_->connections_mutex_};
        if (impl_->stopped_.exchange(true)) {
            return;
        }
    }
    asio::post(impl_->acceptor_strand_, [self = impl_] {
        boost::system::error_code ignored;
        self->acceptor_.close(ignored);
    });
    impl_->close_all();
}

http_endpoint http_server::local_endpoint() const {
    const std::lock_guard lock{impl_->connections_mutex_};
    return impl_->local_endpoint_;
}

std::size_t http_server::connection_count() const {
    const std::lock_guard lock{impl_->connections_mutex_};
    return impl_->connections_.size();
}

}  // namespace tradebot::net
