// app::lease_keeper's loop on core::manual_clock over an in-memory lease: when it becomes
// active, how it renews, and that it stops trading by itself before the lease could pass on.
#include "app/lease_keeper.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "tradebot/core/clock.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot/db/lease_store.hpp"

namespace tradebot::app {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

// The lease row, on the test's clock; `down` answers every statement with a connection error.
class memory_lease final : public db::lease_store {
public:
    explicit memory_lease(const core::manual_clock& clock) : clock_{clock} {}

    asio::awaitable<db::result<db::lease_view>> acquire(std::string, std::string who, milliseconds d) override {
        ++acquires;
        if (down) {
            co_return db::error{db::errc::connect_failed, "down"};
        }
        const auto now = clock_.steady_now();
        if (holder.empty() || expires <= now) {
            holder = who;
            ++token;
            expires = now + d;
            co_return db::lease_view{true, token, holder, d.count()};
        }
        co_return db::lease_view{false, token, holder,
                                 std::chrono::duration_cast<milliseconds>(expires - now).count()};
    }
    asio::awaitable<db::result<bool>> renew(std::string, std::string who, std::int64_t t, milliseconds d) override {
        if (down) {
            co_return db::error{db::errc::connect_failed, "down"};
        }
        if (who != holder || t != token) {
            co_return false;
        }
        expires = clock_.steady_now() + d;
        ++renewals;
        co_return true;
    }
    asio::awaitable<db::result<bool>> release(std::string, std::string who, std::int64_t t) override {
        if (who != holder || t != token) {
            co_return false;
        }
        expires = clock_.steady_now();
        co_return true;
    }

    std::string holder;
    std::int64_t token = 0;
    std::chrono::steady_clock::time_point expires{};
    int renewals = 0;
    int acquires = 0;
    bool down = false;

private:
    const core::manual_clock& clock_;
};

class LeaseKeeperTest : public ::testing::Test {
protected:
    LeaseKeeperTest()
        : keeper_{asio::make_strand(io_), clock_, store_, trading_db_, "production", "me", lease_timing{},
                  registry_,
                  lease_keeper::hooks{[this](std::int64_t token) { promoted_.push_back(token); },
                                      [this](std::string_view reason) { demoted_.emplace_back(reason); }}} {}
    ~LeaseKeeperTest() override {
        keeper_.stop();
        io_.poll();
    }

    // First look, then the loop.
    bool start() {
        std::optional<bool> active;
        asio::co_spawn(io_, keeper_.first_attempt(), [&active](const std::exception_ptr&, bool a) { active = a; });
        io_.poll();
        keeper_.start();
        io_.poll();
        return active.value_or(false);
    }
    // Moves time in 10 ms steps, letting the loop run after each.
    void run_for(milliseconds d) {
        for (milliseconds done{0}; done < d; done += milliseconds{10}) {
            clock_.advance(milliseconds{10});
            io_.poll();
        }
    }

    asio::io_context io_;
    // poll() on an io_context without work would stop it for good.
    asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
    core::manual_clock clock_;
    memory_lease store_{clock_};
    // Never connects: the keeper only hands it the fence settings.
    db::database trading_db_{db::database_options{.url = "postgresql://nobody@127.0.0.1:1/none"}};
    prometheus::Registry registry_;
    std::vector<std::int64_t> promoted_;
    std::vector<std::string> demoted_;
    lease_keeper keeper_;
};

TEST_F(LeaseKeeperTest, ALoneInstanceIsActiveAtOnceAndRenewsEveryInterval) {
    EXPECT_TRUE(start());
    EXPECT_EQ(keeper_.role(), instance_role::active);
    EXPECT_EQ(promoted_, std::vector<std::int64_t>{1});
    run_for(milliseconds{10'000});
    EXPECT_EQ(keeper_.role(), instance_role::active);
    EXPECT_GE(store_.renewals, 9);
    EXPECT_LE(store_.renewals, 10);
    EXPECT_TRUE(demoted_.empty());
    EXPECT_EQ(keeper_.status().at("token").as_int64(), 1);
}

TEST_F(LeaseKeeperTest, AStandbyTakesOverOnlyOnceTheHoldersLeaseHasRunOut) {
    store_.holder = "other";
    store_.token = 4;
    store_.expires = clock_.steady_now() + milliseconds{3000};
    EXPECT_FALSE(start());
    EXPECT_EQ(keeper_.role(), instance_role::standby);
    EXPECT_EQ(keeper_.status().at("holder").as_string(), "other");
    run_for(milliseconds{2990});
    EXPECT_TRUE(promoted_.empty());
    run_for(milliseconds{100});
    EXPECT_EQ(promoted_, std::vector<std::int64_t>{5});
    EXPECT_EQ(store_.acquires, 4);  // the first look, then one per interval until the lease ran out
    EXPECT_EQ(keeper_.role(), instance_role::active);
}

TEST_F(LeaseKeeperTest, AnActiveThatCannotRenewStopsBeforeTheLeaseCouldPassOn) {
    ASSERT_TRUE(start());
    run_for(milliseconds{2500});
    store_.down = true;  // cut off from the database
    const auto last_renewal_expiry = store_.expires;
    while (demoted_.empty() && clock_.steady_now() < last_renewal_expiry + milliseconds{1000}) {
        run_for(milliseconds{10});
    }
    ASSERT_EQ(demoted_, std::vector<std::string>{"expired"});
    EXPECT_EQ(keeper_.role(), instance_role::standby);
    // Stopped while the row still names it: nobody else could have taken the lease yet.
    EXPECT_LT(clock_.steady_now(), last_renewal_expiry);
    EXPECT_GE(clock_.steady_now() + milliseconds{510}, last_renewal_expiry);
    // Demoted for good: no new term in this process, even once the database answers again.
    store_.down = false;
    run_for(milliseconds{10'000});
    EXPECT_EQ(promoted_.size(), 1U);
    EXPECT_EQ(keeper_.role(), instance_role::standby);
}

TEST_F(LeaseKeeperTest, ARenewalThatFindsAnotherTokenDemotesAtOnce) {
    ASSERT_TRUE(start());
    store_.holder = "other";
    ++store_.token;
    run_for(milliseconds{1000});
    EXPECT_EQ(demoted_, std::vector<std::string>{"renew_refused"});
    EXPECT_EQ(keeper_.role(), instance_role::standby);
}

TEST_F(LeaseKeeperTest, AFencedWriteDemotesTheActiveButNotAStandby) {
    store_.holder = "other";
    store_.token = 1;
    store_.expires = clock_.steady_now() + milliseconds{60'000};
    EXPECT_FALSE(start());
    keeper_.fenced();
    io_.poll();
    EXPECT_TRUE(demoted_.empty());
    store_.expires = clock_.steady_now();
    run_for(milliseconds{1000});
    ASSERT_EQ(keeper_.role(), instance_role::active);
    keeper_.fenced();
    io_.poll();
    EXPECT_EQ(demoted_, std::vector<std::string>{"fenced_write"});
}

TEST_F(LeaseKeeperTest, ReleaseExpiresTheLeaseForTheNextHolder) {
    ASSERT_TRUE(start());
    keeper_.stop();
    asio::co_spawn(io_, keeper_.release(), asio::detached);
    io_.poll();
    EXPECT_EQ(store_.expires, clock_.steady_now());
    EXPECT_EQ(keeper_.role(), instance_role::standby);
}

}  // namespace
}  // namespace tradebot::app
