#include "tcp_connect.hpp"

#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

#include "tradebot/net/client_errc.hpp"
#include "tradebot/net/use_nothrow.hpp"

namespace tradebot::net {

namespace asio = boost::asio;
namespace {
// Anonymous like https_client.cpp's and server_core.cpp's: one alias in a unity batch (clang's
// -Wshadow reports a namespace-level one that follows them).
using tcp = asio::ip::tcp;
}  // namespace
using boost::system::error_code;

asio::awaitable<error_code> connect_tcp(boost::beast::tcp_stream& stream, const url_parts& origin,
                                        std::chrono::steady_clock::time_point deadline) {
    if (deadline <= std::chrono::steady_clock::now()) {
        co_return make_error_code(client_errc::timeout_before_send);
    }
    std::vector<tcp::endpoint> endpoints;
    if (origin.host_is_ip) {
        endpoints.emplace_back(asio::ip::make_address(origin.host), origin.port);
    } else {
        tcp::resolver resolver{stream.get_executor()};
        // The resolver has no timeout of its own; a timer cancels it.
        asio::steady_timer guard{stream.get_executor(), deadline};
        guard.async_wait([&resolver](error_code ec) {
            if (!ec) {
                resolver.cancel();
            }
        });
        auto [ec, results] = co_await resolver.async_resolve(origin.host, std::to_string(origin.port), use_nothrow);
        guard.cancel();
        if (ec) {
            co_return make_error_code(ec == asio::error::operation_aborted ? client_errc::timeout_before_send
                                                                            : client_errc::connect_failed);
        }
        for (const auto& entry : results) {
            endpoints.push_back(entry.endpoint());
        }
    }
    stream.expires_at(deadline);
    auto [ec, endpoint] = co_await stream.async_connect(endpoints, use_nothrow);
    stream.expires_never();
    if (ec) {
        co_return make_error_code(ec == boost::beast::error::timeout ? client_errc::timeout_before_send
                                                                     : client_errc::connect_failed);
    }
    error_code ignored;
    // Small request/response exchanges and stream frames: Nagle would only add latency.
    stream.socket().set_option(tcp::no_delay{true}, ignored);
    co_return error_code{};
}

}  // namespace tradebot::net
