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

// The unit of max_connections_per_client. An IPv6 host usually owns a whole /64, so counting
// single IPv6 addresses would let one host take every slot.
asio::ip::address client_key(const asio::ip::address& address) {
    if (!address.is_v6()) {
        return address;
    }
    const auto v6 = address.to_v6();
    if (v6.is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, v6);
    }
    auto bytes = v6.to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), std::uint8_t{0});
    return asio::ip::address_v6{bytes};
}

void close_on_its_strand(std::shared_ptr<http_connection> connection) {
    auto executor = connection->stream.get_executor();
    asio::post(executor, [connection = std::move(connection)] {
        boost::system::error_code ignored;
        connection->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        connection->stream.socket().close(ignored);
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
        boost::system::error_code remote_ec;
        const auto remote = socket.remote_endpoint(remote_ec);
        if (remote_ec) {
            // The peer has already gone.
            socket.close(ignored);
            continue;
        }
        const auto client = client_key(remote.address());

        std::shared_ptr<http_connection> connection;
        std::shared_ptr<http_connection> victim;
        std::uint64_t id = 0;
        {
            const std::lock_guard lock{self->connections_mutex_};
            // Checked under the lock that stop() takes, so no connection slips past close_all().
            if (self->stopped_) {
                socket.close(ignored);
                co_return;
            }
            if (!self->admit_locked(client, victim)) {
                socket.close(ignored);
                continue;
            }
            id = self->next_connection_id_++;
            connection = std::make_shared<http_connection>(
                tcp::socket{std::move(socket)}, client, http_connection::clock::now()
            );
            self->connections_.emplace(id, connection);
            ++self->per_client_[client];
        }
        ++self->accepted_;
        if (victim) {
            close_on_its_strand(std::move(victim));
        }
        auto executor = connection->stream.get_executor();
        asio::co_spawn(executor, serve(self, id, std::move(connection)), asio::detached);
    }
}

// Why reclaim rather than refuse: a client that holds a slot while it waits (a half-open request,
// an idle keep-alive) costs us nothing to drop, while refusing the newcomer is what turned 64
// idle connections into a dead /health. Taking the longest-waiting slot means an attacker's
// connections push out their own older ones, and a scrape, which sends its request at once and
// is answered in milliseconds, lives long enough to be served. A reserved headroom would only
// move the limit: whoever fills the reserve blocks the probe again. A client at its own cap may
// reclaim only its own connections, so one address cannot evict everybody else's.
bool http_server::impl::admit_locked(const asio::ip::address& client, std::shared_ptr<http_connection>& victim) {
    const auto held = per_client_.find(client);
    const bool at_client_limit = held != per_client_.end() && held->second >= options_.max_connections_per_client;
    if (at_client_limit) {
        ++client_limit_hits_;
    }
    if (!at_client_limit && connections_.size() < options_.max_connections) {
        return true;
    }
    // A linear scan: it runs only when the server is full, over max_connections entries, which is
    // small next to the accept and the socket close it replaces.
    for (;;) {
        auto oldest = connections_.end();
        auto oldest_since = http_connection::clock::time_point::max();
        for (auto it = connections_.begin(); it != connections_.end(); ++it) {
            const auto& candidate = *it->second;
            if (candidate.state.load() != slot_state::waiting || (at_client_limit && candidate.client != client)) {
                continue;
            }
            const auto since = candidate.waiting_since.load(std::memory_order_relaxed);
            if (since < oldest_since) {
                oldest_since = since;
                oldest = it;
            }
        }
        if (oldest == connections_.end()) {
            ++refused_;
            return false;
        }
        // Fails when the connection has just begun answering a request; then it is busy and the
        // next scan skips it.
        if (oldest->second->try_reclaim()) {
            victim = oldest->second;
            erase_locked(oldest->first);
            ++reclaimed_;
            return true;
        }
    }
}

void http_server::impl::erase_locked(std::uint64_t id) {
    const auto it = connections_.find(id);
    if (it == connections_.end()) {
        return;  // reclaimed earlier
    }
    const auto held = per_client_.find(it->second->client);
    if (held != per_client_.end() && --held->second == 0) {
        per_client_.erase(held);
    }
    connections_.erase(it);
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
        close_on_its_strand(std::move(connection));
    }
}

void http_server::impl::forget(std::uint64_t id) {
    const std::lock_guard lock{connections_mutex_};
    erase_locked(id);
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

http_server_stats http_server::stats() const {
    return {
        .open = connection_count(),
        .accepted = impl_->accepted_.load(),
        .refused = impl_->refused_.load(),
        .reclaimed = impl_->reclaimed_.load(),
        .header_timeouts = impl_->header_timeouts_.load(),
        .client_limit_hits = impl_->client_limit_hits_.load()};
}

}  // namespace tradebot::net
