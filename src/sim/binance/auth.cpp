#include "sim/binance/auth.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "tradebot/sim/wire/hmac.hpp"

namespace tradebot::sim::binance {

namespace {

constexpr std::int64_t default_recv_window = 5000;
// [U] SDK schemas give 60000 as the maximum; over it we answer -1130 for recvWindow.
constexpr std::int64_t max_recv_window = 60000;

std::optional<std::int64_t> to_int(std::string_view s) {
    std::int64_t v = 0;
    const auto* end = s.data() + s.size();
    const auto [p, ec] = std::from_chars(s.data(), end, v);
    if (ec != std::errc{} || p != end || s.empty()) {
        return std::nullopt;
    }
    return v;
}

// Splits "a=1&b=2&signature=x" into ("a=1&b=2", "x") when signature is the last parameter.
std::optional<std::pair<std::string_view, std::string_view>> split_signature(std::string_view raw) {
    constexpr std::string_view key = "signature=";
    const auto amp = raw.rfind('&');
    const std::string_view last = amp == std::string_view::npos ? raw : raw.substr(amp + 1);
    if (!last.starts_with(key)) {
        return std::nullopt;
    }
    const std::string_view rest = amp == std::string_view::npos ? std::string_view{} : raw.substr(0, amp);
    return std::pair{rest, last.substr(key.size())};
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

std::optional<wire::reply> authenticate(const context& ctx, call& c, security level) {
    if (level == security::none) {
        return std::nullopt;
    }
    const auto key = c.request.header("X-MBX-APIKEY");
    if (!key || key->empty()) {
        // [U] HTTP 401 for -2014 as for -2015.
        return error_reply(401, -2014, "API-key format invalid.");
    }
    const auto secret = ctx.secrets.find(std::string{*key});
    if (secret == ctx.secrets.end()) {
        return error_reply(401, -2015, "Invalid API-key, IP, or permissions for action.");
    }
    c.account = secret->first;
    if (level == security::api_key) {
        return std::nullopt;
    }
    const auto ts_text = param(c, "timestamp");
    const auto ts = ts_text ? to_int(*ts_text) : std::nullopt;
    if (!ts) {
        return mandatory_missing("timestamp");
    }
    std::int64_t recv_window = default_recv_window;
    if (const auto rw = param(c, "recvWindow")) {
        const auto v = to_int(*rw);
        if (!v || *v <= 0 || *v > max_recv_window) {
            return invalid_param("recvWindow");
        }
        recv_window = *v;
    }
    const std::int64_t server = ctx.server_ms();
    if (*ts >= server + 1000) {
        return error_reply(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.");
    }
    if (server - *ts > recv_window) {
        return error_reply(400, -1021, "Timestamp for this request is outside of the recvWindow.");
    }
    const std::string_view query = wire::query_of(c.request.target);
    const std::string_view body = c.request.body;
    std::string_view signed_query = query;
    std::string_view signed_body = body;
    std::string_view signature;
    if (auto q = split_signature(query)) {
        signed_query = q->first;
        signature = q->second;
    } else if (auto b = split_signature(body)) {
        signed_body = b->first;
        signature = b->second;
    } else if (c.params.has("signature")) {
        // [U] a signature that is not the last parameter: the venue hashes a different string.
        return error_reply(400, -1022, "Signature for this request is not valid.");
    } else {
        return mandatory_missing("signature");
    }
    // §A2: the venue hashes the query as sent followed directly by the body, with no '&' between.
    const std::string expected =
        wire::hmac_sha256_hex(secret->second, std::string{signed_query} + std::string{signed_body});
    if (!iequals(expected, signature)) {
        return error_reply(400, -1022, "Signature for this request is not valid.");
    }
    // [U] a key without futures trading permission: the venue answers -2015 to a request that
    // would change the account; reads pass.
    if (c.request.method != "GET") {
        const auto* account = ctx.ex.find_account(secret->first);
        if (account != nullptr && account->config().read_only) {
            return error_reply(401, -2015, "Invalid API-key, IP, or permissions for action.");
        }
    }
    return std::nullopt;
}

}  // namespace tradebot::sim::binance
