#include "tradebot/exchange/signing.hpp"

#include <array>

#include "tradebot/exchange/hmac.hpp"

namespace tradebot::exchange {

std::string percent_encode(std::string_view text) {
    static constexpr std::array<char, 16> hex{'0', '1', '2', '3', '4', '5', '6', '7',
                                              '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '_' || c == '.' || c == '~';
        if (unreserved) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4U]);
            out.push_back(hex[c & 0x0FU]);
        }
    }
    return out;
}

std::string binance_signature(const api_credentials& creds, std::string_view query, std::string_view body) {
    std::string payload;
    payload.reserve(query.size() + body.size());
    payload.append(query).append(body);
    return hmac_sha256_hex(creds.reveal_secret(), payload);
}

std::string binance_signed_query(const api_credentials& creds, std::string_view query, std::string_view body) {
    std::string out{query};
    if (!out.empty()) {
        out.push_back('&');
    }
    out.append("signature=").append(binance_signature(creds, query, body));
    return out;
}

std::string bybit_signature(const api_credentials& creds, std::int64_t timestamp_ms, std::int64_t recv_window_ms,
                            std::string_view payload) {
    std::string text = std::to_string(timestamp_ms);
    text.append(creds.api_key()).append(std::to_string(recv_window_ms)).append(payload);
    return hmac_sha256_hex(creds.reveal_secret(), text);
}

std::string bybit_ws_auth_signature(const api_credentials& creds, std::int64_t expires_ms) {
    return hmac_sha256_hex(creds.reveal_secret(), "GET/realtime" + std::to_string(expires_ms));
}

}  // namespace tradebot::exchange
