#pragma once

// A plain Beast client for the HTTP server tests. Every operation has a deadline, so a server
// bug shows up as a failed assertion, not a hung test.
#include <array>
#include <chrono>
#include <string>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "tradebot/net/http_server.hpp"

namespace tradebot::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

using response = http::response<http::string_body>;

inline asio::ip::tcp::endpoint to_asio(const net::http_endpoint& ep) {
    return {asio::ip::make_address(ep.address), ep.port};
}

class test_client {
public:
    static constexpr std::chrono::seconds deadline{5};

    explicit test_client(const net::http_endpoint& ep) : stream_{ioc_} { ec_connect_ = connect(ep); }
    // Connects from `source` (e.g. "127.0.0.2": all of 127/8 is loopback), so one test can play
    // several clients of the server's per-client limit.
    test_client(const net::http_endpoint& ep, const std::string& source) : stream_{ioc_} {
        auto& socket = stream_.socket();
        socket.open(asio::ip::tcp::v4(), ec_connect_);
        if (!ec_connect_) {
            socket.bind({asio::ip::make_address(source), 0}, ec_connect_);
        }
        if (!ec_connect_) {
            ec_connect_ = connect(ep);
        }
    }

    [[nodiscard]] boost::system::error_code connect_error() const { return ec_connect_; }

    // Sends one request and reads one response (ec set on failure).
    std::pair<boost::system::error_code, response> send(http::request<http::string_body> request) {
        request.prepare_payload();
        const bool head = request.method() == http::verb::head;
        return run([this, head](http::request<http::string_body> req)
                       -> asio::awaitable<std::pair<boost::system::error_code, response>> {
            stream_.expires_after(deadline);
            auto [wec, wn] = co_await http::async_write(stream_, req, asio::as_tuple(asio::use_awaitable));
            if (wec) {
                co_return std::pair{wec, response{}};
            }
            co_return co_await read_one(head);
        }(std::move(request)));
    }

    std::pair<boost::system::error_code, response> get(std::string target,
                                                       http::verb method = http::verb::get) {
        http::request<http::string_body> request{method, target, 11};
        request.set(http::field::host, "localhost");
        return send(std::move(request));
    }

    // Reads one response (to a request sent with write_raw).
    std::pair<boost::system::error_code, response> read() { return run(read_one(false)); }

    boost::system::error_code write_raw(std::string bytes) {
        return run([this](std::string data) -> asio::awaitable<boost::system::error_code> {
            stream_.expires_after(deadline);
            auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(data), asio::as_tuple(asio::use_awaitable));
            co_return ec;
        }(std::move(bytes)));
    }

    struct drained {
        std::string data;
        boost::system::error_code ec;  // eof (or reset) when the server closed; timeout when it did not
        std::chrono::milliseconds elapsed{};
    };

    // Reads until the server closes the connection or `limit` passes.
    drained read_until_closed(std::chrono::milliseconds limit = deadline) {
        return run([this, limit]() -> asio::awaitable<drained> {
            drained out;
            const auto start = std::chrono::steady_clock::now();
            out.data.assign(static_cast<const char*>(buffer_.data().data()), buffer_.size());
            buffer_.consume(buffer_.size());
            stream_.expires_after(limit);
            for (;;) {
                std::array<char, 4096> chunk{};
                auto [ec, n] = co_await stream_.async_read_some(asio::buffer(chunk), asio::as_tuple(asio::use_awaitable));
                out.data.append(chunk.data(), n);
                if (ec) {
                    out.ec = ec;
                    break;
                }
            }
            out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
            co_return out;
        }());
    }

private:
    boost::system::error_code connect(const net::http_endpoint& ep) {
        return run([this](asio::ip::tcp::endpoint target) -> asio::awaitable<boost::system::error_code> {
            stream_.expires_after(deadline);
            auto [ec] = co_await stream_.async_connect(target, asio::as_tuple(asio::use_awaitable));
            co_return ec;
        }(to_asio(ep)));
    }

    asio::awaitable<std::pair<boost::system::error_code, response>> read_one(bool head) {
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        parser.skip(head);
        stream_.expires_after(deadline);
        auto [ec, n] = co_await http::async_read(stream_, buffer_, parser, asio::as_tuple(asio::use_awaitable));
        co_return std::pair{ec, parser.release()};
    }

    template <class T>
    T run(asio::awaitable<T> op) {
        auto result = asio::co_spawn(ioc_, std::move(op), asio::use_future);
        ioc_.restart();
        ioc_.run();
        return result.get();
    }

    asio::io_context ioc_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    boost::system::error_code ec_connect_;
};

}  // namespace tradebot::test
