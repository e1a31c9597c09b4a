#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tradebot/exchange/api_credentials.hpp"

namespace tradebot::exchange {

// Both venues sign the query as it is sent, so every value in it is percent-encoded one way: RFC
// 3986 unreserved characters pass, everything else is %XX (upper-case hex), as the official
// Binance connector's encodeURIComponent does for the characters our values can contain (§A2).
[[nodiscard]] std::string percent_encode(std::string_view text);

// Binance (fapi) HMAC signature: HMAC-SHA256 over the exact bytes sent, the query string (without
// '?') followed directly by the form body, with no '&' between them. The caller builds both
// already percent-encoded and appends `&signature=<hex>` as the last query parameter.
[[nodiscard]] std::string binance_signature(const api_credentials& creds, std::string_view query,
                                            std::string_view body = {});

// `query` + "&signature=" + binance_signature(query, body): the query string to send.
[[nodiscard]] std::string binance_signed_query(const api_credentials& creds, std::string_view query,
                                               std::string_view body = {});

// Bybit V5 HMAC signature for the X-BAPI-SIGN header: HMAC-SHA256 over
// timestamp + apiKey + recvWindow + payload, where payload is the query string as sent (GET) or
// the exact JSON body bytes (POST). Sign the bytes you send; never re-serialise after signing.
[[nodiscard]] std::string bybit_signature(const api_credentials& creds, std::int64_t timestamp_ms,
                                          std::int64_t recv_window_ms, std::string_view payload);

// Bybit private WebSocket auth: HMAC-SHA256 over "GET/realtime" + expires (ms).
[[nodiscard]] std::string bybit_ws_auth_signature(const api_credentials& creds, std::int64_t expires_ms);

}  // namespace tradebot::exchange
