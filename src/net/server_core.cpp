#include "tradebot/net/server_core.hpp"

#include <algorithm>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tradebot::net {

namespace asio = boost::asio;

namespace {

// In the anonymous namespace like https_client.cpp's: in one unity batch the two are then one
// alias, where clang's -Wshadow took this one for shadowing that one.
using tcp = asio::ip::tcp;

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

void abort_on_strand(std::shared_ptr<server_connection> connection) {
    auto strand = connection->strand();
    asio::post(strand, [connection = std::move(connection)] { connection->abort(); });
}

}  // namespace

server_core::server_core(asio::io_context& io, server_core_options options)
    : io_{io}, options_{std::move(options)}, acceptor_strand_{asio::make_strand(io)}, acceptor_{acceptor_strand_} {}

asio::awaitable<void> server_core::accept_loop(std::shared_ptr<server_core> self) {
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

        std::shared_ptr<server_connection> connection;
        std::shared_ptr<server_connection> victim;
        {
            const std::lock_guard lock{self->connections_mutex_};
            // Checked under the lock that stop() takes, so no connection slips past its closing.
            if (self->stopped_) {
                socket.close(ignored);
                co_return;
            }
            if (!self->admit_locked(client, victim)) {
                socket.close(ignored);
                continue;
            }
            const auto id = self->next_connection_id_++;
            connection = std::make_shared<server_connection>(id, socket.get_executor(), client,
                                                             server_connection::clock::now());
            self->connections_.emplace(id, connection);
            ++self->per_client_[client];
        }
        ++self->accepted_;
        if (victim) {
            abort_on_strand(std::move(victim));
        }
        // The session is queued on the strand before any later abort of it, so its abort hook is
        // in place by the time an abort runs.
        auto strand = connection->strand();
        asio::co_spawn(strand, run_session(self, std::move(connection), std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> server_core::run_session(std::shared_ptr<server_core> self,
                                               std::shared_ptr<server_connection> connection, tcp::socket socket) {
    // Also runs when the io_context destroys a frame that never finished.
    struct forget_on_exit {
        server_core& owner;
        server_connection& connection;
        ~forget_on_exit() {
            connection.set_abort(nullptr);  // it points into the session's frame, which is gone
            owner.forget(connection.id());
            owner.connection_closed(connection.id());
        }
    } guard{*self, *connection};
    auto session = self->serve_connection(connection, std::move(socket));
    co_await std::move(session);
}

// Why reclaim rather than refuse: a client that holds a slot while it waits (a half-open request,
// an idle keep-alive) costs us nothing to drop, while refusing the newcomer is what turned 64
// idle connections into a dead /health. Taking the longest-waiting slot means an attacker's
// connections push out their own older ones, and a scrape, which sends its request at once and
// is answered in milliseconds, lives long enough to be served. A reserved headroom would only
// move the limit: whoever fills the reserve blocks the probe again. A client at its own cap may
// reclaim only its own connections, so one address cannot evict everybody else's.
bool server_core::admit_locked(const asio::ip::address& client, std::shared_ptr<server_connection>& victim) {
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
        auto oldest_since = server_connection::clock::time_point::max();
        for (auto it = connections_.begin(); it != connections_.end(); ++it) {
            const auto& candidate = *it->second;
            if (!candidate.waiting() || (at_client_limit && candidate.client() != client)) {
                continue;
            }
            const auto since = candidate.waiting_since();
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

void server_core::erase_locked(std::uint64_t id) {
    const auto it = connections_.find(id);
    if (it == connections_.end()) {
        return;  // reclaimed earlier
    }
    const auto held = per_client_.find(it->second->client());
    if (held != per_client_.end() && --held->second == 0) {
        per_client_.erase(held);
    }
    connections_.erase(it);
}

void server_core::forget(std::uint64_t id) {
    const std::lock_guard lock{connections_mutex_};
    erase_locked(id);
}

boost::system::error_code server_core::start() {
    if (stopped_) {
        return asio::error::operation_aborted;
    }
    if (acceptor_.is_open()) {
        return asio::error::already_open;
    }
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(options_.address, ec);
    if (ec) {
        return ec;
    }
    const tcp::endpoint endpoint{address, options_.port};
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor_.set_option(tcp::acceptor::reuse_address{true}, ec);
    }
    if (!ec) {
        acceptor_.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor_.listen(options_.backlog, ec);
    }
    tcp::endpoint bound;
    if (!ec) {
        bound = acceptor_.local_endpoint(ec);
    }
    if (ec) {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        return ec;
    }
    {
        const std::lock_guard lock{connections_mutex_};
        local_endpoint_ = {.address = bound.address().to_string(), .port = bound.port()};
    }
    local_port_ = bound.port();
    asio::co_spawn(acceptor_strand_, accept_loop(shared_from_this()), asio::detached);
    return {};
}

void server_core::stop() {
    std::vector<std::shared_ptr<server_connection>> open;
    {
        const std::lock_guard lock{connections_mutex_};
        if (stopped_.exchange(true)) {
            return;
        }
        open.reserve(connections_.size());
        for (const auto& entry : connections_) {
            open.push_back(entry.second);
        }
    }
    asio::post(acceptor_strand_, [self = shared_from_this()] {
        boost::system::error_code ignored;
        self->acceptor_.close(ignored);
    });
    for (auto& connection : open) {
        abort_on_strand(std::move(connection));
    }
}

void server_core::abort(std::uint64_t id) {
    std::shared_ptr<server_connection> connection;
    {
        const std::lock_guard lock{connections_mutex_};
        if (const auto it = connections_.find(id); it != connections_.end()) {
            connection = it->second;
        }
    }
    if (connection) {
        abort_on_strand(std::move(connection));
    }
}

http_endpoint server_core::local_endpoint() const {
    const std::lock_guard lock{connections_mutex_};
    return local_endpoint_;
}

std::size_t server_core::connection_count() const {
    const std::lock_guard lock{connections_mutex_};
    return connections_.size();
}

http_server_stats server_core::stats() const {
    return {
        .open = connection_count(),
        .accepted = accepted_.load(),
        .refused = refused_.load(),
        .reclaimed = reclaimed_.load(),
        .header_timeouts = header_timeouts_.load(),
        .client_limit_hits = client_limit_hits_.load()};
}

}  // namespace tradebot::net
