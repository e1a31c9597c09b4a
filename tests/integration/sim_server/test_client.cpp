#include "test_client.hpp"

#include <exception>
#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "net/tls_util.hpp"

namespace tradebot::sim::server::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

std::optional<std::string> http_result::header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
        if (beast::iequals(key, name)) {
            return value;
        }
    }
    return std::nullopt;
}

void run(asio::io_context& io, std::function<asio::awaitable<void>()> body, std::chrono::milliseconds limit) {
    bool done = false;
    std::exception_ptr error;
    asio::co_spawn(io, body(), [&](std::exception_ptr e) {
        error = e;
        done = true;
    });
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done && std::chrono::steady_clock::now() < deadline) {
        io.run_one_for(std::chrono::milliseconds{50});
    }
    if (!done) {
        throw std::runtime_error{"test coroutine did not finish in time"};
    }
    if (error) {
        std::rethrow_exception(error);
    }
}

asio::awaitable<void> pause(std::chrono::milliseconds d) {
    asio::steady_timer timer{co_await asio::this_coro::executor, d};
    co_await timer.async_wait(use_nothrow);
}

asio::awaitable<bool> wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            co_return false;
        }
        co_await pause(std::chrono::milliseconds{10});
    }
    co_return true;
}

namespace {

std::unique_ptr<ssl::context> client_tls(const std::string& ca_file) {
    if (ca_file.empty()) {
        return nullptr;
    }
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
    if (auto ec = net::configure_client_tls(*ctx, true, ca_file); ec) {
        throw std::runtime_error{"client TLS: " + ec.message()};
    }
    return ctx;
}

template <class Message>
void copy_headers(const Message& m, http_result& out) {
    for (const auto& field : m) {
        out.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------

struct http_client::impl {
    impl(asio::io_context& io_, std::uint16_t port_, std::string ca) : io{io_}, port{port_}, tls{client_tls(ca)} {}
    asio::io_context& io;
    std::uint16_t port;
    std::unique_ptr<ssl::context> tls;
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
    beast::flat_buffer buffer;

    beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

    template <class Stream>
    asio::awaitable<http_result> exchange(Stream& stream, http::request<http::string_body>& req,
                                          std::chrono::milliseconds timeout) {
        http_result out;
        beast::get_lowest_layer(stream).expires_after(timeout);
        if (auto [ec, n] = co_await http::async_write(stream, req, use_nothrow); ec) {
            out.ec = ec;
            co_return out;
        }
        http::response_parser<http::string_body> parser;
        parser.body_limit(16 * 1024 * 1024);
        if (auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_nothrow); ec) {
            out.ec = ec;
            co_return out;
        }
        out.status = parser.get().result_int();
        out.body = parser.get().body();
        copy_headers(parser.get(), out);
        co_return out;
    }
};

http_client::http_client(asio::io_context& io, std::uint16_t port, std::string ca_file)
    : impl_{std::make_unique<impl>(io, port, std::move(ca_file))} {}
http_client::~http_client() = default;

asio::awaitable<error_code> http_client::connect() {
    const tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), impl_->port};
    if (!impl_->tls) {
        impl_->plain = std::make_unique<beast::tcp_stream>(impl_->io);
        impl_->plain->expires_after(5s);
        auto [ec] = co_await impl_->plain->async_connect(endpoint, use_nothrow);
        co_return ec;
    }
    impl_->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(impl_->io, *impl_->tls);
    auto& lowest = beast::get_lowest_layer(*impl_->secure);
    lowest.expires_after(5s);
    if (auto [ec] = co_await lowest.async_connect(endpoint, use_nothrow); ec) {
        co_return ec;
    }
    if (!net::prepare_client_tls(impl_->secure->native_handle(), "127.0.0.1", true, true)) {
        co_return error_code{asio::error::invalid_argument};
    }
    auto [ec] = co_await impl_->secure->async_handshake(ssl::stream_base::client, use_nothrow);
    co_return ec;
}

asio::awaitable<http_result> http_client::request(std::string_view method, std::string_view target, std::string_view body,
                                                  std::chrono::milliseconds timeout) {
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(true);
    req.body() = std::string{body};
    req.prepare_payload();
    if (impl_->secure) {
        auto result = co_await impl_->exchange(*impl_->secure, req, timeout);
        co_return result;
    }
    auto result = co_await impl_->exchange(*impl_->plain, req, timeout);
    co_return result;
}

void http_client::close() {
    error_code ignored;
    impl_->lowest().socket().close(ignored);
}

// ---------------------------------------------------------------------------------------------

struct ws_test_client::impl : std::enable_shared_from_this<impl> {
    using plain_ws = websocket::stream<beast::tcp_stream>;
    using tls_ws = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

    impl(asio::io_context& io_, std::uint16_t port_, std::string ca) : io{io_}, port{port_}, tls{client_tls(ca)} {}
    asio::io_context& io;
    std::uint16_t port;
    std::unique_ptr<ssl::context> tls;
    std::unique_ptr<plain_ws> plain;
    std::unique_ptr<tls_ws> secure;
    std::vector<std::string> messages;
    int pongs = 0;
    bool ended = false;
    error_code end_reason;
    std::uint16_t close_code = 0;

    template <class Ws>
    asio::awaitable<http_result> handshake(Ws& ws, const std::string& target) {
        http_result out;
        websocket::response_type res;
        auto [ec] = co_await ws.async_handshake(res, "127.0.0.1", target, use_nothrow);
        out.ec = ec;
        out.status = res.result_int();
        out.body = res.body();
        copy_headers(res, out);
        if (!ec) {
            beast::get_lowest_layer(ws).expires_never();
            ws.control_callback([this](websocket::frame_type kind, beast::string_view) {
                if (kind == websocket::frame_type::pong) {
                    ++pongs;
                }
            });
        }
        co_return out;
    }

    template <class Ws>
    static asio::awaitable<void> read_loop(std::shared_ptr<impl> self, Ws& ws) {
        beast::flat_buffer buffer;
        for (;;) {
            auto [ec, n] = co_await ws.async_read(buffer, use_nothrow);
            if (ec) {
                self->end_reason = ec;
                self->close_code = ws.reason().code;
                self->ended = true;
                co_return;
            }
            self->messages.push_back(beast::buffers_to_string(buffer.cdata()));
            buffer.consume(buffer.size());
        }
    }
};

ws_test_client::ws_test_client(asio::io_context& io, std::uint16_t port, std::string ca_file)
    : impl_{std::make_shared<impl>(io, port, std::move(ca_file))} {}
ws_test_client::~ws_test_client() {
    error_code ignored;
    if (impl_->plain) {
        beast::get_lowest_layer(*impl_->plain).socket().close(ignored);
    }
    if (impl_->secure) {
        beast::get_lowest_layer(*impl_->secure).socket().close(ignored);
    }
}

asio::awaitable<http_result> ws_test_client::connect(std::string_view target_view) {
    const std::string target{target_view};
    const tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), impl_->port};
    http_result failed;
    if (!impl_->tls) {
        impl_->plain = std::make_unique<impl::plain_ws>(impl_->io);
        auto& lowest = beast::get_lowest_layer(*impl_->plain);
        lowest.expires_after(5s);
        if (auto [ec] = co_await lowest.async_connect(endpoint, use_nothrow); ec) {
            failed.ec = ec;
            co_return failed;
        }
        auto result = co_await impl_->handshake(*impl_->plain, target);
        co_return result;
    }
    impl_->secure = std::make_unique<impl::tls_ws>(impl_->io, *impl_->tls);
    auto& lowest = beast::get_lowest_layer(*impl_->secure);
    lowest.expires_after(5s);
    if (auto [ec] = co_await lowest.async_connect(endpoint, use_nothrow); ec) {
        failed.ec = ec;
        co_return failed;
    }
    auto& tls_layer = impl_->secure->next_layer();
    if (!net::prepare_client_tls(tls_layer.native_handle(), "127.0.0.1", true, true)) {
        failed.ec = asio::error::invalid_argument;
        co_return failed;
    }
    if (auto [ec] = co_await tls_layer.async_handshake(ssl::stream_base::client, use_nothrow); ec) {
        failed.ec = ec;
        co_return failed;
    }
    auto result = co_await impl_->handshake(*impl_->secure, target);
    co_return result;
}

void ws_test_client::start_reading() {
    if (impl_->plain) {
        asio::co_spawn(impl_->io, impl::read_loop(impl_, *impl_->plain), [](std::exception_ptr) {});
    } else {
        asio::co_spawn(impl_->io, impl::read_loop(impl_, *impl_->secure), [](std::exception_ptr) {});
    }
}

asio::awaitable<error_code> ws_test_client::send(std::string_view text) {
    if (impl_->plain) {
        auto [ec, n] = co_await impl_->plain->async_write(asio::buffer(text), use_nothrow);
        co_return ec;
    }
    auto [ec, n] = co_await impl_->secure->async_write(asio::buffer(text), use_nothrow);
    co_return ec;
}

asio::awaitable<error_code> ws_test_client::ping() {
    const websocket::ping_data payload{"p"};
    if (impl_->plain) {
        auto [ec] = co_await impl_->plain->async_ping(payload, use_nothrow);
        co_return ec;
    }
    auto [ec] = co_await impl_->secure->async_ping(payload, use_nothrow);
    co_return ec;
}

asio::awaitable<error_code> ws_test_client::close() {
    const websocket::close_reason reason{websocket::close_code::normal};
    if (impl_->plain) {
        auto [ec] = co_await impl_->plain->async_close(reason, use_nothrow);
        co_return ec;
    }
    auto [ec] = co_await impl_->secure->async_close(reason, use_nothrow);
    co_return ec;
}

const std::vector<std::string>& ws_test_client::messages() const noexcept { return impl_->messages; }
int ws_test_client::pongs() const noexcept { return impl_->pongs; }
bool ws_test_client::ended() const noexcept { return impl_->ended; }
error_code ws_test_client::end_reason() const noexcept { return impl_->end_reason; }
std::uint16_t ws_test_client::close_code() const noexcept { return impl_->close_code; }

}  // namespace tradebot::sim::server::test
