// The trading core while its database is down, and after it comes back (findings C2, C4 and C6 of
// tests/integration/chaos, docs/RELIABILITY.md): the paper venue in process and the in-memory
// stores behind a switch that makes every call fail as a lost connection does, on one io_context
// with the manual clock. tests/integration/db_outage runs the same against a PostgreSQL that is
// really stopped and tradebot-sim.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "unit/trading/core_fixture.hpp"

namespace tradebot::trading {
namespace {

using namespace core::literals;
using namespace std::chrono_literals;
using test::btc;

// Whether the database answers; shared by the stores below.
struct db_switch {
    bool down = false;
    bool down_after_entry_rows = false;  // goes down once an entry's rows are written

    [[nodiscard]] db::error lost() const { return db::error{db::errc::connect_failed, "not connected (test)"}; }
};

class switched_journal final : public db::order_store {
public:
    switched_journal(test::memory_journal& inner, db_switch& sw) : inner_{inner}, sw_{sw} {}

    boost::asio::awaitable<db::result<journaled>> insert_next_attempt(db::order_record o) override {
        if (sw_.down) {
            co_await test::round_trip();
            co_return sw_.lost();
        }
        co_return co_await inner_.insert_next_attempt(std::move(o));
    }
    boost::asio::awaitable<db::result<std::int64_t>> insert_known(db::order_record o) override {
        if (sw_.down) {
            co_await test::round_trip();
            co_return sw_.lost();
        }
        co_return co_await inner_.insert_known(std::move(o));
    }
    boost::asio::awaitable<db::result<std::optional<db::order_record>>> find_by_client_id(std::string cid) override {
        if (sw_.down) {
            co_await test::round_trip();
            co_return sw_.lost();
        }
        co_return co_await inner_.find_by_client_id(std::move(cid));
    }
    boost::asio::awaitable<db::result<void>> update(std::int64_t id, db::order_update u) override {
        if (sw_.down) {
            co_await test::round_trip();
            co_return sw_.lost();
        }
        co_return co_await inner_.update(id, std::move(u));
    }
    boost::asio::awaitable<db::result<std::optional<venue_result>>> update_from_venue(std::string cid,
                                                                                      db::order_update u) override {
        if (sw_.down) {
            co_await test::round_trip();
            co_return sw_.lost();
        }
        co_return co_await inner_.update_from_venue(std::move(cid), std::move(u));
    }
    boost::asio::awaitable<db::result<int>> end_open_stops(std::int64_t position_id, db::order_status status,
                                                           std::string why, std::optional<std::int64_t> keep) override {
        if (sw_.down) {
            co_await test::round_trip();
            co_return sw_.lost();
        }
        co_return co_await inner_.end_open_stops(position_id, status, std::move(why), keep);
    }

private:
    test::memory_journal& inner_;
    db_switch& sw_;
};

class switched_positions final : public db::position_store {
public:
    switched_positions(test::memory_positions& inner, db_switch& sw) : inner_{inner}, sw_{sw} {}

    boost::asio::awaitable<db::result<pending_entry>> create_pending_with_entry(db::new_position p,
                                                                                db::order_record entry) override {
        if (sw_.down) {
            co_await test::round_trip();
            co_return sw_.lost();
        }
        auto r = co_await inner_.create_pending_with_entry(std::move(p), std::move(entry));
        if (sw_.down_after_entry_rows) {
            sw_.down = true;
        }
        co_return r;
    }
    boost::asio::awaitable<db::result<std::pair<std::int64_t, std::int32_t>>> create_found(
        db::new_position p, db::position_state state, db::position_update u) override {
        if (sw_.down) {
            co_await test::round_trip();
            co_return sw_.lost();
        }
        co_return co_await inner_.create_found(std::move(p), state, std::move(u));
    }
    boost::asio::awaitable<db::result<std::int32_t>> transition(std::int64_t id, std::int32_t expected_version,
                                                                db::position_state state,
                                                                db::position_update u) override {
        if (sw_.down) {
            co_await test::round_trip();
            co_return sw_.lost();
        }
        co_return co_await inner_.transition(id, expected_version, state, std::move(u));
    }
    boost::asio::awaitable<db::result<std::vector<db::position_record>>> load_live(core::mode mode) override {
        if (sw_.down) {
            co_await test::round_trip();
            co_return sw_.lost();
        }
        co_return co_await inner_.load_live(mode);
    }

private:
    test::memory_positions& inner_;
    db_switch& sw_;
};

class switched_trades final : public db::trade_store {
public:
    switched_trades(test::memory_trades& inner, db_switch& sw) : inner_{inner}, sw_{sw} {}

    boost::asio::awaitable<db::result<bool>> insert_fill(db::trade_record t) override {
        if (sw_.down) {
            co_await test::round_trip();
            co_return sw_.lost();
        }
        co_return co_await inner_.insert_fill(std::move(t));
    }

private:
    test::memory_trades& inner_;
    db_switch& sw_;
};

class db_outage_test : public core_fixture {
protected:
    void SetUp() override {
        start_venue();
        start_manager(switched_positions_, switched_journal_, &switched_trades_);
    }

    // The database goes away (the daemon hears it from the connection) and comes back.
    void database_down() {
        sw_.down = true;
        manager_->database_outage();
    }
    void database_up() {
        sw_.down = false;
        manager_->database_back();
        settle();
    }

    db_switch sw_;
    switched_journal switched_journal_{journal_, sw_};
    switched_positions switched_positions_{positions_, sw_};
    switched_trades switched_trades_{trades_, sw_};
};

// C4: the database goes down between the entry's rows and its stop. The stop is placed anyway,
// under a client id made without the journal, and journaled when the database is back; the row
// catches up with the book (protected, with its stop).
TEST_F(db_outage_test, a_fill_while_the_database_is_down_is_protected_at_once_and_journaled_when_it_is_back) {
    sw_.down_after_entry_rows = true;
    const auto r = open_long();
    ASSERT_EQ(r.kind, open_result_kind::protected_) << r.reason;
    EXPECT_FALSE(venue_flat());
    const auto stops = venue_stops();
    ASSERT_EQ(stops.size(), 1U);
    ASSERT_TRUE(stops.front().client_id.has_value());
    const auto stop_id = *stops.front().client_id;
    EXPECT_EQ(stop_id.position_id, r.position_id);
    EXPECT_EQ(stop_id.purpose, core::order_purpose::stop);
    EXPECT_GE(stop_id.attempt, db::order_store::first_offline_attempt);
    EXPECT_TRUE(journal_.of(r.position_id, core::order_purpose::stop).empty());
    EXPECT_EQ(positions_.row(r.position_id).state, db::position_state::pending_entry);

    sw_.down_after_entry_rows = false;
    database_up();
    const auto rows = journal_.of(r.position_id, core::order_purpose::stop);
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows.front().client_order_id, stop_id.str());
    EXPECT_EQ(rows.front().status, db::order_status::new_);
    EXPECT_EQ(rows.front().stop_price, stops.front().trigger_price);
    const auto& row = positions_.row(r.position_id);
    EXPECT_EQ(row.state, db::position_state::protected_);
    EXPECT_EQ(row.stop_price, stops.front().trigger_price);
    EXPECT_EQ(row.quantity, "0.010"_d);
    EXPECT_EQ(venue_stops().size(), 1U) << "never a second stop";
    // The next stop of the position counts from the journal's own attempts again.
    ASSERT_EQ(manager_->live().size(), 1U);
    EXPECT_EQ(manager_->live().at(btc).id, r.position_id);
}

// C4 (the close) and C6: with the database down, a position whose stop vanished and whose recorded
// stop the mark has crossed is closed at market under a client id made without the journal; the
// close the venue filled is recorded once the database answers, not left live without a position.
TEST_F(db_outage_test, an_emergency_close_goes_out_without_the_database_and_is_recorded_when_it_is_back) {
    const auto r = open_long();
    ASSERT_EQ(r.kind, open_result_kind::protected_) << r.reason;
    const auto stop = venue_stops().front();
    ASSERT_TRUE(run(paper_->cancel_stop(stop)));  // gone behind our back
    database_down();
    mark(*stop.trigger_price - "500"_d);  // through the stop that is no longer there
    advance(60s);                         // the periodic pass: stop missing, crossed, close
    EXPECT_TRUE(venue_flat()) << "the close needed no journal row";
    EXPECT_TRUE(manager_->live().empty());
    EXPECT_EQ(positions_.row(r.position_id).state, db::position_state::protected_);

    database_up();
    const auto& row = positions_.row(r.position_id);
    EXPECT_EQ(row.state, db::position_state::closed);
    EXPECT_EQ(row.close_reason, "stop_crossed");
    EXPECT_TRUE(row.exit_price.has_value());
    const auto exits = journal_.of(r.position_id, core::order_purpose::exit);
    ASSERT_EQ(exits.size(), 1U);
    EXPECT_EQ(exits.front().status, db::order_status::filled);
    EXPECT_GE(exits.front().attempt, db::order_store::first_offline_attempt);
    EXPECT_TRUE(manager_->live().empty());
}

// C6: the venue's stop fires while the database is down; the close is kept and recorded when it is
// back, with the stop's fill as the exit.
TEST_F(db_outage_test, a_stop_that_fires_while_the_database_is_down_is_recorded_closed_when_it_is_back) {
    const auto r = open_long();
    ASSERT_EQ(r.kind, open_result_kind::protected_) << r.reason;
    const auto trigger = *venue_stops().front().trigger_price;
    database_down();
    mark(trigger - "100"_d);
    advance(1s);  // the flat report is confirmed by a second read
    ASSERT_TRUE(venue_flat());
    EXPECT_TRUE(manager_->live().empty());
    EXPECT_EQ(positions_.row(r.position_id).state, db::position_state::protected_);

    database_up();
    const auto& row = positions_.row(r.position_id);
    EXPECT_EQ(row.state, db::position_state::closed);
    EXPECT_EQ(row.close_reason, "closed_on_venue");
    EXPECT_TRUE(row.exit_price.has_value());
    EXPECT_TRUE(row.realized_pnl.has_value());
}

// Issue 19: a fill reported while the database was down was lost to the trades table (its PnL and
// fee missing from the daily loss limit and the reports). It is kept and written when the
// database is back, once.
TEST_F(db_outage_test, a_fill_reported_while_the_database_is_down_is_written_to_the_trades_when_it_is_back) {
    const auto r = open_long();
    ASSERT_EQ(r.kind, open_result_kind::protected_) << r.reason;
    ASSERT_EQ(trades_.of(r.position_id).size(), 1U) << "the entry's fill";
    const auto trigger = *venue_stops().front().trigger_price;
    database_down();
    mark(trigger - "100"_d);
    advance(1s);
    ASSERT_TRUE(venue_flat());
    EXPECT_EQ(trades_.of(r.position_id).size(), 1U) << "the stop's fill waits for the database";

    database_up();
    const auto fills = trades_.of(r.position_id);
    ASSERT_EQ(fills.size(), 2U);
    EXPECT_EQ(fills.back().side, core::side::sell);
    EXPECT_EQ(fills.back().quantity, "0.010"_d);
    EXPECT_TRUE(fills.back().price.is_positive());
    EXPECT_TRUE(fills.back().price < trigger) << "the stop's fill, through its trigger: " << fills.back().price.to_string();
    // Another recovery pass writes nothing twice.
    database_down();
    database_up();
    EXPECT_EQ(trades_.of(r.position_id).size(), 2U);
}

// C2: a crash of the server lost the position's row and its journal rows while the book kept it.
// When the database is back the book is reloaded from the rows: the venue position is adopted
// under a new row, its stop kept (not a second one), and the entry and stop of ours that the venue
// knows are journaled under the new row.
TEST_F(db_outage_test, a_position_whose_rows_the_database_lost_is_adopted_again_with_its_orders_journaled) {
    const auto r = open_long();
    ASSERT_EQ(r.kind, open_result_kind::protected_) << r.reason;
    const auto stop = venue_stops().front();
    database_down();
    positions_.lose(r.position_id);
    database_up();

    ASSERT_EQ(manager_->live().size(), 1U);
    const auto& pos = manager_->live().at(btc);
    EXPECT_NE(pos.id, r.position_id);
    const auto& row = positions_.row(pos.id);
    EXPECT_EQ(row.state, db::position_state::protected_);
    EXPECT_EQ(row.stop_price, stop.trigger_price);
    EXPECT_EQ(row.quantity, "0.010"_d);
    ASSERT_EQ(venue_stops().size(), 1U);
    EXPECT_EQ(venue_stops().front().client_id, stop.client_id) << "the live stop is kept";
    const auto entry = journal_.of(pos.id, core::order_purpose::entry);
    ASSERT_EQ(entry.size(), 1U);
    EXPECT_EQ(entry.front().client_order_id,
              (core::client_order_id{r.position_id, core::order_purpose::entry, 0, true}.str()));
    EXPECT_EQ(entry.front().status, db::order_status::filled);
    const auto stops = journal_.of(pos.id, core::order_purpose::stop);
    ASSERT_EQ(stops.size(), 1U);
    EXPECT_EQ(stops.front().client_order_id, stop.client_id->str());

    // Its later writes go through: the trailing stop moves and is saved on the new row.
    mark("61000.00"_d);
    EXPECT_EQ(venue_stops().front().trigger_price, "60695.00"_d);
    EXPECT_EQ(positions_.row(pos.id).stop_price, "60695.00"_d);
}

// Without an outage nothing changes: no reload, no journal lookups.
TEST_F(db_outage_test, no_outage_means_no_reload) {
    const auto r = open_long();
    ASSERT_EQ(r.kind, open_result_kind::protected_) << r.reason;
    manager_->database_back();
    settle();
    ASSERT_EQ(manager_->live().size(), 1U);
    EXPECT_EQ(manager_->live().at(btc).id, r.position_id);
    EXPECT_EQ(journal_.of(r.position_id, core::order_purpose::stop).size(), 1U);
}

}  // namespace
}  // namespace tradebot::trading
