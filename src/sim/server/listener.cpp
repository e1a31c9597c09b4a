#include "tradebot/sim/server/listener.hpp"

#include <chrono>
#include <exception>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "sim/server/listener_state.hpp"

namespace tradebot::sim::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

listener::state::state(asio::io_context& io, listener_options opts, wire::venue& v, control_handler c)
    : io_{io}, options_{std::move(opts)}, venue_{&v}, control_{std::move(c)}, acceptor_{asio::make_strand(io)} {}

void listener::state::set_abort(std::uint64_t id, std::function<void()> abort) {
    if (auto it = connections_.find(id); it != connections_.end()) {
        it->second.abort = std::move(abort);
    }
}

void listener::state::forget(std::uint64_t id) {
    if (auto it = connections_.find(id); it != connections_.end()) {
        if (it->second.link) {
            ws_finished(*it->second.link);
        }
        connections_.erase(it);
    }
}

void listener::state::ws_opened(std::uint64_t id, const std::shared_ptr<ws_link>& link) {
    if (auto it = connections_.find(id); it != connections_.end()) {
        it->second.link = link;
    }
    ++ws_peers_;
    if (venue_ != nullptr) {
        venue_->ws_open(*link);
    }
}

void listener::state::ws_finished(ws_link& link) {
    if (link.dead()) {
        return;
    }
    link.mark_dead();
    --ws_peers_;
    if (venue_ != nullptr) {
        venue_->ws_closed(link);
    }
}

wire::reply listener::state::route(const net::http_request& request, wire::arrival_time arrival) {
    try {
        if (request.path().starts_with("/sim/")) {
            if (control_) {
                return control_(request);
            }
        } else if (venue_ != nullptr) {
            return venue_->handle(request, arrival);
        }
        return {.response = {.status = 503, .content_type = "text/plain; charset=utf-8",
                             .body = "shutting down\n", .headers = {}},
                .action = wire::disposition::send};
    } catch (const std::exception& e) {
        // A venue bug must not take the simulator down; the test sees a 500 with the reason.
        return {.response = {.status = 500, .content_type = "text/plain; charset=utf-8",
                             .body = std::string{"internal error: "} + e.what() + "\n", .headers = {}},
                .action = wire::disposition::send};
    }
}

asio::awaitable<void> listener::state::accept_loop(std::shared_ptr<state> self) {
    asio::steady_timer backoff{self->acceptor_.get_executor()};
    for (;;) {
        auto [ec, socket] = co_await self->acceptor_.async_accept(asio::make_strand(self->io_),
                                                                  asio::as_tuple(asio::use_awaitable));
        if (self->stopped_) {
            co_return;
        }
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
        const std::uint64_t id = self->next_id_++;
        self->connections_.emplace(id, connection_entry{});
        auto executor = socket.get_executor();
        asio::co_spawn(executor, serve_connection(self, id, std::move(socket)), asio::detached);
    }
}

listener::listener(asio::io_context& io, listener_options options, wire::venue& venue, control_handler control)
    : state_{std::make_shared<state>(io, std::move(options), venue, std::move(control))} {}

listener::~listener() {
    stop();
    state_->venue_ = nullptr;
    state_->control_ = nullptr;
}

boost::system::error_code listener::start() {
    auto& acceptor = state_->acceptor_;
    if (state_->stopped_) {
        return asio::error::operation_aborted;
    }
    if (acceptor.is_open()) {
        return asio::error::already_open;
    }
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(state_->options_.address, ec);
    if (ec) {
        return ec;
    }
    const tcp::endpoint endpoint{address, state_->options_.port};
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor.set_option(tcp::acceptor::reuse_address{true}, ec);
    }
    if (!ec) {
        acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor.listen(state_->options_.backlog, ec);
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
    state_->port_ = bound.port();
    asio::co_spawn(acceptor.get_executor(), state::accept_loop(state_), asio::detached);
    return {};
}

std::uint16_t listener::local_port() const noexcept { return state_->port_; }

void listener::stop() {
    if (state_->stopped_) {
        return;
    }
    state_->stopped_ = true;
    boost::system::error_code ignored;
    state_->acceptor_.close(ignored);
    // Copied first: aborting only closes sockets, but ws_closed runs venue code.
    std::vector<state::connection_entry> open;
    open.reserve(state_->connections_.size());
    for (const auto& entry : state_->connections_) {
        open.push_back(entry.second);
    }
    for (auto& entry : open) {
        if (entry.link) {
            state_->ws_finished(*entry.link);
        }
        if (entry.abort) {
            entry.abort();
        }
    }
}

void listener::drop_streams() {
    std::vector<state::connection_entry> streams;
    for (const auto& entry : state_->connections_) {
        if (entry.second.link && !entry.second.link->dead()) {
            streams.push_back(entry.second);
        }
    }
    for (auto& entry : streams) {
        state_->ws_finished(*entry.link);
        if (entry.abort) {
            entry.abort();
        }
    }
}

std::size_t listener::ws_peer_count() const noexcept { return state_->ws_peers_; }

std::size_t listener::connection_count() const noexcept { return state_->connections_.size(); }

}  // namespace tradebot::sim::server
