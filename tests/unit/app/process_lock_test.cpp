#include "tradebot/app/process_lock.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <gtest/gtest.h>

#include "tradebot_test/env.hpp"

using tradebot::app::process_lock;

TEST(process_lock, second_acquire_in_another_process_fails_and_names_holder) {
    tradebot::test::temp_dir dir;
    const auto pid_file = dir.path() / "run" / "tradebot.pid";

    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        auto lock = process_lock::acquire(pid_file);
        const char ok = lock ? '1' : '0';
        [[maybe_unused]] auto n = ::write(ready[1], &ok, 1);
        ::pause();  // hold the lock until killed
        ::_exit(0);
    }
    char ok = 0;
    ASSERT_EQ(::read(ready[0], &ok, 1), 1);
    ASSERT_EQ(ok, '1');

    const auto second = process_lock::acquire(pid_file);
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().value(), EAGAIN);
    EXPECT_EQ(process_lock::holder_pid(pid_file), child);

    // The kernel releases the lock when the holder dies, even on SIGKILL: no stale pid file.
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_EQ(process_lock::holder_pid(pid_file), std::nullopt);
    auto third = process_lock::acquire(pid_file);
    ASSERT_TRUE(third.has_value()) << third.error().message();
    // Seen from a new descriptor, our own lock is held too: a second start in this process would fail.
    EXPECT_EQ(process_lock::holder_pid(pid_file), ::getpid());
    ::close(ready[0]);
    ::close(ready[1]);
}

TEST(process_lock, unwritable_location_is_an_error_not_a_crash) {
    const auto r = process_lock::acquire("/proc/tradebot-cannot-be-here/tradebot.pid");
    EXPECT_FALSE(r.has_value());
}
