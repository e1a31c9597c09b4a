// Our HTTP request handling, from raw bytes: what net::serve_http does with a connection's bytes
// (Beast's request_parser with the servers' header and body limits, then to_http_request), and
// what the monitoring server and the control endpoint do with the request (routing, the bearer
// token check), then the answer as it is written (to_beast_response, serialized). Keep-alive:
// the bytes may hold several requests, parsed one after another as the loop does. Properties:
// nothing throws, every answer has a status the writer accepts, and a request that routes to
// a known path has that path before its query.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <prometheus/registry.h>

#include "fuzz_check.hpp"
#include "tradebot/control/server.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/monitoring/health.hpp"
#include "tradebot/monitoring/server.hpp"
#include "tradebot/net/http_session.hpp"

namespace {

namespace fuzz = tradebot::fuzz;
namespace http = boost::beast::http;
namespace net = tradebot::net;

// The limits both servers give serve_http (http_server_options, control/server.cpp).
constexpr std::size_t header_limit = 8 * 1024;
constexpr std::size_t body_limit = 64 * 1024;
constexpr std::size_t requests_per_input = 4;

struct daemon_face {
    boost::asio::io_context io;
    tradebot::core::manual_clock clock;
    prometheus::Registry registry;
    tradebot::monitoring::health health{clock};
    tradebot::monitoring::server monitoring{
        io, {.http = {}, .version = "0.0.0-fuzz", .mode = tradebot::core::mode::test}, registry, health, clock};
};

// One request from the front of `rest`, as serve_http's reads would give it; false when the bytes
// end before a whole request, or the parser refuses them (the loop answers 400/413/431 and closes).
bool next_request(std::string_view& rest, net::beast_request& out) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(header_limit));
    parser.body_limit(body_limit);
    parser.eager(true);
    boost::system::error_code ec;
    while (!parser.is_done()) {
        if (rest.empty()) {
            if (!parser.got_some()) {
                return false;  // nothing of a request: the loop's idle read would just end
            }
            parser.put_eof(ec);  // the client closed: a body that runs to the end is complete
            if (ec || !parser.is_done()) {
                return false;
            }
            break;
        }
        const auto used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
        if (ec == http::error::need_more) {
            // Beast wants the rest of the header in the same buffer; there is no more.
            return false;
        }
        if (ec) {
            return false;
        }
        rest.remove_prefix(used);
        if (used == 0 && !parser.is_done()) {
            return false;
        }
    }
    out = parser.release();
    return true;
}

void answer(daemon_face& face, net::beast_request& message) {
    const bool head = message.method() == http::verb::head;
    const auto version = message.version();
    const bool keep_alive = message.keep_alive();
    auto request = net::to_http_request(message, true);
    fuzz::check(request.target.substr(0, request.path().size()) == request.path(), "path() is not a prefix of target");
    if (const auto auth = request.header("authorization")) {
        (void)tradebot::control::authorized(*auth, "fuzz-token-0123456789");
    }
    auto response = face.monitoring.handle(request);
    fuzz::check(response.status >= 100 && response.status <= 599, "an answer with a status Beast cannot write");
    auto written = net::to_beast_response(std::move(response), version, keep_alive, head, "tradebot");
    std::ostringstream wire;
    wire << written;
    fuzz::check(!wire.str().empty(), "an empty answer");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static daemon_face face;
    std::string_view rest = fuzz::as_text(data, size);
    for (std::size_t i = 0; i < requests_per_input; ++i) {
        net::beast_request message;
        if (!next_request(rest, message)) {
            break;
        }
        answer(face, message);
        if (!message.keep_alive()) {
            break;
        }
    }
    return 0;
}
