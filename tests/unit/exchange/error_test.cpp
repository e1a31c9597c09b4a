#include "tradebot/exchange/error.hpp"

#include <string>

#include <gtest/gtest.h>

#include "tradebot/net/client_errc.hpp"

namespace tradebot::exchange {
namespace {

using k = error_kind;

struct binance_case {
    unsigned status;
    int code;
    const char* message;
    error_kind expected;
};

// exchange-apis.md §A3 (HTTP statuses, 503 variants) and §A4 (codes, with their typical status).
const binance_case binance_cases[] = {
    {429, -1003, "Too many requests; current limit is 2400 requests per minute.", k::rate_limited},
    {418, -1003, "Way too many requests; IP banned until 1767225720000.", k::rate_limited},
    {403, 0, "", k::rate_limited},  // WAF
    {429, 0, "", k::rate_limited},
    {400, -1015, "Too many new orders; current limit is 300 orders per 10 SECOND.", k::rate_limited},
    {503, -1008, "Request throttled by system-level protection.", k::retryable},
    {400, -1021, "Timestamp for this request is outside of the recvWindow.", k::clock_skew},
    {400, -1022, "Signature for this request is not valid.", k::auth},
    {401, -2015, "Invalid API-key, IP, or permissions for action.", k::auth},
    {401, -2014, "API-key format invalid.", k::auth},
    {400, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.", k::invalid_request},
    {400, -1106, "Parameter 'reduceonly' sent when not required.", k::invalid_request},
    {400, -1111, "Precision is over the maximum defined for this asset.", k::invalid_request},
    {400, -1121, "Invalid symbol.", k::invalid_request},
    {400, -4003, "Quantity less than zero.", k::invalid_request},
    {400, -4014, "Price not increased by tick size.", k::invalid_request},
    {400, -4016, "Price is higher than mark price multiplier cap.", k::invalid_request},
    {400, -4023, "Quantity not increased by step size.", k::invalid_request},
    {400, -4120, "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.",
     k::invalid_request},
    {400, -4164, "Order's notional must be no smaller than 5 (unless you choose reduce only)", k::invalid_request},
    {400, -2019, "Margin is insufficient.", k::insufficient_margin},
    {400, -2018, "Balance is insufficient.", k::insufficient_margin},
    {400, -2021, "Order would immediately trigger.", k::would_trigger_immediately},
    {400, -2022, "ReduceOnly Order is rejected.", k::reduce_only_rejected},
    {400, -4118, "ReduceOnly Order Failed.", k::reduce_only_rejected},
    {400, -2011, "Unknown order sent.", k::unknown_order},
    {400, -2013, "Order does not exist.", k::unknown_order},
    {400, -4116, "clientOrderId is duplicated.", k::duplicate_client_id},
    {400, -4046, "No need to change margin type.", k::no_change},
    {400, -4059, "No need to change position side.", k::no_change},
    {400, -5027, "No need to modify the order.", k::no_change},
    {500, -1000, "An unknown error occurred while processing the request.", k::unknown_outcome},
    {503, 0, "Unknown error, please check your request or try again later.", k::unknown_outcome},
    {503, 0, "Service Unavailable.", k::retryable},
    {503, 0, "Internal error; unable to process your request. Please try again.", k::retryable},
    {502, 0, "", k::retryable},
    {504, 0, "", k::unknown_outcome},
    {408, 0, "", k::unknown_outcome},
    {400, -9999, "something new", k::invalid_request},  // unlisted code on a 4xx
    {500, -9999, "something new", k::retryable},        // unlisted code on a 5xx: the status decides
    {404, 0, "", k::invalid_request},
    {401, 0, "", k::auth},
    {200, 0, "", k::bad_response},
};

TEST(classify_binance, follows_the_reference_tables) {
    for (const auto& c : binance_cases) {
        EXPECT_EQ(classify_binance(c.status, c.code, c.message), c.expected)
            << "status " << c.status << " code " << c.code << " got " << to_string(classify_binance(c.status, c.code, c.message));
    }
}

struct bybit_case {
    unsigned status;
    int ret_code;
    const char* message;
    error_kind expected;
};

// exchange-apis.md §B3 (HTTP statuses) and §B4 (retCodes and real retMsg texts).
const bybit_case bybit_cases[] = {
    {403, 0, "access too frequent", k::rate_limited},
    {429, 0, "", k::rate_limited},
    {200, 10006, "Too many visits!", k::rate_limited},
    {200, 10002, "invalid request, please check your server timestamp or recv_window param.", k::clock_skew},
    {401, 0, "", k::auth},
    {200, 10003, "API key is invalid.", k::auth},
    {200, 10004, "error sign! origin_string[1701180667626...]", k::auth},
    {200, 10005, "Invalid API-key, IP, or permissions for action.", k::auth},
    {200, 10010, "Unmatched IP, please check your API key's bound IP addresses.", k::auth},
    {200, 10001, "params error: side invalid", k::invalid_request},
    {200, 10001, "The number of contracts exceeds minimum limit allowed", k::invalid_request},
    {200, 10001, "StopLoss:324000000 set for Buy position should lower than base_price:161600000??LastPrice",
     k::would_trigger_immediately},
    {200, 10001, "sl:257970000 set for Sell position should greater base_price:259477000??LastPrice",
     k::would_trigger_immediately},
    {200, 10001, "expect Rising, but trigger_price[100] <= current[101]??LastPrice", k::would_trigger_immediately},
    {200, 110092, "expect Rising, but trigger_price[100] <= current[101]??MarkPrice", k::would_trigger_immediately},
    {200, 110093, "expect Falling, but trigger_price[633023000] >= current[632859000]??LastPrice",
     k::would_trigger_immediately},
    {200, 110007, "ab not enough for new order", k::insufficient_margin},
    {200, 110004, "", k::insufficient_margin},
    {200, 110012, "", k::insufficient_margin},
    {200, 110044, "", k::insufficient_margin},
    {200, 110045, "", k::insufficient_margin},
    {200, 110017, "current position is zero, cannot fix reduce-only order qty", k::reduce_only_rejected},
    {200, 110001, "order not exists or too late to cancel", k::unknown_order},
    {200, 110008, "", k::unknown_order},
    {200, 110010, "", k::unknown_order},
    {200, 110072, "OrderLinkedID is duplicate", k::duplicate_client_id},
    {200, 34040, "not modified", k::no_change},
    {200, 110043, "leverage not modified", k::no_change},
    {200, 110025, "Position mode is not modified", k::no_change},
    {200, 110026, "", k::no_change},
    {200, 110094, "", k::invalid_request},
    {200, 110003, "Order price is out of permissible range", k::invalid_request},
    {200, 10016, "Internal server error.", k::unknown_outcome},
    {200, 999999, "something new", k::invalid_request},
    {404, 0, "", k::invalid_request},
    {502, 0, "", k::retryable},
    {504, 0, "", k::unknown_outcome},
};

TEST(classify_bybit, follows_the_reference_tables) {
    for (const auto& c : bybit_cases) {
        EXPECT_EQ(classify_bybit(c.status, c.ret_code, c.message), c.expected)
            << "status " << c.status << " retCode " << c.ret_code << " got "
            << to_string(classify_bybit(c.status, c.ret_code, c.message));
    }
}

TEST(classify_bybit, a_4xx_status_wins_over_a_missing_ret_code_but_not_over_a_known_one) {
    EXPECT_EQ(classify_bybit(400, 0, ""), k::invalid_request);
    EXPECT_EQ(classify_bybit(400, 10002, ""), k::clock_skew);
}

TEST(error, builders_keep_the_details_for_logs) {
    auto e = binance_error(400, -2019, "Margin is insufficient.");
    EXPECT_EQ(e.kind, k::insufficient_margin);
    EXPECT_EQ(e.venue, core::exchange_id::binance);
    EXPECT_EQ(e.http_status, 400U);
    EXPECT_EQ(e.venue_code, -2019);
    EXPECT_EQ(e.describe(), "binance http=400 code=-2019 insufficient_margin: Margin is insufficient.");

    auto b = bybit_error(200, 10006, "Too many visits!");
    b.retry_after = std::chrono::milliseconds{1000};
    EXPECT_EQ(b.describe(), "bybit http=200 code=10006 rate_limited retry_after=1000ms: Too many visits!");
}

TEST(error, transport_errors_split_on_whether_bytes_were_sent) {
    auto after = transport_error(core::exchange_id::bybit, net::client_errc::timeout_after_send);
    EXPECT_EQ(after.kind, k::unknown_outcome);
    EXPECT_EQ(after.transport, net::client_errc::timeout_after_send);
    EXPECT_EQ(transport_error(core::exchange_id::binance, net::client_errc::connection_lost_after_send).kind,
              k::unknown_outcome);
    EXPECT_EQ(transport_error(core::exchange_id::binance, net::client_errc::connect_failed).kind, k::retryable);
    EXPECT_EQ(transport_error(core::exchange_id::binance, net::client_errc::timeout_before_send).kind, k::retryable);
}

TEST(error, retry_after_is_whole_seconds) {
    EXPECT_EQ(parse_retry_after("120"), std::chrono::milliseconds{120'000});
    EXPECT_EQ(parse_retry_after(" 3 "), std::chrono::milliseconds{3'000});
    EXPECT_FALSE(parse_retry_after(""));
    EXPECT_FALSE(parse_retry_after("-1"));
    EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"));
    EXPECT_FALSE(parse_retry_after("1.5"));
}

TEST(error, only_proven_failures_may_be_resent_and_unknown_outcomes_only_when_idempotent) {
    EXPECT_TRUE(may_retry(k::retryable, false));
    EXPECT_TRUE(may_retry(k::rate_limited, false));
    EXPECT_TRUE(may_retry(k::clock_skew, false));
    EXPECT_FALSE(may_retry(k::unknown_outcome, false));
    EXPECT_TRUE(may_retry(k::unknown_outcome, true));
    EXPECT_FALSE(may_retry(k::bad_response, false));
    EXPECT_FALSE(may_retry(k::invalid_request, true));
    EXPECT_FALSE(may_retry(k::duplicate_client_id, true));
    EXPECT_FALSE(may_retry(k::auth, true));
}

TEST(error, kinds_travel_as_error_codes) {
    boost::system::error_code ec = error_kind::clock_skew;
    EXPECT_EQ(ec.category().name(), std::string{"tradebot.exchange"});
    EXPECT_EQ(ec.message(), "clock_skew");
    EXPECT_EQ(ec, make_error_code(error_kind::clock_skew));
}

TEST(error, result_carries_the_error_struct) {
    result<int> ok = 5;
    result<int> bad = binance_error(400, -2021, "Order would immediately trigger.");
    ASSERT_TRUE(ok.has_value());
    ASSERT_TRUE(bad.has_error());
    EXPECT_EQ(bad.error().kind, k::would_trigger_immediately);
    EXPECT_THROW((void)bad.value(), boost::system::system_error);
}

}  // namespace
}  // namespace tradebot::exchange
