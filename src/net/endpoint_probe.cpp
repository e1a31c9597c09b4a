#include "tradebot/net/endpoint_probe.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl.hpp>

#include "tradebot/net/client_errc.hpp"
#include "tradebot/net/use_nothrow.hpp"

#include "tcp_connect.hpp"
#include "tls_util.hpp"
#include "url_parts.hpp"

namespace tradebot::net {

boost::asio::awaitable<boost::system::error_code> probe_endpoint(
    std::string url, std::string ca_file, std::chrono::milliseconds timeout) {
    namespace ssl = boost::asio::ssl;
    const bool web_socket = url.starts_with("ws");
    auto origin = parse_url(url, web_socket);
    if (!origin) {
        co_return origin.error();
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const auto ex = co_await boost::asio::this_coro::executor;
    if (!origin->tls) {
        boost::beast::tcp_stream plain{ex};
        co_return co_await connect_tcp(plain, *origin, deadline);
    }
    ssl::context ctx{ssl::context::tls_client};
    if (auto ec = configure_client_tls(ctx, true, ca_file); ec) {
        co_return ec;
    }
    boost::beast::ssl_stream<boost::beast::tcp_stream> stream{ex, ctx};
    auto& tcp = boost::beast::get_lowest_layer(stream);
    if (auto ec = co_await connect_tcp(tcp, *origin, deadline); ec) {
        co_return ec;
    }
    if (!prepare_client_tls(stream.native_handle(), origin->host, origin->host_is_ip, true)) {
        co_return make_error_code(client_errc::tls_handshake_failed);
    }
    tcp.expires_at(deadline);
    auto [ec] = co_await stream.async_handshake(ssl::stream_base::client, use_nothrow);
    tcp.close();
    co_return ec ? make_error_code(client_errc::tls_handshake_failed) : boost::system::error_code{};
}

}  // namespace tradebot::net
