#include "tradebot/sim/server/listener.hpp"

#include <cstdint>
#include <exception>
#include <utility>
#include <vector>

#include "sim/server/listener_state.hpp"

namespace tradebot::sim::server {

namespace asio = boost::asio;

namespace {

net::server_core_options core_options(const listener_options& options) {
    // No slots: the simulator serves tests and benchmarks, which open what they need.
    return {.address = options.address,
            .port = options.port,
            .max_connections = SIZE_MAX,
            .max_connections_per_client = SIZE_MAX,
            .backlog = options.backlog};
}

}  // namespace

listener::state::state(asio::io_context& io, listener_options opts, wire::venue& v, control_handler c)
    : server_core{io, core_options(opts)}, options_{std::move(opts)}, venue_{&v}, control_{std::move(c)} {}

void listener::state::connection_closed(std::uint64_t id) {
    if (auto it = links_.find(id); it != links_.end()) {
        ws_finished(*it->second);
        links_.erase(it);
    }
}

void listener::state::ws_opened(std::uint64_t id, const std::shared_ptr<ws_link>& link) {
    links_[id] = link;
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

listener::listener(asio::io_context& io, listener_options options, wire::venue& venue, control_handler control)
    : state_{std::make_shared<state>(io, std::move(options), venue, std::move(control))} {}

listener::~listener() {
    stop();
    state_->venue_ = nullptr;
    state_->control_ = nullptr;
}

boost::system::error_code listener::start() { return state_->start(); }

std::uint16_t listener::local_port() const noexcept { return state_->local_port(); }

void listener::stop() {
    if (state_->stopped()) {
        return;
    }
    // The venue hears of every peer's end before this returns; the sockets close on their strands.
    // Copied first: ws_closed runs venue code.
    std::vector<std::shared_ptr<ws_link>> open;
    open.reserve(state_->links_.size());
    for (const auto& entry : state_->links_) {
        open.push_back(entry.second);
    }
    for (auto& link : open) {
        state_->ws_finished(*link);
    }
    state_->stop();
}

void listener::drop_streams() {
    std::vector<std::pair<std::uint64_t, std::shared_ptr<ws_link>>> streams;
    for (const auto& entry : state_->links_) {
        if (!entry.second->dead()) {
            streams.emplace_back(entry);
        }
    }
    for (auto& [id, link] : streams) {
        state_->ws_finished(*link);
        state_->abort(id);
    }
}

std::size_t listener::ws_peer_count() const noexcept { return state_->ws_peers_; }

std::size_t listener::connection_count() const noexcept { return state_->connection_count(); }

}  // namespace tradebot::sim::server
