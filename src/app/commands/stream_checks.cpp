#include "app/commands/stream_checks.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "tradebot/exchange/api_credentials.hpp"
#include "tradebot/exchange/binance/client.hpp"
#include "tradebot/exchange/binance/user_stream.hpp"
#include "tradebot/exchange/signing.hpp"
#include "tradebot/net/ws_probe.hpp"

namespace tradebot::app::commands {

namespace asio = boost::asio;

namespace {

// Short: a stream that takes longer than this to upgrade and answer is not one to trade on.
constexpr std::chrono::milliseconds stream_probe_timeout{5000};
// A Bybit auth request stays valid this long (its `expires`).
constexpr std::int64_t stream_auth_validity_ms = 10'000;

// One configured URL and the conversation that shows it works.
struct stream_probe {
    std::string key;                    // ws_public_url, ws_market_url, ws_private_url
    std::string url;                    // what is connected to (may carry a listenKey)
    std::string shown;                  // the URL as the report prints it (never a listenKey)
    std::string route;                  // the path the URL must end with (exchange-apis.md)
    std::vector<std::string> requests;  // sent one at a time, each answer judged
    std::string what;                   // "SUBSCRIBE btcusdt@bookTicker", for the report
    std::string refused_fix;            // what to do when the venue refuses a request
};

asio::awaitable<net::ws_probe_result> stream_probe_run(std::string url, std::string ca_file,
                                                       std::vector<std::string> requests) {
    auto r = co_await net::probe_websocket(std::move(url), std::move(ca_file), std::move(requests),
                                           stream_probe_timeout);
    co_return r;
}

asio::awaitable<exchange::result<std::string>> stream_listen_key(exchange::binance::client& c) {
    auto r = co_await exchange::binance::create_listen_key(c.rest());
    co_return r;
}

// BTCUSDT, every venue's reference; else the venue's first instrument; empty when none is loaded.
std::string stream_symbol(const read_session::venue& v) {
    for (const auto& rules : v.instruments) {
        if (rules.symbol.str() == "BTCUSDT") {
            return "BTCUSDT";
        }
    }
    return v.instruments.empty() ? std::string{} : v.instruments.front().symbol.str();
}

std::string stream_lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string stream_binance_subscribe(const std::string& stream) {
    return boost::json::serialize(boost::json::object{
        {"method", "SUBSCRIBE"}, {"params", boost::json::array{boost::json::string{stream}}}, {"id", 1}});
}

std::string stream_bybit_op(const std::string& op, boost::json::array args) {
    return boost::json::serialize(
        boost::json::object{{"req_id", "tradebot-check"}, {"op", op}, {"args", std::move(args)}});
}

std::vector<stream_probe> stream_binance_probes(read_session& rs, const read_session::venue& v,
                                                finding_report& report) {
    const auto& es = rs.settings().exchange(v.id);
    const auto symbol = stream_lower(stream_symbol(v));
    const std::string route_fix =
        "check that exchanges.binance.%KEY% ends with the route that carries this stream (/public: book "
        "streams; /market: marks, trades, klines), then the venue's status page";
    std::vector<stream_probe> out;
    for (const auto& [key, url, route, stream] :
         {std::tuple{std::string{"ws_public_url"}, es.ws_public_url, std::string{"/public"}, symbol + "@bookTicker"},
          std::tuple{std::string{"ws_market_url"}, es.ws_market_url, std::string{"/market"}, symbol + "@markPrice"}}) {
        stream_probe p{key, url + "/ws", url, route, {}, {}, route_fix};
        p.refused_fix.replace(p.refused_fix.find("%KEY%"), 5, key);
        if (!symbol.empty()) {
            p.requests.push_back(stream_binance_subscribe(stream));
            p.what = "SUBSCRIBE " + stream;
        }
        out.push_back(std::move(p));
    }
    if (rs.settings().app.mode == core::mode::test || es.ws_private_url.empty()) {
        return out;
    }
    auto* binance = dynamic_cast<exchange::binance::client*>(v.client);
    if (binance == nullptr) {
        return out;
    }
    const auto key = rs.run(stream_listen_key(*binance));
    if (!key) {
        report.add("binance", "stream ws_private_url", finding_status::fail,
                   "no listenKey for the user data stream: " + key.error().describe(),
                   "check exchanges.binance.api_key (POST /fapi/v1/listenKey needs a futures-enabled key) and the "
                   "venue's status");
        return out;
    }
    out.push_back(stream_probe{"ws_private_url", es.ws_private_url + "/ws?listenKey=" + exchange::percent_encode(*key),
                               es.ws_private_url, "/private", {}, {}, {}});
    return out;
}

std::vector<stream_probe> stream_bybit_probes(read_session& rs, const read_session::venue& v) {
    const auto& es = rs.settings().exchange(v.id);
    const auto symbol = stream_symbol(v);
    std::vector<stream_probe> out;
    for (const auto& [key, url] : {std::pair{std::string{"ws_public_url"}, es.ws_public_url},
                                   std::pair{std::string{"ws_market_url"}, es.ws_market_url}}) {
        stream_probe p{key, url, url, "/v5/public/linear", {}, {},
                       "check that exchanges.bybit." + key + " is the linear public stream (ending /v5/public/linear) "
                       "and that the symbol is listed, then the venue's status page"};
        if (!symbol.empty()) {
            p.requests.push_back(
                stream_bybit_op("subscribe", boost::json::array{boost::json::string{"tickers." + symbol}}));
            p.what = "subscribe tickers." + symbol;
        }
        out.push_back(std::move(p));
    }
    if (rs.settings().app.mode == core::mode::test || es.ws_private_url.empty()) {
        return out;
    }
    const exchange::api_credentials creds{es.api_key, es.api_secret};
    const auto expires = rs.clock().now_ms() + stream_auth_validity_ms;
    out.push_back(stream_probe{
        "ws_private_url", es.ws_private_url, es.ws_private_url, "/v5/private",
        {stream_bybit_op("auth", boost::json::array{boost::json::string{creds.api_key()}, expires,
                                             boost::json::string{exchange::bybit_ws_auth_signature(creds, expires)}}),
         stream_bybit_op("subscribe", boost::json::array{boost::json::string{"order"}})},
        "auth and subscribe order",
        "check exchanges.bybit.api_key/api_secret (the auth is signed with them) and the host clock (the auth "
        "carries an expiry), then the venue's status page"});
    return out;
}

void stream_finding(const std::string& venue, const stream_probe& p, const net::ws_probe_result& r,
                    core::exchange_id id, finding_report& report) {
    const auto name = "stream " + p.key;
    const auto setting = "exchanges." + venue + "." + p.key;
    switch (r.stage) {
        case net::ws_probe_stage::connect:
        case net::ws_probe_stage::tls:
            report.add(venue, name, finding_status::fail,
                       p.shown + " not reachable (" + std::string{net::to_string(r.stage)} + "): " + r.error.message(),
                       "check " + setting + ", DNS, the firewall (outbound 443) and ca_file");
            return;
        case net::ws_probe_stage::upgrade:
            report.add(venue, name, finding_status::fail,
                       p.shown + ": WebSocket upgrade refused" +
                           (r.upgrade_status != 0 ? " (HTTP " + std::to_string(r.upgrade_status) + ")"
                                                  : std::string{}) +
                           ": " + r.error.message(),
                       "check that " + setting + " is the venue's stream URL ending with " + p.route +
                           (p.key == "ws_private_url" && id == core::exchange_id::binance
                                ? " (an unknown listenKey is refused too)"
                                : ""));
            return;
        case net::ws_probe_stage::reply:
            report.add(venue, name, finding_status::fail,
                       p.shown + ": upgraded, but no answer to " + p.what + " within " +
                           std::to_string(stream_probe_timeout.count() / 1000) + " s: " + r.error.message(),
                       "the venue (or a proxy in between) accepts the connection and says nothing: check the venue's "
                       "status page and any proxy");
            return;
        case net::ws_probe_stage::done: break;
    }
    for (const auto& answer : r.replies) {
        if (auto refusal = stream_refusal(id, answer); !refusal.empty()) {
            report.add(venue, name, finding_status::fail, p.shown + ": " + p.what + " refused: " + refusal,
                       p.refused_fix);
            return;
        }
    }
    report.add(venue, name, finding_status::ok,
               p.shown + ": upgraded" +
                   (p.what.empty() ? std::string{" with a fresh listenKey"} : ", " + p.what + " acknowledged"));
}

}  // namespace

std::string stream_refusal(core::exchange_id venue, const std::string& frame) {
    boost::system::error_code ec;
    const auto v = boost::json::parse(frame, ec);
    const auto* o = ec ? nullptr : v.if_object();
    const auto raw = "unexpected answer " + frame.substr(0, 200);
    if (o == nullptr) {
        return raw;
    }
    if (venue == core::exchange_id::bybit) {
        const auto* ok = o->if_contains("success");
        if (ok != nullptr && ok->is_bool() && ok->as_bool()) {
            return {};
        }
        const auto* msg = o->if_contains("ret_msg");
        return msg != nullptr && msg->is_string() && !msg->as_string().empty() ? std::string{msg->as_string()} : raw;
    }
    if (o->contains("result") && o->contains("id")) {
        return {};
    }
    const auto* code = o->if_contains("code");
    const auto* msg = o->if_contains("msg");
    if (code != nullptr && msg != nullptr && msg->is_string()) {
        return "code " + boost::json::serialize(*code) + ": " + std::string{msg->as_string()};
    }
    return raw;
}

void stream_findings(read_session& rs, finding_report& report) {
    for (auto& v : rs.open_venues(std::nullopt)) {
        const auto venue = std::string{core::to_string(v.id)};
        const auto& es = rs.settings().exchange(v.id);
        const auto probes =
            v.id == core::exchange_id::binance ? stream_binance_probes(rs, v, report) : stream_bybit_probes(rs, v);
        for (const auto& p : probes) {
            if (p.shown.empty()) {
                continue;
            }
            const auto r = rs.run(stream_probe_run(p.url, es.ca_file.string(), p.requests));
            stream_finding(venue, p, r, v.id, report);
        }
    }
}

}  // namespace tradebot::app::commands
