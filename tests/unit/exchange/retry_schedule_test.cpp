#include "tradebot/exchange/retry_schedule.hpp"

#include <gtest/gtest.h>

namespace tradebot::exchange {
namespace {

using std::chrono::milliseconds;
using time_point = std::chrono::steady_clock::time_point;

error failure(error_kind kind, std::optional<milliseconds> retry_after = std::nullopt) {
    error e;
    e.kind = kind;
    e.retry_after = retry_after;
    return e;
}

retry_options no_jitter(int attempts = 4, milliseconds deadline = milliseconds{3'000}) {
    retry_options o;
    o.max_attempts = attempts;
    o.deadline = deadline;
    o.backoff = {.initial = milliseconds{100}, .max = milliseconds{1'000}, .multiplier = 2.0, .jitter = 0.0, .seed = 1};
    return o;
}

TEST(retry_schedule, transient_failures_get_growing_pauses_up_to_the_attempt_limit) {
    const time_point t0{};
    retry_schedule s{no_jitter(), t0};
    EXPECT_EQ(s.next(failure(error_kind::unknown_outcome), t0), milliseconds{100});  // a reset after send
    EXPECT_EQ(s.next(failure(error_kind::retryable), t0), milliseconds{200});        // a 503 that says so
    EXPECT_EQ(s.next(failure(error_kind::bad_response), t0), milliseconds{400});
    EXPECT_EQ(s.attempts(), 4);
    EXPECT_EQ(s.next(failure(error_kind::retryable), t0), std::nullopt);  // four sends in all
}

TEST(retry_schedule, a_refusal_is_never_sent_again) {
    for (const auto kind : {error_kind::invalid_request, error_kind::insufficient_margin, error_kind::auth,
                            error_kind::unknown_order, error_kind::duplicate_client_id,
                            error_kind::would_trigger_immediately, error_kind::reduce_only_rejected}) {
        retry_schedule s{no_jitter(), time_point{}};
        EXPECT_EQ(s.next(failure(kind), time_point{}), std::nullopt) << to_string(kind);
    }
}

TEST(retry_schedule, the_venues_retry_after_is_waited_for_when_it_fits_the_deadline) {
    const time_point t0{};
    retry_schedule s{no_jitter(), t0};
    EXPECT_EQ(s.next(failure(error_kind::rate_limited, milliseconds{1'500}), t0), milliseconds{1'500});
    retry_schedule late{no_jitter(), t0};
    EXPECT_EQ(late.next(failure(error_kind::rate_limited, milliseconds{3'000}), t0), std::nullopt);
    // A ban of unknown length (Bybit 403, a 418 without the header) is not waited out here.
    retry_schedule banned{no_jitter(), t0};
    EXPECT_EQ(banned.next(failure(error_kind::rate_limited), t0), std::nullopt);
}

TEST(retry_schedule, no_attempt_starts_after_the_deadline) {
    const time_point t0{};
    retry_schedule s{no_jitter(10, milliseconds{1'000}), t0};
    EXPECT_EQ(s.next(failure(error_kind::retryable), t0 + milliseconds{850}), milliseconds{100});
    EXPECT_EQ(s.next(failure(error_kind::retryable), t0 + milliseconds{850}), std::nullopt);  // 850 + 200 > 1000
}

TEST(retry_schedule, one_attempt_means_no_retry) {
    retry_schedule s{no_jitter(1), time_point{}};
    EXPECT_EQ(s.next(failure(error_kind::retryable), time_point{}), std::nullopt);
}

}  // namespace
}  // namespace tradebot::exchange
