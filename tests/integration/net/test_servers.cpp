#include "test_servers.hpp"

#include <cstdlib>
#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace tradebot::net::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

self_signed_cert make_self_signed_cert(const std::filesystem::path& dir, const std::string& name,
                                       const std::string& san) {
    self_signed_cert out{dir / (name + "-cert.pem"), dir / (name + "-key.pem")};
    const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
                            "-subj /CN=" + name + " -addext subjectAltName=" + san + " -keyout '" +
                            out.key_file.string() + "' -out '" + out.cert_file.string() + "' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0 || !std::filesystem::exists(out.cert_file)) {
        throw std::runtime_error{"openssl req failed: " + cmd};
    }
    return out;
}

ssl::context make_server_tls(const self_signed_cert& cert) {
    ssl::context ctx{ssl::context::tls_server};
    ctx.use_certificate_chain_file(cert.cert_file.string());
    ctx.use_private_key_file(cert.key_file.string(), ssl::context::pem);
    return ctx;
}

void run_until_done(asio::io_context& io, std::function<asio::awaitable<void>()> body,
                    std::chrono::milliseconds limit) {
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

http_test_server::http_test_server(asio::io_context& io, mode m, ssl::context* tls,
                                   std::chrono::milliseconds idle_close)
    : io_{io}, mode_{m}, tls_{tls}, idle_close_{idle_close},
      acceptor_{io, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}} {
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, accept_loop(), [](std::exception_ptr) {});
}

void http_test_server::stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
}

asio::awaitable<void> http_test_server::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await acceptor_.async_accept(use_nothrow);
        if (ec) {
            co_return;
        }
        const int id = ++accepted_;
        asio::co_spawn(io_, session(std::move(socket), id), [](std::exception_ptr) {});
    }
}

asio::awaitable<void> http_test_server::session(tcp::socket socket, int id) {
    if (tls_ == nullptr) {
        beast::tcp_stream stream{std::move(socket)};
        co_await serve(stream, stream, id);
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream{std::move(socket), *tls_};
    stream.next_layer().expires_after(std::chrono::seconds{5});
    if (auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, use_nothrow); ec) {
        co_return;
    }
    co_await serve(stream, stream.next_layer(), id);
}

template <class Stream, class Lowest>
asio::awaitable<void> http_test_server::serve(Stream& stream, Lowest& lowest, int id) {
    beast::flat_buffer buffer;
    for (;;) {
        // The read timeout doubles as the keep-alive idle limit: tcp_stream closes the socket.
        lowest.expires_after(idle_close_);
        http::request<http::string_body> req;
        if (auto [ec, n] = co_await http::async_read(stream, buffer, req, use_nothrow); ec) {
            co_return;
        }
        ++requests_;
        if (mode_ == mode::silent) {
            lowest.expires_never();
            asio::steady_timer forever{co_await asio::this_coro::executor, std::chrono::hours{1}};
            co_await forever.async_wait(use_nothrow);
            co_return;
        }
        http::response<http::string_body> res{http::status::ok, req.version()};
        res.set("X-MBX-USED-WEIGHT-1M", "7");
        res.set("X-Connection-Id", std::to_string(id));
        res.body() = std::string{req.method_string()} + " " + std::string{req.target()} + " " + req.body();
        res.keep_alive(req.keep_alive());
        res.prepare_payload();
        if (auto [ec, n] = co_await http::async_write(stream, res, use_nothrow); ec || !res.keep_alive()) {
            co_return;
        }
    }
}

asio::awaitable<bool> wait_until(std::function<bool()> done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            co_return false;
        }
        co_await pause(std::chrono::milliseconds{10});
    }
    co_return true;
}

ws_test_server::ws_test_server(asio::io_context& io, behaviour b, ssl::context* tls)
    : io_{io}, behaviour_{b}, tls_{tls}, acceptor_{io, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}} {
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, accept_loop(), [](std::exception_ptr) {});
}

asio::awaitable<void> ws_test_server::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await acceptor_.async_accept(use_nothrow);
        if (ec) {
            co_return;
        }
        asio::co_spawn(io_, session(std::move(socket)), [](std::exception_ptr) {});
    }
}

asio::awaitable<void> ws_test_server::session(tcp::socket socket) {
    namespace websocket = beast::websocket;
    if (tls_ == nullptr) {
        websocket::stream<beast::tcp_stream> ws{std::move(socket)};
        co_await serve(ws, 0);
        co_return;
    }
    websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws{std::move(socket), *tls_};
    if (auto [ec] = co_await ws.next_layer().async_handshake(ssl::stream_base::server, use_nothrow); ec) {
        co_return;
    }
    co_await serve(ws, 0);
}

template <class Stream>
asio::awaitable<void> ws_test_server::serve(Stream& ws, int) {
    namespace websocket = beast::websocket;
    using namespace asio::experimental::awaitable_operators;
    ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    if (auto [ec] = co_await ws.async_accept(use_nothrow); ec) {
        co_return;
    }
    const int id = ++handshakes_;
    if (behaviour_.greet) {
        const std::string hello = "hello " + std::to_string(id);
        if (auto [ec, n] = co_await ws.async_write(asio::buffer(hello), use_nothrow); ec) {
            co_return;
        }
    }
    auto reader = [&]() -> asio::awaitable<void> {
        if (!behaviour_.read) {
            co_await pause(std::chrono::hours{1});
            co_return;
        }
        beast::flat_buffer buffer;
        for (;;) {
            if (auto [ec, n] = co_await ws.async_read(buffer, use_nothrow); ec) {
                co_return;
            }
            std::string text = beast::buffers_to_string(buffer.cdata());
            buffer.consume(buffer.size());
            received_.push_back(text);
            if (behaviour_.echo) {
                if (auto [ec, n] = co_await ws.async_write(asio::buffer(text), use_nothrow); ec) {
                    co_return;
                }
            }
        }
    };
    auto dropper = [&]() -> asio::awaitable<void> {
        co_await pause(behaviour_.drop_after);
        beast::get_lowest_layer(ws).close();
    };
    if (behaviour_.drop_after.count() > 0) {
        co_await (reader() || dropper());
    } else {
        co_await reader();
    }
}

}  // namespace tradebot::net::test
