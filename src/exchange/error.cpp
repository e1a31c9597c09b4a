#include "tradebot/exchange/error.hpp"

#include <array>
#include <charconv>
#include <utility>

#include <boost/throw_exception.hpp>
#include <fmt/format.h>

#include "tradebot/net/client_errc.hpp"

namespace tradebot::exchange {
namespace {

using k = error_kind;

struct code_entry {
    int code;
    error_kind kind;
};

// Binance USDⓈ-M codes, exchange-apis.md §A4 table (and §A3 for -1008, Appendix A of
// original-bot.md for -4140). Codes marked [U] are not in the reference; they are Binance's
// long-standing generic codes and are classified conservatively.
constexpr std::array binance_codes{
    code_entry{-1000, k::unknown_outcome},  // UNKNOWN: whether it executed is not said [U]
    code_entry{-1001, k::retryable},        // DISCONNECTED "Internal error ... try again" [U]
    code_entry{-1002, k::auth},             // UNAUTHORIZED [U]
    code_entry{-1003, k::rate_limited},     // TOO_MANY_REQUESTS (429/418)
    code_entry{-1006, k::unknown_outcome},  // UNEXPECTED_RESP "execution status unknown" [U]
    code_entry{-1007, k::unknown_outcome},  // TIMEOUT "execution status unknown" [U]
    code_entry{-1008, k::retryable},        // throttled by system protection: failed (§A3)
    code_entry{-1013, k::invalid_request},  // generic filter failure
    code_entry{-1015, k::rate_limited},     // TOO_MANY_ORDERS (ORDERS counters)
    code_entry{-1021, k::clock_skew},
    code_entry{-1022, k::auth},  // INVALID_SIGNATURE
    code_entry{-1100, k::invalid_request},
    code_entry{-1101, k::invalid_request},
    code_entry{-1102, k::invalid_request},
    code_entry{-1103, k::invalid_request},
    code_entry{-1106, k::invalid_request},
    code_entry{-1111, k::invalid_request},  // BAD_PRECISION
    code_entry{-1114, k::invalid_request},
    code_entry{-1115, k::invalid_request},
    code_entry{-1116, k::invalid_request},
    code_entry{-1117, k::invalid_request},
    code_entry{-1121, k::invalid_request},  // BAD_SYMBOL
    code_entry{-1125, k::invalid_request},  // INVALID_LISTEN_KEY: the stream code acts on the code
    code_entry{-1128, k::invalid_request},
    code_entry{-1130, k::invalid_request},
    code_entry{-2010, k::invalid_request},  // NEW_ORDER_REJECTED (generic)
    code_entry{-2011, k::unknown_order},    // CANCEL_REJECTED "Unknown order sent."
    code_entry{-2013, k::unknown_order},    // NO_SUCH_ORDER
    code_entry{-2014, k::auth},
    code_entry{-2015, k::auth},
    code_entry{-2018, k::insufficient_margin},
    code_entry{-2019, k::insufficient_margin},
    code_entry{-2020, k::invalid_request},  // UNABLE_TO_FILL
    code_entry{-2021, k::would_trigger_immediately},
    code_entry{-2022, k::reduce_only_rejected},
    code_entry{-2024, k::reduce_only_rejected},  // POSITION_NOT_SUFFICIENT: reduce beyond position [U]
    code_entry{-2025, k::invalid_request},       // MAX_OPEN_ORDER_EXCEEDED
    code_entry{-2026, k::invalid_request},
    code_entry{-2027, k::invalid_request},  // max position at this leverage: a sizing problem
    code_entry{-2028, k::invalid_request},
    code_entry{-4002, k::invalid_request},
    code_entry{-4003, k::invalid_request},
    code_entry{-4004, k::invalid_request},
    code_entry{-4005, k::invalid_request},
    code_entry{-4013, k::invalid_request},
    code_entry{-4014, k::invalid_request},
    code_entry{-4015, k::invalid_request},
    code_entry{-4016, k::invalid_request},
    code_entry{-4023, k::invalid_request},
    code_entry{-4024, k::invalid_request},
    code_entry{-4028, k::invalid_request},
    code_entry{-4046, k::no_change},  // NO_NEED_TO_CHANGE_MARGIN_TYPE
    code_entry{-4047, k::invalid_request},
    code_entry{-4048, k::invalid_request},
    code_entry{-4059, k::no_change},  // NO_NEED_TO_CHANGE_POSITION_SIDE
    code_entry{-4061, k::invalid_request},
    code_entry{-4062, k::invalid_request},
    code_entry{-4067, k::invalid_request},
    code_entry{-4068, k::invalid_request},
    code_entry{-4109, k::auth},  // INACTIVE_ACCOUNT: nothing will work until a person acts
    code_entry{-4116, k::duplicate_client_id},
    code_entry{-4118, k::reduce_only_rejected},  // REDUCE_ONLY_MARGIN_CHECK_FAILED
    code_entry{-4120, k::invalid_request},       // conditional type on /order: use the Algo API
    code_entry{-4131, k::invalid_request},
    code_entry{-4135, k::invalid_request},
    code_entry{-4136, k::invalid_request},
    code_entry{-4137, k::invalid_request},
    code_entry{-4138, k::invalid_request},
    code_entry{-4140, k::invalid_request},  // invalid symbol status (original-bot Appendix A)
    code_entry{-4141, k::invalid_request},  // symbol not TRADING (§A12)
    code_entry{-4164, k::invalid_request},  // MIN_NOTIONAL
    code_entry{-4184, k::invalid_request},
    code_entry{-4192, k::invalid_request},  // COOLING_OFF_PERIOD
    code_entry{-4531, k::invalid_request},
    code_entry{-5021, k::invalid_request},
    code_entry{-5022, k::invalid_request},
    code_entry{-5027, k::no_change},  // SAME_ORDER on PUT /order
    code_entry{-5028, k::retryable},  // ME_RECVWINDOW_REJECT: rejected by the engine, not placed [U]
    code_entry{-5037, k::invalid_request},
    code_entry{-5038, k::invalid_request},
    code_entry{-5039, k::invalid_request},
    code_entry{-5040, k::invalid_request},
};

// Bybit V5 retCodes, exchange-apis.md §B4 table (HTTP 200 with retCode != 0, §B3).
constexpr std::array bybit_codes{
    code_entry{10001, k::invalid_request},  // catch-all; see the message refinement below
    code_entry{10002, k::clock_skew},
    code_entry{10003, k::auth},
    code_entry{10004, k::auth},  // error sign
    code_entry{10005, k::auth},  // permission denied
    code_entry{10006, k::rate_limited},
    code_entry{10010, k::auth},  // unmatched IP
    // "invalid duplicate request": an identical earlier request got there; reconcile [U].
    code_entry{10014, k::duplicate_client_id},
    code_entry{10016, k::unknown_outcome},  // server error: whether it executed is not said [U]
    code_entry{10017, k::invalid_request},  // route not found
    code_entry{10029, k::auth},             // symbol not in the key's whitelist: a key setting
    code_entry{33004, k::auth},             // API key expired
    code_entry{34040, k::no_change},        // TP/SL not modified [C/C3: also "required param missing"]
    code_entry{110001, k::unknown_order},
    code_entry{110003, k::invalid_request},
    code_entry{110004, k::insufficient_margin},
    code_entry{110007, k::insufficient_margin},
    code_entry{110008, k::unknown_order},  // already completed or cancelled: not open any more
    code_entry{110009, k::invalid_request},
    code_entry{110010, k::unknown_order},
    code_entry{110012, k::insufficient_margin},
    code_entry{110013, k::invalid_request},
    code_entry{110017, k::reduce_only_rejected},  // in practice the reduce-only code (§B4)
    code_entry{110020, k::invalid_request},
    code_entry{110024, k::invalid_request},
    code_entry{110025, k::no_change},
    code_entry{110026, k::no_change},
    code_entry{110028, k::invalid_request},
    code_entry{110043, k::no_change},
    code_entry{110044, k::insufficient_margin},
    code_entry{110045, k::insufficient_margin},
    code_entry{110057, k::invalid_request},
    code_entry{110058, k::invalid_request},
    code_entry{110059, k::invalid_request},
    code_entry{110060, k::invalid_request},
    code_entry{110061, k::invalid_request},
    code_entry{110072, k::duplicate_client_id},
    code_entry{110074, k::invalid_request},
    code_entry{110090, k::invalid_request},
    code_entry{110092, k::would_trigger_immediately},
    code_entry{110093, k::would_trigger_immediately},
    code_entry{110094, k::invalid_request},
    code_entry{110100, k::invalid_request},
    code_entry{110119, k::invalid_request},
    code_entry{110120, k::invalid_request},
    code_entry{110121, k::invalid_request},
    code_entry{110123, k::invalid_request},
    code_entry{110125, k::invalid_request},
    code_entry{181017, k::invalid_request},
};

template <std::size_t N>
std::optional<error_kind> lookup(const std::array<code_entry, N>& table, int code) noexcept {
    for (const auto& e : table) {
        if (e.code == code) return e.kind;
    }
    return std::nullopt;
}

bool contains(std::string_view text, std::string_view what) noexcept {
    return text.find(what) != std::string_view::npos;
}

// HTTP statuses without a usable code. 408 and 504 come from a gateway that may already have
// forwarded the request, so the outcome is unknown; other 5xx are failures (§A3 503 variants).
error_kind classify_status(unsigned status) noexcept {
    if (status == 401) return k::auth;
    if (status == 408 || status == 504) return k::unknown_outcome;
    if (status >= 500) return k::retryable;
    if (status >= 400) return k::invalid_request;
    return k::bad_response;  // a 2xx/3xx without an error code is not an error we can name
}

}  // namespace

std::string_view to_string(error_kind kind) noexcept {
    switch (kind) {
        case k::retryable: return "retryable";
        case k::rate_limited: return "rate_limited";
        case k::clock_skew: return "clock_skew";
        case k::invalid_request: return "invalid_request";
        case k::insufficient_margin: return "insufficient_margin";
        case k::would_trigger_immediately: return "would_trigger_immediately";
        case k::reduce_only_rejected: return "reduce_only_rejected";
        case k::unknown_order: return "unknown_order";
        case k::duplicate_client_id: return "duplicate_client_id";
        case k::no_change: return "no_change";
        case k::auth: return "auth";
        case k::unknown_outcome: return "unknown_outcome";
        case k::bad_response: return "bad_response";
    }
    return "unknown";
}

error_kind classify_binance(unsigned http_status, int code, std::string_view message) noexcept {
    // §A3: 429 backs -1003, 418 is the auto-ban, 403 the WAF: all mean "stop sending for a while".
    if (http_status == 429 || http_status == 418 || http_status == 403) return k::rate_limited;
    if (code != 0) {
        if (auto kind = lookup(binance_codes, code)) return *kind;
        // An unlisted code on a 5xx says nothing about execution; trust the status instead.
        if (http_status >= 500) return classify_status(http_status);
        return k::invalid_request;
    }
    // §A3: the 503 "Unknown error, please check your request or try again later." means the
    // execution status is UNKNOWN; "Service Unavailable." and "Internal error; ..." mean failed.
    if (http_status == 503 && message.starts_with("Unknown error")) return k::unknown_outcome;
    return classify_status(http_status);
}

error_kind classify_bybit(unsigned http_status, int ret_code, std::string_view ret_msg) noexcept {
    // §B3: 403 is the IP limit ("access too frequent", wait >= 10 min), 429 system protection.
    if (http_status == 429 || http_status == 403) return k::rate_limited;
    if (http_status != 200 && http_status != 0 && ret_code == 0) return classify_status(http_status);
    if (ret_code == 10001) {
        // §B4/§B7: a stop on the wrong side of the last price comes back as 10001 with
        // "... should lower than base_price ..." (and on older accounts the 110092/110093 texts
        // came as 10001). Only the fixed words are matched, never the numbers (§0.7).
        if (contains(ret_msg, "base_price") || contains(ret_msg, "expect Rising") ||
            contains(ret_msg, "expect Falling")) {
            return k::would_trigger_immediately;
        }
        return k::invalid_request;
    }
    if (ret_code != 0) {
        if (auto kind = lookup(bybit_codes, ret_code)) return *kind;
        if (http_status >= 500) return classify_status(http_status);
        return k::invalid_request;
    }
    return classify_status(http_status);
}

std::string error::describe() const {
    std::string out = fmt::format("{} http={} code={} {}", core::to_string(venue), http_status, venue_code,
                                  to_string(kind));
    if (transport) out += fmt::format(" transport={}", transport.message());
    if (retry_after) out += fmt::format(" retry_after={}ms", retry_after->count());
    if (!message.empty()) out += fmt::format(": {}", message);
    return out;
}

error binance_error(unsigned http_status, int code, std::string_view message) {
    error e;
    e.kind = classify_binance(http_status, code, message);
    e.venue = core::exchange_id::binance;
    e.http_status = http_status;
    e.venue_code = code;
    e.message = std::string{message};
    return e;
}

error bybit_error(unsigned http_status, int ret_code, std::string_view ret_msg) {
    error e;
    e.kind = classify_bybit(http_status, ret_code, ret_msg);
    e.venue = core::exchange_id::bybit;
    e.http_status = http_status;
    e.venue_code = ret_code;
    e.message = std::string{ret_msg};
    return e;
}

error transport_error(core::exchange_id venue, const boost::system::error_code& ec) {
    error e;
    e.kind = net::outcome_unknown(ec) ? k::unknown_outcome : k::retryable;
    e.venue = venue;
    e.transport = ec;
    e.message = ec.message();
    return e;
}

error local_error(core::exchange_id venue, error_kind kind, std::string message) {
    error e;
    e.kind = kind;
    e.venue = venue;
    e.message = std::move(message);
    return e;
}

error bad_response_error(core::exchange_id venue, unsigned http_status, std::string_view what) {
    error e;
    e.kind = k::bad_response;
    e.venue = venue;
    e.http_status = http_status;
    e.message = std::string{what};
    return e;
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value) noexcept {
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    std::int64_t seconds = 0;
    const auto* end = value.data() + value.size();
    auto [ptr, ec] = std::from_chars(value.data(), end, seconds);
    if (value.empty() || ec != std::errc{} || ptr != end || seconds < 0 || seconds > 7 * 24 * 3600) {
        return std::nullopt;
    }
    return std::chrono::milliseconds{seconds * 1000};
}

bool may_retry(error_kind kind, bool idempotent) noexcept {
    switch (kind) {
        case k::retryable:
        case k::rate_limited:
        case k::clock_skew: return true;
        case k::unknown_outcome:
        case k::bad_response: return idempotent;
        default: return false;
    }
}

namespace {
// boost::system::error_category has a protected non-virtual destructor by design.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class exchange_category_impl final : public boost::system::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "tradebot.exchange"; }
    [[nodiscard]] std::string message(int ev) const override {
        return std::string{to_string(static_cast<error_kind>(ev))};
    }
};
#pragma GCC diagnostic pop
}  // namespace

const boost::system::error_category& exchange_category() noexcept {
    static const exchange_category_impl instance;
    return instance;
}

void throw_exception_from_error(const error& e, const boost::source_location& loc) {
    boost::throw_with_location(boost::system::system_error(make_error_code(e.kind), e.describe()), loc);
}

}  // namespace tradebot::exchange
