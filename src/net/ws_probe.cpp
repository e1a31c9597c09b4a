#include "tradebot/net/ws_probe.hpp"

#include <string>
#include <type_traits>
#include <utility>

#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "tradebot/net/client_errc.hpp"
#include "tradebot/net/use_nothrow.hpp"

#include "tcp_connect.hpp"
#include "tls_util.hpp"
#include "url_parts.hpp"

namespace tradebot::net {

namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = boost::asio::ssl;
using probe_clock = std::chrono::steady_clock;

using probe_plain_ws = websocket::stream<beast::tcp_stream>;
using probe_tls_ws = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

boost::system::error_code probe_timeout_or(const boost::system::error_code& ec) {
    return ec == beast::error::timeout ? make_error_code(client_errc::timeout_before_send) : ec;
}

// The whole conversation runs under one deadline, kept on the TCP layer: the WebSocket layer's
// own timers stay off (a probe has no idle phase to police).
template <class Stream>
boost::asio::awaitable<ws_probe_result> probe_converse(Stream& ws, const url_parts& origin,
                                                       const std::vector<std::string>& requests,
                                                       probe_clock::time_point deadline) {
    ws_probe_result r;
    auto& lowest = beast::get_lowest_layer(ws);
    if (auto ec = co_await connect_tcp(lowest, origin, deadline); ec) {
        r.error = ec;
        co_return r;
    }
    if constexpr (std::is_same_v<Stream, probe_tls_ws>) {
        r.stage = ws_probe_stage::tls;
        if (!prepare_client_tls(ws.next_layer().native_handle(), origin.host, origin.host_is_ip, true)) {
            r.error = make_error_code(client_errc::tls_handshake_failed);
            co_return r;
        }
        lowest.expires_at(deadline);
        if (auto [ec] = co_await ws.next_layer().async_handshake(ssl::stream_base::client, use_nothrow); ec) {
            r.error = ec == beast::error::timeout ? make_error_code(client_errc::timeout_before_send)
                                                  : make_error_code(client_errc::tls_handshake_failed);
            co_return r;
        }
    }
    r.stage = ws_probe_stage::upgrade;
    websocket::response_type answer;
    // Named before the co_await: GCC 12 destroys a conditional's temporary inside a co_await twice.
    const std::string host = origin.host_header();
    const std::string target = origin.path.empty() ? std::string{"/"} : origin.path;
    lowest.expires_at(deadline);
    if (auto [ec] = co_await ws.async_handshake(answer, host, target, use_nothrow); ec) {
        r.error = probe_timeout_or(ec);
        r.upgrade_status = answer.result_int() == 101 ? 0 : answer.result_int();
        co_return r;
    }
    r.stage = ws_probe_stage::reply;
    for (const auto& request : requests) {
        ws.text(true);
        lowest.expires_at(deadline);
        if (auto [ec, n] = co_await ws.async_write(boost::asio::buffer(request), use_nothrow); ec) {
            r.error = probe_timeout_or(ec);
            co_return r;
        }
        beast::flat_buffer frame;
        lowest.expires_at(deadline);
        if (auto [ec, n] = co_await ws.async_read(frame, use_nothrow); ec) {
            r.error = probe_timeout_or(ec);
            co_return r;
        }
        r.replies.push_back(beast::buffers_to_string(frame.data()));
    }
    r.stage = ws_probe_stage::done;
    lowest.expires_at(probe_clock::now() + std::chrono::milliseconds{500});
    (void)co_await ws.async_close(websocket::close_code::normal, use_nothrow);
    co_return r;
}

}  // namespace

std::string_view to_string(ws_probe_stage s) noexcept {
    switch (s) {
        case ws_probe_stage::connect: return "connect";
        case ws_probe_stage::tls: return "tls";
        case ws_probe_stage::upgrade: return "upgrade";
        case ws_probe_stage::reply: return "reply";
        case ws_probe_stage::done: return "done";
    }
    return "unknown";
}

boost::asio::awaitable<ws_probe_result> probe_websocket(std::string url, std::string ca_file,
                                                        std::vector<std::string> requests,
                                                        std::chrono::milliseconds timeout) {
    const auto deadline = probe_clock::now() + timeout;
    auto origin = parse_url(url, true);
    if (!origin) {
        ws_probe_result r;
        r.error = origin.error();
        co_return r;
    }
    const auto ex = co_await boost::asio::this_coro::executor;
    if (!origin->tls) {
        probe_plain_ws ws{ex};
        co_return co_await probe_converse(ws, *origin, requests, deadline);
    }
    boost::asio::ssl::context ctx{boost::asio::ssl::context::tls_client};
    if (auto ec = configure_client_tls(ctx, true, ca_file); ec) {
        ws_probe_result r;
        r.stage = ws_probe_stage::tls;
        r.error = ec;
        co_return r;
    }
    probe_tls_ws ws{ex, ctx};
    co_return co_await probe_converse(ws, *origin, requests, deadline);
}

}  // namespace tradebot::net
