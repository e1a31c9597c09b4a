#include "repo_fixture.hpp"

#include "tradebot/db/order_journal.hpp"
#include "tradebot/db/position_repository.hpp"

namespace tradebot::db::test {
namespace {

class PositionRepositoryTest : public repo_test {
protected:
    position_record load(std::int64_t id) {
        auto rows = await(positions().find(id));
        EXPECT_TRUE(rows) << rows.error();
        EXPECT_EQ(rows ? rows->size() : 0U, 1U);
        return rows && !rows->empty() ? rows->front() : position_record{};
    }
    position_repository positions() { return position_repository{*db_}; }

    // Moves a fresh position to closed with `pnl`, at `closed`.
    void close(std::int64_t id, const char* pnl, time_point closed) {
        position_update u;
        u.closed_at = closed;
        u.close_reason = "stop_loss";
        u.realized_pnl = dec(pnl);
        const auto r = await(positions().transition(id, 0, position_state::closed, std::move(u)));
        ASSERT_TRUE(r) << r.error();
    }
};

TEST_F(PositionRepositoryTest, CreatePendingStoresTheRequestAndDefaults) {
    ASSERT_EQ(sql("INSERT INTO signals (exchange, symbol, side) VALUES ('bybit', 'ETHUSDT', 'short') RETURNING id"),
              "1");
    new_position p;
    p.exchange = core::exchange_id::bybit;
    p.symbol = core::symbol::from_string("ETHUSDT");
    p.side = core::position_side::short_;
    p.mode = core::mode::production;
    p.signal_id = 1;
    p.leverage = dec("12.5");
    const auto id = await(positions().create_pending(std::move(p)));
    ASSERT_TRUE(id) << id.error();

    const auto row = load(*id);
    EXPECT_EQ(row.id, *id);
    EXPECT_EQ(row.version, 0);
    EXPECT_EQ(row.exchange, core::exchange_id::bybit);
    EXPECT_EQ(row.symbol.str(), "ETHUSDT");
    EXPECT_EQ(row.side, core::position_side::short_);
    EXPECT_EQ(row.mode, core::mode::production);
    EXPECT_EQ(row.state, position_state::pending_entry);
    EXPECT_EQ(row.signal_id, std::optional<std::int64_t>{1});
    EXPECT_EQ(row.leverage.to_string(), "12.5");
    EXPECT_EQ(row.quantity.to_string(), "0");
    EXPECT_EQ(row.fees.to_string(), "0");
    EXPECT_FALSE(row.entry_price || row.exit_price || row.stop_price || row.realized_pnl);
    EXPECT_FALSE(row.stop_order_id || row.stop_client_order_id || row.close_reason);
    EXPECT_FALSE(row.trailing_activated);
    EXPECT_FALSE(row.opened_at || row.closed_at || row.trailing_activated_at || row.trailing_last_move_at);
}

TEST_F(PositionRepositoryTest, CreatePendingWithEntryWritesBothRowsInOneStatement) {
    new_position p;
    p.exchange = core::exchange_id::binance;
    p.symbol = core::symbol::from_string("ADAUSDT");
    p.side = core::position_side::long_;
    p.mode = core::mode::test;
    p.leverage = dec("10");
    order_record entry;
    entry.exchange = core::exchange_id::binance;
    entry.symbol = p.symbol;
    entry.mode = core::mode::test;
    entry.purpose = core::order_purpose::entry;
    entry.side = core::side::buy;
    entry.type = core::order_type::market;
    entry.quantity = dec("37");
    const auto made = await(positions().create_pending_with_entry(p, entry));
    ASSERT_TRUE(made) << made.error();
    EXPECT_EQ(load(made->position_id).state, position_state::pending_entry);
    EXPECT_EQ(made->client_id.str(), "tbt-" + std::to_string(made->position_id) + "-en-0");

    order_journal journal{*db_};
    const auto row = await(journal.find_by_client_id(made->client_id.str()));
    ASSERT_TRUE(row) << row.error();
    ASSERT_TRUE(*row);
    EXPECT_EQ((*row)->id, made->journal_id);
    EXPECT_EQ((*row)->position_id, std::optional<std::int64_t>{made->position_id});
    EXPECT_EQ((*row)->status, order_status::pending);
    EXPECT_EQ((*row)->attempt, 0);
    EXPECT_EQ((*row)->quantity.to_string(), "37");
    EXPECT_EQ((*row)->side, core::side::buy);
    EXPECT_FALSE((*row)->reduce_only);

    // A second live position on the symbol: neither row is written.
    const auto again = await(positions().create_pending_with_entry(p, entry));
    ASSERT_FALSE(again);
    EXPECT_TRUE(again.error().is(errc::already_live)) << again.error();
    EXPECT_EQ(sql("SELECT count(*) FROM orders"), "1");
}

// The entry's position id comes from a block reserved ahead (committed synchronously, so a
// crash cannot hand it out again); other inserts take the sequence's next value above the block.
TEST_F(PositionRepositoryTest, EntryPositionIdsComeFromAReservedBlock) {
    position_repository repo{*db_};
    auto entry_on = [&](position_repository& on, const char* symbol) {
        auto [p, entry] = entry_rows(symbol);
        const auto made = await(on.create_pending_with_entry(std::move(p), std::move(entry)));
        EXPECT_TRUE(made) << made.error();
        return made ? made->position_id : std::int64_t{0};
    };
    EXPECT_EQ(repo.reserved_ids(), 0U);
    const auto first = entry_on(repo, "BTCUSDT");
    EXPECT_EQ(repo.reserved_ids(), 255U);  // a block of 256, one used
    const auto other = open_position("ETHUSDT");
    EXPECT_GT(other, first + 255);
    const auto second = entry_on(repo, "SOLUSDT");
    EXPECT_EQ(second, first + 1);
    EXPECT_EQ(load(second).state, position_state::pending_entry);

    // A restart forgets the unused rest of the block; none of its ids comes back.
    position_repository restarted{*db_};
    EXPECT_EQ(entry_on(restarted, "XRPUSDT"), other + 1);
}

// The entry's statement claims its signal for the owner (a signal decided from its NOTIFY is
// nobody's yet) and writes nothing when another claimer has it or it is decided already.
TEST_F(PositionRepositoryTest, EntryRowsClaimTheirSignalOrAreNotWritten) {
    for (int i = 0; i < 3; ++i) {
        sql("INSERT INTO signals (exchange, symbol, side) VALUES ('binance', 'BTCUSDT', 'long')");
    }
    sql("UPDATE signals SET claimed_by = 'other' WHERE id = 2");
    sql("UPDATE signals SET status = 'skipped', status_at = now(), claimed_by = 'me' WHERE id = 3");
    auto entry_for = [&](std::int64_t signal, const char* symbol) {
        auto [p, o] = entry_rows(symbol);
        p.signal_id = signal;
        p.signal_owner = "me";
        return await(positions().create_pending_with_entry(std::move(p), std::move(o)));
    };
    const auto mine = entry_for(1, "BTCUSDT");
    ASSERT_TRUE(mine) << mine.error();
    EXPECT_EQ(sql("SELECT claimed_by || '|' || status FROM signals WHERE id = 1"), "me|new");
    EXPECT_EQ(load(mine->position_id).signal_id, std::optional<std::int64_t>{1});

    for (const std::int64_t taken : {2, 3, 42}) {
        const auto r = entry_for(taken, "ETHUSDT");
        ASSERT_FALSE(r) << taken;
        EXPECT_TRUE(r.error().is(errc::signal_taken)) << r.error();
    }
    EXPECT_EQ(sql("SELECT claimed_by FROM signals WHERE id = 2"), "other");
    EXPECT_EQ(sql("SELECT count(*) FROM positions"), "1");
    EXPECT_EQ(sql("SELECT count(*) FROM orders"), "1");
}

// An adopted position takes a reserved id when there is one (and then commits without an
// fsync), and the sequence's next value when the reserve is empty; either way in one transaction.
TEST_F(PositionRepositoryTest, AFoundPositionTakesAReservedIdWhenThereIsOne) {
    position_repository repo{*db_};
    auto found = [&](const char* symbol) {
        auto [p, entry] = entry_rows(symbol);
        position_update u;
        u.quantity = dec("2");
        u.entry_price = dec("10.5");
        const auto r = await(repo.create_found(std::move(p), position_state::entry_placed, std::move(u)));
        EXPECT_TRUE(r) << r.error();
        return r ? r->first : std::int64_t{0};
    };
    const auto unreserved = found("BTCUSDT");
    repo.reserve_ids_ahead();
    EXPECT_EQ(sql("SELECT 1"), "1");  // queued behind the reservation on the DB thread
    EXPECT_EQ(repo.reserved_ids(), 256U);
    const auto reserved = found("ETHUSDT");
    EXPECT_EQ(reserved, unreserved + 1);
    EXPECT_EQ(repo.reserved_ids(), 255U);
    const auto row = load(reserved);
    EXPECT_EQ(row.state, position_state::entry_placed);
    EXPECT_EQ(row.version, 1);
    EXPECT_EQ(row.quantity.to_string(), "2");
    EXPECT_EQ(sql("SELECT entry_price::text FROM positions WHERE id = " + std::to_string(reserved)), "10.5");
}

TEST_F(PositionRepositoryTest, TransitionRoundTripsEveryFieldExactly) {
    const auto id = open_position("BTCUSDT");
    position_update u;
    u.quantity = dec("0.00001234");
    u.entry_price = dec("65000.1");
    u.exit_price = dec("64999.99999999");
    u.stop_price = dec("63700.098");
    u.stop_order_id = "8389765519";
    u.stop_client_order_id = "tbt-1-stop-0";
    u.trailing_activated = true;
    u.trailing_activated_at = at_us(1'000'001);
    u.trailing_peak_price = dec("66000.00000000");
    u.trailing_last_move_at = at_us(2'000'002);
    u.opened_at = at_us(999'999);
    u.closed_at = at_us(3'000'003);
    u.close_reason = "trailing_stop";
    u.realized_pnl = dec("-0.000000012345678901");
    u.fees = dec("0.02600004");
    const auto v = await(positions().transition(id, 0, position_state::closed, u));
    ASSERT_TRUE(v) << v.error();
    EXPECT_EQ(*v, 1);

    const auto row = load(id);
    EXPECT_EQ(row.version, 1);
    EXPECT_EQ(row.state, position_state::closed);
    EXPECT_EQ(row.quantity.to_string(), "0.00001234");
    EXPECT_EQ(row.entry_price->to_string(), "65000.1");
    EXPECT_EQ(row.exit_price->to_string(), "64999.99999999");
    EXPECT_EQ(row.stop_price->to_string(), "63700.098");
    EXPECT_EQ(row.stop_order_id, std::optional<std::string>{"8389765519"});
    EXPECT_EQ(row.stop_client_order_id, std::optional<std::string>{"tbt-1-stop-0"});
    EXPECT_TRUE(row.trailing_activated);
    EXPECT_EQ(row.trailing_activated_at, at_us(1'000'001));
    EXPECT_EQ(row.trailing_peak_price->to_string(), "66000.00000000");
    EXPECT_EQ(row.trailing_last_move_at, at_us(2'000'002));
    EXPECT_EQ(row.opened_at, at_us(999'999));
    EXPECT_EQ(row.closed_at, at_us(3'000'003));
    EXPECT_EQ(row.close_reason, std::optional<std::string>{"trailing_stop"});
    EXPECT_EQ(row.realized_pnl->to_string(), "-0.000000012345678901");
    EXPECT_EQ(row.fees.to_string(), "0.02600004");
    // The database holds the same digits (no float on the way in).
    EXPECT_EQ(sql("SELECT entry_price::text || '|' || qty::text FROM positions WHERE id = " + std::to_string(id)),
              "65000.1|0.00001234");
    EXPECT_EQ(sql("SELECT to_char(closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM positions"),
              "2026-01-01 00:00:03.000003");
}

TEST_F(PositionRepositoryTest, TransitionLeavesUnsetFieldsAlone) {
    const auto id = open_position("BTCUSDT");
    position_update first;
    first.quantity = dec("0.5");
    first.entry_price = dec("100.25");
    ASSERT_TRUE(await(positions().transition(id, 0, position_state::entry_placed, first)));
    position_update second;
    second.stop_price = dec("98");
    const auto v = await(positions().transition(id, 1, position_state::protected_, second));
    ASSERT_TRUE(v) << v.error();
    EXPECT_EQ(*v, 2);
    const auto row = load(id);
    EXPECT_EQ(row.state, position_state::protected_);
    EXPECT_EQ(row.quantity.to_string(), "0.5");
    EXPECT_EQ(row.entry_price->to_string(), "100.25");
    EXPECT_EQ(row.stop_price->to_string(), "98");
}

TEST_F(PositionRepositoryTest, AnAsynchronouslyCommittedTransitionWritesAndKeepsTheVersionGuard) {
    // A restored stop's row (stop_keeper): the same write, committed without waiting for the flush.
    const auto id = open_position("ADAUSDT");
    position_update u;
    u.stop_price = dec("0.512");
    u.stop_client_order_id = "tbp-1-stop-0";
    u.async_commit = true;
    const auto v = await(positions().transition(id, 0, position_state::protected_, u));
    ASSERT_TRUE(v) << v.error();
    EXPECT_EQ(*v, 1);
    const auto row = load(id);
    EXPECT_EQ(row.state, position_state::protected_);
    EXPECT_EQ(row.stop_price->to_string(), "0.512");
    const auto stale = await(positions().transition(id, 0, position_state::protected_, u));
    ASSERT_FALSE(stale);
    EXPECT_EQ(stale.error().code, make_error_code(errc::stale_version)) << stale.error();
}

TEST_F(PositionRepositoryTest, SecondLivePositionOnTheSymbolIsAlreadyLive) {
    open_position("SOLUSDT");
    new_position again;
    again.exchange = core::exchange_id::binance;
    again.symbol = core::symbol::from_string("SOLUSDT");
    again.side = core::position_side::short_;  // the other direction is still the same slot
    again.mode = core::mode::test;
    const auto r = await(positions().create_pending(std::move(again)));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, make_error_code(errc::already_live)) << r.error();
    EXPECT_TRUE(r.error().is(errc::already_live));
    EXPECT_TRUE(r.error().is(errc::unique_violation));  // what position_opener checks
    EXPECT_FALSE(r.error().is(errc::constraint_violation));
    EXPECT_EQ(r.error().sqlstate, "23505");
    EXPECT_EQ(sql("SELECT count(*) FROM positions"), "1");

    // Another venue and the other mode are separate slots.
    EXPECT_NE(open_position("SOLUSDT", core::exchange_id::bybit), 0);
    EXPECT_NE(open_position("SOLUSDT", core::exchange_id::binance, core::mode::production), 0);
}

TEST_F(PositionRepositoryTest, AClosedOrFailedPositionFreesTheSymbol) {
    const auto first = open_position("XRPUSDT");
    close(first, "1.5", at_us(0));
    const auto second = open_position("XRPUSDT");
    ASSERT_NE(second, 0);
    EXPECT_NE(second, first);

    position_update fail;
    fail.closed_at = at_us(5);
    fail.close_reason = "entry_rejected";
    ASSERT_TRUE(await(positions().transition(second, 0, position_state::failed, fail)));
    EXPECT_NE(open_position("XRPUSDT"), 0);
    EXPECT_EQ(sql("SELECT count(*) FROM positions WHERE symbol = 'XRPUSDT'"), "3");
}

TEST_F(PositionRepositoryTest, StaleVersionIsRefusedAndChangesNothing) {
    const auto id = open_position("ADAUSDT");
    position_update u;
    u.quantity = dec("10");
    ASSERT_TRUE(await(positions().transition(id, 0, position_state::entry_placed, u)));

    position_update late;
    late.quantity = dec("99");
    const auto r = await(positions().transition(id, 0, position_state::closing, late));
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::stale_version)) << r.error();
    const auto row = load(id);
    EXPECT_EQ(row.version, 1);
    EXPECT_EQ(row.state, position_state::entry_placed);
    EXPECT_EQ(row.quantity.to_string(), "10");

    const auto missing = await(positions().transition(id + 100, 0, position_state::closing, late));
    ASSERT_FALSE(missing);
    EXPECT_TRUE(missing.error().is(errc::stale_version));
}

TEST_F(PositionRepositoryTest, LoadLiveAndCountsPerVenueSeeOnlyLiveRowsOfTheMode) {
    const auto a = open_position("BTCUSDT");
    const auto b = open_position("ETHUSDT");
    const auto c = open_position("ETHUSDT", core::exchange_id::bybit);
    open_position("BNBUSDT", core::exchange_id::binance, core::mode::production);
    close(b, "0", at_us(0));

    const auto live = await(positions().load_live(core::mode::test));
    ASSERT_TRUE(live) << live.error();
    ASSERT_EQ(live->size(), 2U);
    EXPECT_EQ((*live)[0].id, a);
    EXPECT_EQ((*live)[1].id, c);

    const auto counts = await(positions().count_live_by_exchange(core::mode::test));
    ASSERT_TRUE(counts) << counts.error();
    EXPECT_EQ(counts->size(), 2U);
    EXPECT_EQ(counts->at(core::exchange_id::binance), 1);
    EXPECT_EQ(counts->at(core::exchange_id::bybit), 1);
    const auto prod = await(positions().count_live_by_exchange(core::mode::production));
    ASSERT_TRUE(prod);
    EXPECT_EQ(prod->size(), 1U);
    EXPECT_EQ(prod->at(core::exchange_id::binance), 1);

    const auto none = await(positions().find(a + 1000));
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
}

TEST_F(PositionRepositoryTest, RealizedPnlSinceSumsClosedPositionsOfTheModeExactly) {
    close(open_position("AUSDT"), "-12.345", at_us(-1));          // before the window
    close(open_position("BUSDT"), "0.1", at_us(0));               // on the boundary: counted
    close(open_position("CUSDT"), "-0.00000001", at_us(60'000'000));
    close(open_position("DUSDT"), "0.2", at_us(120'000'000));
    close(open_position("EUSDT", core::exchange_id::binance, core::mode::production), "-500", at_us(10));
    open_position("FUSDT");  // live, no pnl

    const auto test_pnl = await(positions().realized_pnl_since(at_us(0), core::mode::test));
    ASSERT_TRUE(test_pnl) << test_pnl.error();
    EXPECT_EQ(*test_pnl, dec("0.29999999"));
    EXPECT_EQ(test_pnl->to_string(), "0.29999999");

    const auto prod = await(positions().realized_pnl_since(at_us(0), core::mode::production));
    ASSERT_TRUE(prod);
    EXPECT_EQ(prod->to_string(), "-500");

    const auto later = await(positions().realized_pnl_since(at_us(200'000'000), core::mode::test));
    ASSERT_TRUE(later);
    EXPECT_EQ(*later, core::decimal::from_int(0));
}

}  // namespace
}  // namespace tradebot::db::test
