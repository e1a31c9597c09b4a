#include "tradebot/net/client_errc.hpp"

#include <string>

namespace tradebot::net {
namespace {

// boost::system::error_category has a public non-virtual destructor by design (categories are
// static singletons, never deleted through a base pointer).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class client_category_impl final : public boost::system::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "tradebot.net.client"; }

    [[nodiscard]] std::string message(int ev) const override {
        switch (static_cast<client_errc>(ev)) {
        case client_errc::invalid_url: return "invalid URL";
        case client_errc::invalid_request: return "invalid request";
        case client_errc::connect_failed: return "connect failed";
        case client_errc::tls_handshake_failed: return "TLS handshake failed";
        case client_errc::timeout_before_send: return "timed out before the request was sent";
        case client_errc::connection_lost_before_send: return "connection lost before the request was sent";
        case client_errc::timeout_after_send: return "timed out after the request was sent (outcome unknown)";
        case client_errc::connection_lost_after_send:
            return "connection lost after the request was sent (outcome unknown)";
        case client_errc::bad_response: return "malformed HTTP response (outcome unknown)";
        case client_errc::response_too_large: return "response exceeds the size limit (outcome unknown)";
        case client_errc::shut_down: return "client shut down";
        case client_errc::stream_stalled: return "stream stalled: no data within the stall timeout";
        case client_errc::connection_aged: return "planned reconnect: connection reached its maximum age";
        case client_errc::reconnect_requested: return "reconnect requested";
        case client_errc::internal_error: return "internal error in the network client";
        }
        return "unknown client error " + std::to_string(ev);
    }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& client_category() noexcept {
    static const client_category_impl instance;
    return instance;
}

bool outcome_unknown(const boost::system::error_code& ec) noexcept {
    return ec == client_errc::timeout_after_send || ec == client_errc::connection_lost_after_send ||
           ec == client_errc::bad_response || ec == client_errc::response_too_large;
}

}  // namespace tradebot::net
