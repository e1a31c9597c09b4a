#pragma once

#include <cstdint>
#include <type_traits>

#include <boost/system/error_code.hpp>

namespace tradebot::net {

// Why a client request or connection failed. The split between "before send" and "after send"
// matters to the trading core: after the request bytes left this process the venue may have
// accepted an order, so the outcome is unknown and must be reconciled by client order id, never
// retried blindly (see outcome_unknown()).
enum class client_errc : std::uint8_t {
    invalid_url = 1,             // the base URL could not be parsed or has an unsupported scheme
    invalid_request,             // unknown HTTP method or malformed header in the request
    connect_failed,              // resolve or TCP connect failed (refused, unreachable, no address)
    tls_handshake_failed,        // TLS handshake failed, including certificate verification
    timeout_before_send,         // the deadline passed before any request byte was written
    connection_lost_before_send, // the connection broke before any request byte was written
    timeout_after_send,          // the request was (at least partly) written, no complete answer in time
    connection_lost_after_send,  // the connection broke after the request was (at least partly) written
    bad_response,                // the answer was not valid HTTP
    response_too_large,          // the answer exceeded the configured header or body limit
    shut_down,                   // the client was stopped
    stream_stalled,              // WebSocket: no data frame within the stall timeout
    connection_aged,             // WebSocket: planned reconnect before the venue's maximum connection age
    reconnect_requested,         // WebSocket: reconnect() was called
    internal_error,              // an unexpected exception inside the client
};

[[nodiscard]] const boost::system::error_category& client_category() noexcept;

[[nodiscard]] inline boost::system::error_code make_error_code(client_errc e) noexcept {
    return {static_cast<int>(e), client_category()};
}

// True when the request may have reached the server: its effect (e.g. a new order) is unknown.
[[nodiscard]] bool outcome_unknown(const boost::system::error_code& ec) noexcept;

}  // namespace tradebot::net

template <>
struct boost::system::is_error_code_enum<tradebot::net::client_errc> : std::true_type {};
