#pragma once

// Loopback servers for the client integration tests: an HTTP/1.1 server (plain or TLS) whose
// behaviour each test picks, and a self-signed certificate made with the openssl tool.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

namespace tradebot::net::test {

// A self-signed EC certificate for CN=localhost with SANs localhost and 127.0.0.1, valid one day.
struct self_signed_cert {
    std::filesystem::path cert_file;
    std::filesystem::path key_file;
};
// Runs `openssl req -x509 ...` into `dir` (files named after `name`); throws if it fails.
[[nodiscard]] self_signed_cert make_self_signed_cert(const std::filesystem::path& dir,
                                                     const std::string& name = "localhost",
                                                     const std::string& san = "DNS:localhost,IP:127.0.0.1");

[[nodiscard]] boost::asio::ssl::context make_server_tls(const self_signed_cert& cert);

// Runs `body` on `io` until it completes (rethrowing its exception) or `limit` passes (then throws).
void run_until_done(boost::asio::io_context& io, std::function<boost::asio::awaitable<void>()> body,
                    std::chrono::milliseconds limit = std::chrono::seconds{20});

// Waits without blocking the io_context.
[[nodiscard]] boost::asio::awaitable<void> pause(std::chrono::milliseconds d);

class http_test_server {
public:
    enum class mode {
        echo,    // answers "<METHOD> <target> <body>" with keep-alive as the client asked
        silent,  // reads the request and never answers
    };

    // `tls` null: plain HTTP. `idle_close`: an idle keep-alive connection is closed after this.
    http_test_server(boost::asio::io_context& io, mode m, boost::asio::ssl::context* tls = nullptr,
                     std::chrono::milliseconds idle_close = std::chrono::seconds{30});
    http_test_server(const http_test_server&) = delete;
    http_test_server& operator=(const http_test_server&) = delete;

    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
    [[nodiscard]] int accepted() const noexcept { return accepted_; }
    [[nodiscard]] int requests() const noexcept { return requests_; }
    void stop();

private:
    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket, int id);
    template <class Stream, class Lowest>
    boost::asio::awaitable<void> serve(Stream& stream, Lowest& lowest, int id);

    boost::asio::io_context& io_;
    mode mode_;
    boost::asio::ssl::context* tls_;
    std::chrono::milliseconds idle_close_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    int accepted_ = 0;
    int requests_ = 0;
};

// A WebSocket server whose behaviour each test picks.
class ws_test_server {
public:
    struct behaviour {
        bool greet = true;  // send "hello <connection number>" right after the handshake
        bool echo = true;   // send every received text frame back
        bool read = true;   // false: never read, so pings go unanswered (a dead peer)
        std::chrono::milliseconds drop_after{0};  // > 0: close the socket this long after the handshake
    };

    ws_test_server(boost::asio::io_context& io, behaviour b, boost::asio::ssl::context* tls = nullptr);
    ws_test_server(const ws_test_server&) = delete;
    ws_test_server& operator=(const ws_test_server&) = delete;

    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
    [[nodiscard]] int handshakes() const noexcept { return handshakes_; }
    [[nodiscard]] const std::vector<std::string>& received() const noexcept { return received_; }

private:
    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);
    template <class Stream>
    boost::asio::awaitable<void> serve(Stream& ws, int id);

    boost::asio::io_context& io_;
    behaviour behaviour_;
    boost::asio::ssl::context* tls_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    int handshakes_ = 0;
    std::vector<std::string> received_;
};

// Polls `done` every 10 ms without blocking the io_context; true if it held before `limit`.
[[nodiscard]] boost::asio::awaitable<bool> wait_until(std::function<bool()> done, std::chrono::milliseconds limit);

}  // namespace tradebot::net::test
