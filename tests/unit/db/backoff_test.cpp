#include "tradebot/db/backoff.hpp"

#include <gtest/gtest.h>

namespace tradebot::db {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, DoublesUpToTheCapAndResets) {
    backoff b{milliseconds{100}, milliseconds{1000}};
    EXPECT_EQ(b.next(), milliseconds{100});
    EXPECT_EQ(b.next(), milliseconds{200});
    EXPECT_EQ(b.next(), milliseconds{400});
    EXPECT_EQ(b.next(), milliseconds{800});
    EXPECT_EQ(b.next(), milliseconds{1000});
    for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(b.next(), milliseconds{1000});
    }
    EXPECT_EQ(b.attempts(), 105U);
    b.reset();
    EXPECT_EQ(b.next(), milliseconds{100});
}

TEST(Backoff, ClampsNonsensicalBounds) {
    backoff zero{milliseconds{0}, milliseconds{0}};
    EXPECT_EQ(zero.next(), milliseconds{1});
    backoff inverted{milliseconds{500}, milliseconds{100}};
    EXPECT_EQ(inverted.next(), milliseconds{500});
    EXPECT_EQ(inverted.next(), milliseconds{500});
}

}  // namespace
}  // namespace tradebot::db
