#pragma once

// Loopback clients for the listener tests (Beast stays in test_client.cpp): one HTTP/1.1
// keep-alive connection and one WebSocket, each plain or TLS verified against a CA file.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>

namespace tradebot::sim::server::test {

using namespace std::chrono_literals;

struct http_result {
    boost::system::error_code ec;
    unsigned status = 0;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    [[nodiscard]] std::optional<std::string> header(const std::string& name) const;
};

// Runs `body` on `io` until it completes (rethrowing its exception) or `limit` passes (throws).
void run(boost::asio::io_context& io, std::function<boost::asio::awaitable<void>()> body,
         std::chrono::milliseconds limit = 20s);
// Polls `done` every 10 ms without blocking the io_context; true if it held before `limit`.
[[nodiscard]] boost::asio::awaitable<bool> wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 5s);
// For checks that something does NOT happen: lets the io_context run for `d`.
[[nodiscard]] boost::asio::awaitable<void> pause(std::chrono::milliseconds d);

class http_client {
public:
    // `ca_file` empty: plain HTTP; otherwise TLS, the server checked against it and 127.0.0.1.
    http_client(boost::asio::io_context& io, std::uint16_t port, std::string ca_file = {});
    ~http_client();
    [[nodiscard]] boost::asio::awaitable<boost::system::error_code> connect();
    // On the open connection (keep-alive); ec set on timeout or when the server closed.
    [[nodiscard]] boost::asio::awaitable<http_result> request(std::string_view method, std::string_view target,
                                                              std::string_view body = {},
                                                              std::chrono::milliseconds timeout = 5s);
    void close();

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

class ws_test_client {
public:
    ws_test_client(boost::asio::io_context& io, std::uint16_t port, std::string ca_file = {});
    ~ws_test_client();
    // TCP (+TLS) and the upgrade. A refused upgrade gives ec and the server's status.
    [[nodiscard]] boost::asio::awaitable<http_result> connect(std::string_view target);
    // Starts the read loop that records messages, pongs and the end of the connection.
    void start_reading();
    [[nodiscard]] boost::asio::awaitable<boost::system::error_code> send(std::string_view text);
    [[nodiscard]] boost::asio::awaitable<boost::system::error_code> ping();
    [[nodiscard]] boost::asio::awaitable<boost::system::error_code> close();

    [[nodiscard]] const std::vector<std::string>& messages() const noexcept;
    [[nodiscard]] int pongs() const noexcept;
    [[nodiscard]] bool ended() const noexcept;
    [[nodiscard]] boost::system::error_code end_reason() const noexcept;
    [[nodiscard]] std::uint16_t close_code() const noexcept;  // from the server's close frame

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

}  // namespace tradebot::sim::server::test
