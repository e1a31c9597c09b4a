#include "tradebot/net/https_client.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include "tcp_connect.hpp"
#include "tls_util.hpp"
#include "url_parts.hpp"
#include "tradebot/net/use_nothrow.hpp"

namespace tradebot::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
using boost::system::error_code;


struct connection {
    connection(const asio::strand<asio::io_context::executor_type>& ex, ssl::context& ctx) : stream{ex, ctx} {}

    beast::tcp_stream& tcp() { return stream.next_layer(); }

    beast::ssl_stream<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    steady::time_point idle_since{};
};

using connection_ptr = std::unique_ptr<connection>;

struct exchange_outcome {
    boost::system::result<client_response> response = make_error_code(client_errc::bad_response);
    bool never_sent = false;  // failed before a single byte was written: safe to retry
    bool keep_alive = false;
};

bool valid_header_text(std::string_view text) {
    return text.find_first_of("\r\n") == std::string_view::npos;
}

}  // namespace

struct https_client::impl {
    impl(asio::io_context& io, https_client_options o)
        : strand{asio::make_strand(io)}, options{std::move(o)}, tls{ssl::context::tls_client} {
        auto parsed = parse_url(options.base_url, false);
        if (!parsed) {
            init_ec = parsed.error();
            return;
        }
        origin = std::move(*parsed);
        // The base URL's path is a prefix; a trailing '/' would double up with the target's.
        while (!origin.path.empty() && origin.path.back() == '/') {
            origin.path.pop_back();
        }
        init_ec = configure_client_tls(tls, options.verify_peer, options.ca_file);
    }

    asio::awaitable<boost::system::result<connection_ptr>> open(steady::time_point deadline);
    template <class Stream>
    asio::awaitable<exchange_outcome> exchange(Stream& stream, connection& conn,
                                               const http::request<http::string_body>& msg,
                                               steady::time_point deadline);
    static asio::awaitable<boost::system::result<client_response>> run(std::shared_ptr<impl> self,
                                                                       client_request req);
    connection_ptr take_idle();
    void give_back(connection_ptr conn);
    bool usable(connection& conn) const;
    void remember_session(connection& conn);

    asio::strand<asio::io_context::executor_type> strand;
    https_client_options options;
    url_parts origin;
    error_code init_ec;
    ssl::context tls;
    std::vector<connection_ptr> idle;  // touched on the strand only
    ssl_session_ptr tls_session;       // the last resumable session, offered to new connections

    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> connections_opened{0};
    std::atomic<std::uint64_t> connections_reused{0};
    std::atomic<std::uint64_t> idle_dropped{0};
    std::atomic<std::uint64_t> tls_resumed{0};
    std::atomic<std::size_t> idle_size{0};
};

asio::awaitable<boost::system::result<connection_ptr>> https_client::impl::open(steady::time_point deadline) {
    const auto budget = std::min<steady::duration>(options.connect_timeout, deadline - steady::now());
    if (budget <= steady::duration::zero()) {
        co_return make_error_code(client_errc::timeout_before_send);
    }
    const auto connect_deadline = steady::now() + budget;
    auto conn = std::make_unique<connection>(strand, tls);
    if (const auto ec = co_await connect_tcp(conn->tcp(), origin, connect_deadline); ec) {
        co_return ec;
    }
    ++connections_opened;

    if (origin.tls) {
        SSL* native = conn->stream.native_handle();
        if (!prepare_client_tls(native, origin.host, origin.host_is_ip, options.verify_peer)) {
            co_return make_error_code(client_errc::tls_handshake_failed);
        }
        if (tls_session) {
            SSL_set_session(native, tls_session.get());
        }
        conn->tcp().expires_at(connect_deadline);
        if (auto [ec] = co_await conn->stream.async_handshake(ssl::stream_base::client, use_nothrow); ec) {
            co_return make_error_code(ec == beast::error::timeout ? client_errc::timeout_before_send
                                                                  : client_errc::tls_handshake_failed);
        }
        if (SSL_session_reused(native) == 1) {
            ++tls_resumed;
        }
    }
    conn->tcp().expires_never();
    co_return conn;
}

template <class Stream>
asio::awaitable<exchange_outcome> https_client::impl::exchange(Stream& stream, connection& conn,
                                                               const http::request<http::string_body>& msg,
                                                               steady::time_point deadline) {
    exchange_outcome out;
    if (deadline <= steady::now()) {
        out.response = make_error_code(client_errc::timeout_before_send);
        out.never_sent = true;
        co_return out;
    }
    conn.tcp().expires_at(deadline);
    auto [wec, written] = co_await http::async_write(stream, msg, use_nothrow);
    if (wec) {
        const bool timed_out = wec == beast::error::timeout;
        if (written == 0) {
            out.never_sent = true;
            out.response = make_error_code(timed_out ? client_errc::timeout_before_send
                                                     : client_errc::connection_lost_before_send);
        } else {
            out.response = make_error_code(timed_out ? client_errc::timeout_after_send
                                                     : client_errc::connection_lost_after_send);
        }
        co_return out;
    }

    http::response_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options.response_header_limit, UINT32_MAX)));
    parser.body_limit(options.response_body_limit);
    auto [rec, read] = co_await http::async_read(stream, conn.buffer, parser, use_nothrow);
    (void)read;
    if (rec) {
        if (rec == beast::error::timeout) {
            out.response = make_error_code(client_errc::timeout_after_send);
        } else if (rec == http::error::body_limit || rec == http::error::header_limit ||
                   rec == http::error::buffer_overflow) {
            out.response = make_error_code(client_errc::response_too_large);
        } else if (rec == http::error::end_of_stream || rec == http::error::partial_message ||
                   rec.category() != http::make_error_code(http::error::bad_version).category()) {
            out.response = make_error_code(client_errc::connection_lost_after_send);
        } else {
            out.response = make_error_code(client_errc::bad_response);
        }
        co_return out;
    }
    conn.tcp().expires_never();

    auto& res = parser.get();
    client_response response;
    response.status = res.result_int();
    for (const auto& field : res) {
        response.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
    }
    out.keep_alive = parser.keep_alive();
    response.body = std::move(res.body());
    out.response = std::move(response);
    co_return out;
}

asio::awaitable<boost::system::result<client_response>> https_client::impl::run(std::shared_ptr<impl> self,
                                                                                 client_request req) {
    if (self->init_ec) {
        co_return self->init_ec;
    }
    const auto timeout = req.timeout.count() > 0 ? req.timeout : self->options.default_timeout;
    const auto deadline = steady::now() + timeout;

    const http::verb verb = http::string_to_verb(req.method);
    if (verb == http::verb::unknown || req.target.empty() || req.target.front() != '/' ||
        !valid_header_text(req.target)) {
        co_return make_error_code(client_errc::invalid_request);
    }
    http::request<http::string_body> msg{verb, self->origin.path + req.target, 11};
    msg.set(http::field::host, self->origin.host_header());
    msg.set(http::field::user_agent, self->options.user_agent);
    for (const auto& [name, value] : req.headers) {
        // A CR or LF would let a caller-supplied value inject header lines.
        if (name.empty() || !valid_header_text(name) || !valid_header_text(value)) {
            co_return make_error_code(client_errc::invalid_request);
        }
        msg.set(name, value);
    }
    msg.body() = std::move(req.body);
    msg.keep_alive(true);
    msg.prepare_payload();

    exchange_outcome out;
    for (int attempt = 0; attempt < 2; ++attempt) {
        connection_ptr conn = self->take_idle();
        if (conn) {
            ++self->connections_reused;
        } else {
            auto opened = co_await self->open(deadline);
            if (!opened) {
                // A refused or unreachable connect never carried the request; one more try.
                if (attempt == 0 && opened.error() == client_errc::connect_failed) {
                    continue;
                }
                co_return opened.error();
            }
            conn = std::move(*opened);
        }
        // Not a conditional expression: GCC 12 miscompiles co_await inside ?: (double destruction).
        if (self->origin.tls) {
            out = co_await self->exchange(conn->stream, *conn, msg, deadline);
        } else {
            out = co_await self->exchange(conn->tcp(), *conn, msg, deadline);
        }
        if (out.never_sent) {
            continue;
        }
        if (out.response) {
            ++self->requests;
            if (self->origin.tls) {
                self->remember_session(*conn);
            }
            if (out.keep_alive) {
                self->give_back(std::move(conn));
            }
        }
        co_return std::move(out.response);
    }
    co_return std::move(out.response);
}

connection_ptr https_client::impl::take_idle() {
    const auto now = steady::now();
    while (!idle.empty()) {
        connection_ptr conn = std::move(idle.back());
        idle.pop_back();
        idle_size = idle.size();
        if (now - conn->idle_since < options.idle_timeout && usable(*conn)) {
            return conn;
        }
        ++idle_dropped;
    }
    return nullptr;
}

void https_client::impl::give_back(connection_ptr conn) {
    if (idle.size() >= options.max_idle_connections) {
        return;
    }
    conn->idle_since = steady::now();
    idle.push_back(std::move(conn));
    idle_size = idle.size();
}

bool https_client::impl::usable(connection& conn) const {
    auto& socket = conn.tcp().socket();
    if (!socket.is_open() || conn.buffer.size() != 0) {
        return false;
    }
    if (origin.tls && SSL_pending(conn.stream.native_handle()) != 0) {
        return false;
    }
    // An idle keep-alive connection has nothing to read. Readable bytes (a TLS close_notify, a
    // stray response) or EOF mean the server is done with it; using it would risk sending a
    // request into a closing socket and getting "connection lost after send" for nothing.
    char byte = 0;
    const auto n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

void https_client::impl::remember_session(connection& conn) {
    // Read after a complete response, so that TLS 1.3 session tickets have arrived. A copy, because
    // OpenSSL marks the connection's own session object non-resumable when the connection is freed
    // without a TLS shutdown, which is how idle connections end.
    SSL_SESSION* current = SSL_get0_session(conn.stream.native_handle());
    if (current != nullptr && SSL_SESSION_is_resumable(current) == 1) {
        if (ssl_session_ptr copy{SSL_SESSION_dup(current)}; copy) {
            tls_session = std::move(copy);
        }
    }
}

https_client::https_client(asio::io_context& io, https_client_options options)
    : impl_{std::make_shared<impl>(io, std::move(options))} {}

https_client::~https_client() = default;

error_code https_client::init_error() const noexcept { return impl_->init_ec; }

asio::awaitable<boost::system::result<client_response>> https_client::request(client_request req) {
    auto self = impl_;
    co_return co_await asio::co_spawn(self->strand, impl::run(self, std::move(req)), asio::use_awaitable);
}

void https_client::close_idle() {
    // dispatch, not post: a caller resumed from request() still runs inside the strand, and its
    // next request() would otherwise overtake a posted close.
    asio::dispatch(impl_->strand, [self = impl_] {
        self->idle.clear();
        self->idle_size = 0;
    });
}

https_client_stats https_client::stats() const {
    return {impl_->requests.load(), impl_->connections_opened.load(), impl_->connections_reused.load(),
            impl_->idle_dropped.load(), impl_->tls_resumed.load()};
}

std::size_t https_client::idle_count() const { return impl_->idle_size.load(); }

}  // namespace tradebot::net
