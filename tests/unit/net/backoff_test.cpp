#include "tradebot/net/backoff.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace tradebot::net {
namespace {

using std::chrono::milliseconds;

TEST(backoff, without_jitter_doubles_up_to_the_cap) {
    backoff b{{.initial = milliseconds{100}, .max = milliseconds{1'000}, .multiplier = 2.0, .jitter = 0.0, .seed = 1}};
    std::vector<milliseconds> got;
    for (int i = 0; i < 6; ++i) {
        got.push_back(b.next());
    }
    EXPECT_EQ(got, (std::vector<milliseconds>{milliseconds{100}, milliseconds{200}, milliseconds{400},
                                               milliseconds{800}, milliseconds{1'000}, milliseconds{1'000}}));
    EXPECT_EQ(b.attempts(), 6U);
    b.reset();
    EXPECT_EQ(b.next(), milliseconds{100});
}

TEST(backoff, jitter_stays_in_range_and_still_grows) {
    backoff b{{.initial = milliseconds{100}, .max = milliseconds{100'000}, .multiplier = 2.0, .jitter = 0.3, .seed = 7}};
    milliseconds base{100};
    milliseconds previous{0};
    for (int i = 0; i < 8; ++i) {
        const auto d = b.next();
        EXPECT_LE(d, base);
        EXPECT_GE(d.count(), base.count() * 7 / 10);
        EXPECT_GT(d, previous);  // with jitter < 0.5 the lower bound beats the last upper bound
        previous = d;
        base *= 2;
    }
}

TEST(backoff, same_seed_same_sequence_other_seed_differs) {
    const backoff_options opts{.initial = milliseconds{1'000}, .max = milliseconds{60'000}, .multiplier = 2.0, .jitter = 0.5, .seed = 42};
    backoff a{opts};
    backoff b{opts};
    auto other_opts = opts;
    other_opts.seed = 43;
    backoff c{other_opts};
    bool any_difference = false;
    for (int i = 0; i < 5; ++i) {
        const auto x = a.next();
        EXPECT_EQ(x, b.next());
        any_difference = any_difference || x != c.next();
    }
    EXPECT_TRUE(any_difference);
}

TEST(backoff, clamps_nonsense_options) {
    backoff b{{.initial = milliseconds{0}, .max = milliseconds{0}, .multiplier = 0.5, .jitter = 3.0, .seed = 1}};
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(b.next(), milliseconds{1});
    }
}

}  // namespace
}  // namespace tradebot::net
