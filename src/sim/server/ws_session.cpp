// The WebSocket side of a connection, and the read gate that makes streams_stalled real: while
// the venue's streams are stalled the session reads nothing from the socket, so Beast answers
// no ping (it answers them from inside read), and the writer drops every outgoing frame.
#include "sim/server/ws_session.hpp"
#include "tradebot/net/use_nothrow.hpp"

#include <chrono>
#include <exception>
#include <string>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace tradebot::sim::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using boost::system::error_code;

namespace {

using net::use_nothrow;

// A pass-through layer under the WebSocket stream whose reads wait while `stalled()` holds:
// before reading, and again before handing over bytes that arrived (a read is nearly always
// pending when a stall starts). Faults are plain fields, so the gate polls.
template <class Next>
class gated_stream {
public:
    using executor_type = typename Next::executor_type;

    gated_stream(Next next, std::function<bool()> stalled, std::chrono::milliseconds poll)
        : next_{std::move(next)}, stalled_{std::move(stalled)}, poll_{poll}, timer_{next_.get_executor()} {}

    executor_type get_executor() noexcept { return next_.get_executor(); }
    Next& next_layer() noexcept { return next_; }
    const Next& next_layer() const noexcept { return next_; }

    template <class Buffers, class Token>
    auto async_write_some(const Buffers& buffers, Token&& token) {
        return next_.async_write_some(buffers, std::forward<Token>(token));
    }

    template <class Buffers, class Token>
    auto async_read_some(const Buffers& buffers, Token&& token) {
        return asio::async_compose<Token, void(error_code, std::size_t)>(read_op<Buffers>{*this, buffers}, token,
                                                                         next_);
    }

private:
    template <class Buffers>
    struct read_op {
        gated_stream& s;
        Buffers buffers;
        enum class step : std::uint8_t { gate, reading, holding } at = step::gate;
        error_code result{};
        std::size_t bytes = 0;

        template <class Self>
        void operator()(Self& self, error_code ec = {}, std::size_t n = 0) {
            if (at == step::reading) {
                result = ec;
                bytes = n;
                at = step::holding;
            }
            const bool open = beast::get_lowest_layer(s.next_).socket().is_open();
            const bool cancelled = self.get_cancellation_state().cancelled() != asio::cancellation_type::none;
            if (!open || cancelled) {
                self.complete(at == step::holding && result ? result : error_code{asio::error::operation_aborted},
                              0);
                return;
            }
            if (at == step::holding && (result || !s.stalled_())) {
                self.complete(result, bytes);
                return;
            }
            if (s.stalled_()) {
                s.timer_.expires_after(s.poll_);
                s.timer_.async_wait(std::move(self));
                return;
            }
            at = step::reading;
            s.next_.async_read_some(buffers, std::move(self));
        }
    };

    Next next_;
    std::function<bool()> stalled_;
    std::chrono::milliseconds poll_;
    asio::steady_timer timer_;
};

// Beast finds the teardown of a WebSocket's next layer by ADL; forward to the wrapped layer's.
template <class Next>
void teardown(beast::role_type role, gated_stream<Next>& s, error_code& ec) {
    using beast::websocket::teardown;
    teardown(role, s.next_layer(), ec);
}

template <class Next, class Handler>
void async_teardown(beast::role_type role, gated_stream<Next>& s, Handler&& handler) {
    using beast::websocket::async_teardown;
    async_teardown(role, s.next_layer(), std::forward<Handler>(handler));
}

template <class Ws>
void close_socket(Ws& ws) {
    error_code ignored;
    beast::get_lowest_layer(ws).socket().close(ignored);
}

template <class Ws>
asio::awaitable<void> read_loop(std::shared_ptr<listener::state> self, Ws& ws, ws_link& link) {
    beast::flat_buffer buffer;
    for (;;) {
        auto [ec, n] = co_await ws.async_read(buffer, use_nothrow);
        if (ec || link.dead()) {
            co_return;
        }
        const std::string text = beast::buffers_to_string(buffer.cdata());
        buffer.consume(buffer.size());
        if (self->venue_ != nullptr) {
            try {
                self->venue_->ws_message(link, text);
            } catch (const std::exception&) {
                // A venue bug must not end the simulator; the connection goes, the venue is told.
                co_return;
            }
        }
    }
}

template <class Ws>
asio::awaitable<void> write_loop(std::shared_ptr<listener::state> self, Ws& ws, ws_link& link,
                                 asio::steady_timer& wake) {
    for (;;) {
        if (link.dead()) {
            co_return;  // dropped or stopped: the socket is already closed
        }
        if (link.overflowed()) {
            close_socket(ws);
            co_return;
        }
        if (self->streams_stalled()) {
            link.drop_frames();
        }
        if (link.has_frame()) {
            const std::string frame = link.pop_frame();
            auto [ec, n] = co_await ws.async_write(asio::buffer(frame), use_nothrow);
            if (ec) {
                close_socket(ws);
                co_return;
            }
            continue;
        }
        if (const auto& request = link.close_request()) {
            websocket::close_reason reason;
            reason.code = request->first;
            const std::string_view text{request->second};
            const auto kept = text.substr(0, reason.reason.max_size());  // a control frame holds 123 bytes
            reason.reason.assign(kept.data(), kept.size());
            co_await ws.async_close(reason, use_nothrow);  // the socket goes either way
            close_socket(ws);
            co_return;
        }
        wake.expires_at(std::chrono::steady_clock::time_point::max());
        co_await wake.async_wait(use_nothrow);
        const asio::cancellation_state cs = co_await asio::this_coro::cancellation_state;
        if (cs.cancelled() != asio::cancellation_type::none) {
            co_return;
        }
    }
}

template <class Next>
asio::awaitable<void> serve_websocket(std::shared_ptr<listener::state> self,
                                      std::shared_ptr<net::server_connection> connection, Next stream,
                                      upgrade_request upgrade) {
    using namespace asio::experimental::awaitable_operators;
    const auto& options = self->options_;
    std::function<bool()> stalled = [state = self.get()] { return state->streams_stalled(); };
    websocket::stream<gated_stream<Next>> ws{std::move(stream), stalled, options.stall_poll};
    connection->set_abort([&ws] { close_socket(ws); });
    // The WebSocket stream has its own timeouts; the HTTP read timeout must not fire under it.
    beast::get_lowest_layer(ws).expires_never();
    ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws.read_message_max(options.ws_message_limit);
    if (auto [ec] = co_await ws.async_accept(upgrade, use_nothrow); ec || self->stopped()) {
        close_socket(ws);
        co_return;
    }
    auto link =
        std::make_shared<ws_link>(connection->id(), std::string{upgrade.target()}, options.ws_queue_limit, stalled);
    asio::steady_timer wake{ws.get_executor()};
    link->set_wake([&wake] { wake.cancel(); });
    self->ws_opened(connection->id(), link);
    auto reader = read_loop(self, ws, *link);
    auto writer = write_loop(self, ws, *link, wake);
    auto both = std::move(reader) || std::move(writer);
    co_await std::move(both);
    // The venue hears of the end before the link or the socket go away.
    self->ws_finished(*link);
    link->set_wake(nullptr);
    close_socket(ws);
}

}  // namespace

asio::awaitable<void> run_websocket(std::shared_ptr<listener::state> self,
                                    std::shared_ptr<net::server_connection> connection, beast::tcp_stream stream,
                                    upgrade_request upgrade) {
    return serve_websocket(std::move(self), std::move(connection), std::move(stream), std::move(upgrade));
}

asio::awaitable<void> run_websocket(std::shared_ptr<listener::state> self,
                                    std::shared_ptr<net::server_connection> connection,
                                    beast::ssl_stream<beast::tcp_stream> stream, upgrade_request upgrade) {
    return serve_websocket(std::move(self), std::move(connection), std::move(stream), std::move(upgrade));
}

}  // namespace tradebot::sim::server
