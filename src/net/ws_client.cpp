#include "tradebot/net/ws_client.hpp"

#include <atomic>
#include <deque>
#include <exception>
#include <utility>
#include <variant>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/system/system_error.hpp>

#include "tcp_connect.hpp"
#include "tls_util.hpp"
#include "url_parts.hpp"
#include "tradebot/net/use_nothrow.hpp"

namespace tradebot::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using steady = std::chrono::steady_clock;
using boost::system::error_code;
using strand_type = asio::strand<asio::io_context::executor_type>;


using plain_ws = websocket::stream<beast::tcp_stream>;
using tls_ws = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace

std::string_view to_string(ws_state s) noexcept {
    switch (s) {
    case ws_state::idle: return "idle";
    case ws_state::connecting: return "connecting";
    case ws_state::connected: return "connected";
    case ws_state::disconnected: return "disconnected";
    case ws_state::stalled: return "stalled";
    case ws_state::stopped: return "stopped";
    }
    return "unknown";
}

struct ws_client::impl : std::enable_shared_from_this<impl> {
    impl(asio::io_context& io, ws_client_options o)
        : strand{asio::make_strand(io)}, options{std::move(o)}, tls{ssl::context::tls_client},
          retry_delay{options.backoff}, retry_timer{strand}, wake{strand} {
        auto parsed = parse_url(options.url, true);
        if (!parsed) {
            init_ec = parsed.error();
            return;
        }
        origin = std::move(*parsed);
        if (origin.path.empty()) {
            origin.path.push_back('/');  // not `= "/"`: GCC 12 reports a false -Wrestrict for it
        }
        if (origin.tls) {
            init_ec = configure_client_tls(tls, options.verify_peer, options.ca_file);
        }
    }

    static asio::awaitable<void> run(std::shared_ptr<impl> self);
    template <class Stream>
    asio::awaitable<error_code> session(Stream& ws);
    template <class Stream>
    asio::awaitable<error_code> handshake(Stream& ws, steady::time_point deadline);
    template <class Stream>
    asio::awaitable<error_code> read_loop(Stream& ws);
    template <class Stream>
    asio::awaitable<error_code> write_loop(Stream& ws);
    template <class Stream>
    asio::awaitable<error_code> watchdog(Stream& ws);

    void set_state(ws_state s, error_code reason) {
        state = s;
        if (state_cb && !detached) {
            state_cb(s, reason);
        }
    }
    void close_socket() {
        if (close_current) {
            close_current();
        }
    }

    strand_type strand;
    ws_client_options options;
    url_parts origin;
    error_code init_ec;
    ssl::context tls;

    // Handlers: set before start(), called on the strand.
    message_handler message_cb;
    connected_handler connected_cb;
    state_handler state_cb;
    backoff_handler backoff_cb;

    // Strand-only state.
    backoff retry_delay;
    asio::steady_timer retry_timer;
    asio::steady_timer wake;  // the writer sleeps on it while the queue is empty
    std::deque<std::string> queue;
    std::function<void()> close_current;  // closes the socket of the connection in progress
    bool started = false;
    bool stopping = false;
    bool connected = false;
    error_code end_reason;  // set when the client itself ends a connection (stall, age, reconnect())
    bool got_data = false;
    steady::time_point connected_at{};
    steady::time_point last_data{};

    std::atomic<bool> detached{false};  // the ws_client is gone: call no handler
    std::atomic<ws_state> state{ws_state::idle};
    std::atomic<std::uint64_t> connects{0}, connect_failures{0}, disconnects{0}, stalls{0},
        planned_reconnects{0}, messages_received{0}, messages_sent{0}, sends_dropped{0}, handler_errors{0};
};

asio::awaitable<void> ws_client::impl::run(std::shared_ptr<impl> self) {
    while (!self->stopping) {
        self->set_state(ws_state::connecting, {});
        error_code reason;
        bool planned = false;
        try {
            if (self->origin.tls) {
                tls_ws ws{self->strand, self->tls};
                reason = co_await self->session(ws);
            } else {
                plain_ws ws{self->strand};
                reason = co_await self->session(ws);
            }
        } catch (const boost::system::system_error& e) {
            reason = e.code();
        } catch (const std::exception&) {
            reason = make_error_code(client_errc::internal_error);
        }
        self->close_current = nullptr;
        self->connected = false;
        self->queue.clear();
        if (self->stopping) {
            break;
        }
        planned = reason == client_errc::connection_aged || reason == client_errc::reconnect_requested;
        self->set_state(reason == client_errc::stream_stalled ? ws_state::stalled : ws_state::disconnected, reason);
        if (planned) {
            continue;
        }
        const auto delay = self->retry_delay.next();
        if (self->backoff_cb && !self->detached) {
            self->backoff_cb(delay);
        }
        self->retry_timer.expires_after(delay);
        co_await self->retry_timer.async_wait(use_nothrow);
    }
    self->set_state(ws_state::stopped, make_error_code(client_errc::shut_down));
}

template <class Stream>
asio::awaitable<error_code> ws_client::impl::handshake(Stream& ws, steady::time_point deadline) {
    auto& lowest = beast::get_lowest_layer(ws);
    if (auto ec = co_await connect_tcp(lowest, origin, deadline); ec) {
        co_return ec;
    }
    if (stopping) {
        co_return make_error_code(client_errc::shut_down);
    }
    if constexpr (std::is_same_v<Stream, tls_ws>) {
        if (!prepare_client_tls(ws.next_layer().native_handle(), origin.host, origin.host_is_ip, options.verify_peer)) {
            co_return make_error_code(client_errc::tls_handshake_failed);
        }
        lowest.expires_at(deadline);
        if (auto [ec] = co_await ws.next_layer().async_handshake(ssl::stream_base::client, use_nothrow); ec) {
            co_return make_error_code(ec == beast::error::timeout ? client_errc::timeout_before_send
                                                                  : client_errc::tls_handshake_failed);
        }
    }
    // From here on the websocket stream runs its own timers; tcp_stream's would cut idle reads.
    lowest.expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::max<steady::duration>(deadline - steady::now(), std::chrono::milliseconds{1});
    timeouts.idle_timeout = options.idle_timeout;
    timeouts.keep_alive_pings = true;  // suggested(client) leaves both off; a feed must detect a dead peer
    ws.set_option(timeouts);
    ws.set_option(websocket::stream_base::decorator(
        [agent = options.user_agent, headers = options.handshake_headers](websocket::request_type& req) {
            req.set(http::field::user_agent, agent);
            for (const auto& [name, value] : headers) {
                req.set(name, value);
            }
        }));
    ws.read_message_max(options.max_message_size);
    if (auto [ec] = co_await ws.async_handshake(origin.host_header(), origin.path, use_nothrow); ec) {
        co_return ec == beast::error::timeout ? make_error_code(client_errc::timeout_before_send) : ec;
    }
    co_return error_code{};
}

template <class Stream>
asio::awaitable<error_code> ws_client::impl::session(Stream& ws) {
    close_current = [&ws] { beast::get_lowest_layer(ws).close(); };
    if (auto ec = co_await handshake(ws, steady::now() + options.connect_timeout); ec) {
        ++connect_failures;
        co_return stopping ? make_error_code(client_errc::shut_down) : ec;
    }
    if (stopping) {
        co_return make_error_code(client_errc::shut_down);
    }
    ws.text(true);
    ++connects;
    connected = true;
    got_data = false;
    end_reason = {};
    connected_at = steady::now();
    last_data = connected_at;
    set_state(ws_state::connected, {});
    if (connected_cb && !detached) {
        connected_cb();
    }

    using namespace asio::experimental::awaitable_operators;
    // Each branch closes the socket before it returns, so the other two finish promptly even where
    // Beast ignores the cancellation signal.
    auto ended = co_await (read_loop(ws) || write_loop(ws) || watchdog(ws));
    // Whoever ended the connection on purpose said why; otherwise the branch that failed first did.
    const error_code reason = end_reason ? end_reason : std::visit([](const error_code& ec) { return ec; }, ended);
    ++disconnects;
    if (reason == client_errc::stream_stalled) {
        ++stalls;
    } else if (reason == client_errc::connection_aged || reason == client_errc::reconnect_requested) {
        ++planned_reconnects;
    }
    if (got_data || steady::now() - connected_at >= options.healthy_after) {
        retry_delay.reset();
    }
    co_return stopping ? make_error_code(client_errc::shut_down) : reason;
}

template <class Stream>
asio::awaitable<error_code> ws_client::impl::read_loop(Stream& ws) {
    beast::flat_buffer buffer;
    for (;;) {
        auto [ec, n] = co_await ws.async_read(buffer, use_nothrow);
        if (ec) {
            close_socket();
            co_return ec;
        }
        last_data = steady::now();
        got_data = true;
        ++messages_received;
        if (message_cb && !detached) {
            const auto data = buffer.cdata();
            try {
                message_cb(std::string_view{static_cast<const char*>(data.data()), data.size()});
            } catch (const std::exception&) {
                // A bad frame must not take the feed down; the handler's owner sees the counter.
                ++handler_errors;
            }
        }
        buffer.consume(buffer.size());
    }
}

template <class Stream>
asio::awaitable<error_code> ws_client::impl::write_loop(Stream& ws) {
    for (;;) {
        while (queue.empty()) {
            wake.expires_at(steady::time_point::max());
            co_await wake.async_wait(use_nothrow);
            const asio::cancellation_state cs = co_await asio::this_coro::cancellation_state;
            if (cs.cancelled() != asio::cancellation_type::none) {
                co_return error_code{};
            }
        }
        const std::string message = std::move(queue.front());
        queue.pop_front();
        auto [ec, n] = co_await ws.async_write(asio::buffer(message), use_nothrow);
        if (ec) {
            close_socket();
            co_return ec;
        }
        ++messages_sent;
    }
}

template <class Stream>
asio::awaitable<error_code> ws_client::impl::watchdog(Stream&) {
    asio::steady_timer timer{strand};
    for (;;) {
        const auto now = steady::now();
        if (options.stall_timeout.count() > 0 && now - last_data >= options.stall_timeout) {
            end_reason = make_error_code(client_errc::stream_stalled);
            close_socket();
            co_return end_reason;
        }
        if (options.max_connection_age.count() > 0 && now - connected_at >= options.max_connection_age) {
            end_reason = make_error_code(client_errc::connection_aged);
            close_socket();
            co_return end_reason;
        }
        auto next = steady::time_point::max();
        if (options.stall_timeout.count() > 0) {
            next = std::min(next, last_data + options.stall_timeout);
        }
        if (options.max_connection_age.count() > 0) {
            next = std::min(next, connected_at + options.max_connection_age);
        }
        timer.expires_at(next);
        co_await timer.async_wait(use_nothrow);
        const asio::cancellation_state cs = co_await asio::this_coro::cancellation_state;
        if (cs.cancelled() != asio::cancellation_type::none) {
            co_return error_code{};
        }
    }
}

ws_client::ws_client(asio::io_context& io, ws_client_options options)
    : impl_{std::make_shared<impl>(io, std::move(options))} {}

ws_client::~ws_client() {
    impl_->detached = true;
    stop();
}

error_code ws_client::init_error() const noexcept { return impl_->init_ec; }

void ws_client::on_message(message_handler h) { impl_->message_cb = std::move(h); }
void ws_client::on_connected(connected_handler h) { impl_->connected_cb = std::move(h); }
void ws_client::on_state(state_handler h) { impl_->state_cb = std::move(h); }
void ws_client::on_backoff(backoff_handler h) { impl_->backoff_cb = std::move(h); }

void ws_client::start() {
    asio::post(impl_->strand, [self = impl_] {
        if (self->started || self->stopping) {
            return;
        }
        self->started = true;
        if (self->init_ec) {
            self->stopping = true;
            self->set_state(ws_state::stopped, self->init_ec);
            return;
        }
        asio::co_spawn(self->strand, impl::run(self), [self](std::exception_ptr e) {
            // run() converts every failure of a connection into a reconnect; reaching here with an
            // exception means an allocation failure or a bug: report it as the final state.
            if (e) {
                self->set_state(ws_state::stopped, make_error_code(client_errc::internal_error));
            }
        });
    });
}

void ws_client::stop() {
    asio::post(impl_->strand, [self = impl_] {
        if (self->stopping) {
            return;
        }
        self->stopping = true;
        self->retry_timer.cancel();
        self->close_socket();
        if (!self->started) {
            self->set_state(ws_state::stopped, make_error_code(client_errc::shut_down));
        }
    });
}

void ws_client::reconnect() {
    asio::post(impl_->strand, [self = impl_] {
        if (!self->connected) {
            return;
        }
        self->end_reason = make_error_code(client_errc::reconnect_requested);
        self->close_socket();
    });
}

void ws_client::send(std::string text) {
    asio::post(impl_->strand, [self = impl_, text = std::move(text)]() mutable {
        if (!self->connected || self->queue.size() >= self->options.max_queued_messages) {
            ++self->sends_dropped;
            return;
        }
        self->queue.push_back(std::move(text));
        self->wake.cancel();
    });
}

ws_state ws_client::state() const noexcept { return impl_->state.load(); }

ws_counters ws_client::counters() const noexcept {
    const impl& i = *impl_;
    return {i.connects.load(),          i.connect_failures.load(), i.disconnects.load(),
            i.stalls.load(),            i.planned_reconnects.load(), i.messages_received.load(),
            i.messages_sent.load(),     i.sends_dropped.load(),   i.handler_errors.load()};
}

}  // namespace tradebot::net
