// venue_client is an interface; this unit keeps its header self-contained and compiled.
#include "tradebot/exchange/venue_client.hpp"

namespace tradebot::exchange {

namespace {

// What a venue without the optional request answers: its caller's request does not apply here.
error venue_client_not_offered(core::exchange_id venue, const char* what) {
    error e;
    e.kind = error_kind::invalid_request;
    e.venue = venue;
    e.message = what;
    return e;
}

}  // namespace

std::optional<core::decimal> change_percent(core::decimal open, core::decimal close) {
    if (!open.is_positive()) {
        return std::nullopt;
    }
    return ((close - open) * core::decimal::from_int(100)).divide(open, 4, core::rounding::half_even);
}

venue_client::task<std::optional<core::decimal>> venue_client::max_notional(core::symbol /*symbol*/,
                                                                           int /*leverage*/) {
    co_return std::optional<core::decimal>{};
}

venue_client::task<account_setup_state> venue_client::account_setup() {
    co_return venue_client_not_offered(venue(), "account setup is not readable on this venue");
}

venue_client::task<std::vector<symbol_setting>> venue_client::symbol_settings(request_priority) {
    co_return venue_client_not_offered(venue(), "symbol settings are not readable in one request on this venue");
}

venue_client::task<void> venue_client::preload_limits(request_priority) { co_return result<void>{}; }

venue_client::task<std::vector<book_top_state>> venue_client::book_tops(request_priority) {
    co_return venue_client_not_offered(venue(), "no order book on this venue");
}

venue_client::task<book_top_state> venue_client::book_top(core::symbol, request_priority) {
    co_return venue_client_not_offered(venue(), "no order book on this venue");
}

}  // namespace tradebot::exchange
