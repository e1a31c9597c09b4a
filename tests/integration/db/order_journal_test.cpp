#include "repo_fixture.hpp"

#include "tradebot/db/order_journal.hpp"

namespace tradebot::db::test {
namespace {

class OrderJournalTest : public repo_test {
protected:
    order_journal journal() { return order_journal{*db_}; }

    order_record stop_order(std::int64_t position, int attempt) {
        order_record o;
        o.position_id = position;
        o.exchange = core::exchange_id::bybit;
        o.symbol = core::symbol::from_string("PEPEUSDT");
        o.mode = core::mode::test;
        o.purpose = core::order_purpose::stop;
        o.side = core::side::sell;
        o.type = core::order_type::stop_market;
        o.quantity = dec("1234567.89");
        o.stop_price = dec("0.00001234");
        o.reduce_only = true;
        o.attempt = attempt;
        o.client_order_id = core::client_order_id{position, core::order_purpose::stop,
                                                  static_cast<std::uint16_t>(attempt), true}
                                .str();
        return o;
    }

    std::int64_t insert(order_record o) {
        auto r = await(journal().insert_pending(std::move(o)));
        EXPECT_TRUE(r) << r.error();
        return r ? *r : 0;
    }

    order_record by_client_id(const std::string& cid) {
        auto r = await(journal().find_by_client_id(cid));
        EXPECT_TRUE(r) << r.error();
        EXPECT_TRUE(r && r->has_value()) << cid;
        return r && *r ? **r : order_record{};
    }

    static order_update report(order_status s, const char* filled = nullptr) {
        order_update u;
        u.status = s;
        if (filled != nullptr) {
            u.filled_quantity = dec(filled);
        }
        return u;
    }
};

TEST_F(OrderJournalTest, InsertPendingRoundTripsEveryField) {
    const auto pos = open_position("PEPEUSDT", core::exchange_id::bybit);
    auto o = stop_order(pos, 3);
    o.algo_id = "algo-77";
    const auto id = insert(o);
    ASSERT_NE(id, 0);

    const auto row = by_client_id(o.client_order_id);
    EXPECT_EQ(row.id, id);
    EXPECT_EQ(row.position_id, std::optional<std::int64_t>{pos});
    EXPECT_EQ(row.exchange, core::exchange_id::bybit);
    EXPECT_EQ(row.symbol.str(), "PEPEUSDT");
    EXPECT_EQ(row.mode, core::mode::test);
    EXPECT_EQ(row.purpose, core::order_purpose::stop);
    EXPECT_EQ(row.side, core::side::sell);
    EXPECT_EQ(row.type, core::order_type::stop_market);
    EXPECT_EQ(row.quantity.to_string(), "1234567.89");
    EXPECT_FALSE(row.price);
    EXPECT_EQ(row.stop_price->to_string(), "0.00001234");
    EXPECT_TRUE(row.reduce_only);
    EXPECT_EQ(row.status, order_status::pending);
    EXPECT_EQ(row.client_order_id, "tbt-" + std::to_string(pos) + "-sl-3");
    EXPECT_EQ(row.attempt, 3);
    EXPECT_EQ(row.algo_id, std::optional<std::string>{"algo-77"});
    EXPECT_FALSE(row.venue_order_id || row.average_price || row.error_code || row.error_message || row.sent_at);
    EXPECT_TRUE(row.created_at);
    EXPECT_EQ(row.filled_quantity.to_string(), "0");

    auto missing = await(journal().find_by_client_id("tbt-999-entry-0"));
    ASSERT_TRUE(missing);
    EXPECT_FALSE(missing->has_value());
}

TEST_F(OrderJournalTest, InsertPendingRefusesADuplicateOrMissingClientId) {
    const auto pos = open_position("PEPEUSDT", core::exchange_id::bybit);
    insert(stop_order(pos, 0));
    const auto dup = await(journal().insert_pending(stop_order(pos, 0)));
    ASSERT_FALSE(dup);
    EXPECT_TRUE(dup.error().is(errc::unique_violation)) << dup.error();

    auto anonymous = stop_order(pos, 1);
    anonymous.client_order_id.clear();
    const auto none = await(journal().insert_pending(anonymous));
    ASSERT_FALSE(none);
    EXPECT_TRUE(none.error().is(errc::invalid_argument));
    EXPECT_EQ(sql("SELECT count(*) FROM orders"), "1");
}

TEST_F(OrderJournalTest, NextAttemptCountsPerPositionAndPurpose) {
    const auto pos = open_position("PEPEUSDT", core::exchange_id::bybit);
    const auto other = open_position("DOGEUSDT", core::exchange_id::bybit);
    auto first = await(journal().next_attempt(pos, core::order_purpose::stop));
    ASSERT_TRUE(first) << first.error();
    EXPECT_EQ(*first, 0);

    insert(stop_order(pos, 0));
    insert(stop_order(pos, 1));
    insert(stop_order(pos, 4));  // gaps do not matter: max + 1
    EXPECT_EQ(*await(journal().next_attempt(pos, core::order_purpose::stop)), 5);
    EXPECT_EQ(*await(journal().next_attempt(pos, core::order_purpose::exit)), 0);
    EXPECT_EQ(*await(journal().next_attempt(other, core::order_purpose::stop)), 0);

    // insert_next_attempt takes the same numbering and builds the client id from it.
    auto exit = stop_order(pos, 0);
    exit.purpose = core::order_purpose::trailing;
    exit.client_order_id.clear();
    const auto a = await(journal().insert_next_attempt(exit));
    const auto b = await(journal().insert_next_attempt(exit));
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->client_id.str(), "tbt-" + std::to_string(pos) + "-tr-0");
    EXPECT_EQ(b->client_id.str(), "tbt-" + std::to_string(pos) + "-tr-1");
    EXPECT_EQ(by_client_id(b->client_id.str()).attempt, 1);
    EXPECT_EQ(*await(journal().next_attempt(pos, core::order_purpose::trailing)), 2);
}

TEST_F(OrderJournalTest, MarkSentMovesPendingOnceAndKeepsAnEarlierVenueStatus) {
    const auto pos = open_position("PEPEUSDT", core::exchange_id::bybit);
    const auto a = stop_order(pos, 0);
    const auto b = stop_order(pos, 1);
    const auto id_a = insert(a);
    const auto id_b = insert(b);

    ASSERT_TRUE(*await(journal().mark_sent(id_a)));
    auto row = by_client_id(a.client_order_id);
    EXPECT_EQ(row.status, order_status::sent);
    ASSERT_TRUE(row.sent_at);

    // The stream's "new" overtook the REST answer: mark_sent must not move it back.
    ASSERT_TRUE(await(journal().update_from_venue(b.client_order_id, report(order_status::new_))));
    ASSERT_TRUE(*await(journal().mark_sent(id_b)));
    EXPECT_EQ(by_client_id(b.client_order_id).status, order_status::new_);

    EXPECT_FALSE(*await(journal().mark_sent(id_b + 100)));
}

TEST_F(OrderJournalTest, VenueReportsOnlyMoveAnOrderForward) {
    const auto pos = open_position("PEPEUSDT", core::exchange_id::bybit);
    const auto o = stop_order(pos, 0);
    insert(o);

    auto u = report(order_status::partially_filled, "0.5");
    u.venue_order_id = "1900000001";
    u.average_price = dec("0.00001235");
    auto r = await(journal().update_from_venue(o.client_order_id, u));
    ASSERT_TRUE(r) << r.error();
    ASSERT_TRUE(r->has_value());
    EXPECT_TRUE((*r)->applied);
    EXPECT_EQ((*r)->order.status, order_status::partially_filled);
    EXPECT_EQ((*r)->order.filled_quantity.to_string(), "0.5");
    EXPECT_EQ((*r)->order.venue_order_id, std::optional<std::string>{"1900000001"});
    EXPECT_EQ((*r)->order.average_price->to_string(), "0.00001235");
    EXPECT_TRUE((*r)->order.sent_at);  // a venue report proves it left

    // A late REST answer with the older state changes nothing.
    r = await(journal().update_from_venue(o.client_order_id, report(order_status::new_, "0")));
    ASSERT_TRUE(r && r->has_value());
    EXPECT_FALSE((*r)->applied);
    EXPECT_EQ((*r)->order.status, order_status::partially_filled);
    EXPECT_EQ((*r)->order.filled_quantity.to_string(), "0.5");

    // A second partial report never lowers filled_qty.
    r = await(journal().update_from_venue(o.client_order_id, report(order_status::partially_filled, "0.4")));
    ASSERT_TRUE(r && r->has_value());
    EXPECT_TRUE((*r)->applied);
    EXPECT_EQ((*r)->order.filled_quantity.to_string(), "0.5");

    r = await(journal().update_from_venue(o.client_order_id, report(order_status::filled, "1234567.89")));
    ASSERT_TRUE(r && r->has_value());
    EXPECT_TRUE((*r)->applied);
    EXPECT_EQ((*r)->order.status, order_status::filled);
    EXPECT_EQ((*r)->order.venue_order_id, std::optional<std::string>{"1900000001"});  // kept

    // Terminal is final.
    auto cancel = report(order_status::canceled);
    cancel.error_code = "110001";
    r = await(journal().update_from_venue(o.client_order_id, cancel));
    ASSERT_TRUE(r && r->has_value());
    EXPECT_FALSE((*r)->applied);
    const auto row = by_client_id(o.client_order_id);
    EXPECT_EQ(row.status, order_status::filled);
    EXPECT_EQ(row.filled_quantity.to_string(), "1234567.89");
    EXPECT_FALSE(row.error_code);

    const auto stranger = await(journal().update_from_venue("web_12345", report(order_status::filled)));
    ASSERT_TRUE(stranger);
    EXPECT_FALSE(stranger->has_value());
}

TEST_F(OrderJournalTest, ALateRestAnswerDoesNotUndoTheStreamReport) {
    const auto pos = open_position("BTCUSDT", core::exchange_id::binance);
    const auto o = stop_order(pos, 0);
    const auto id = insert(o);
    // The stop fired and the stream said so before the placement's own answer was written.
    ASSERT_TRUE(await(journal().update_from_venue(o.client_order_id, report(order_status::triggered))));
    auto answer = report(order_status::new_);
    answer.venue_order_id = "4000000001";
    ASSERT_TRUE(await(journal().update(id, answer)));
    EXPECT_EQ(by_client_id(o.client_order_id).status, order_status::triggered);
    ASSERT_TRUE(await(journal().update(id, report(order_status::filled, "1"))));
    EXPECT_EQ(by_client_id(o.client_order_id).status, order_status::filled);
    ASSERT_TRUE(await(journal().update(id, report(order_status::canceled))));
    EXPECT_EQ(by_client_id(o.client_order_id).status, order_status::filled);
}

TEST_F(OrderJournalTest, EndOpenStopsEndsAllButTheKeptAndFinalRows) {
    const auto pos = open_position("SOLUSDT", core::exchange_id::bybit);
    const auto first = stop_order(pos, 0);
    const auto fired = stop_order(pos, 1);
    const auto kept = stop_order(pos, 2);
    insert(first);
    insert(fired);
    const auto kept_id = insert(kept);
    ASSERT_TRUE(await(journal().update_from_venue(fired.client_order_id, report(order_status::filled))));
    const auto ended = await(journal().end_open_stops(pos, order_status::canceled, "replaced", kept_id));
    ASSERT_TRUE(ended) << ended.error();
    EXPECT_EQ(*ended, 1);
    EXPECT_EQ(by_client_id(first.client_order_id).status, order_status::canceled);
    EXPECT_EQ(by_client_id(first.client_order_id).error_message, std::optional<std::string>{"replaced"});
    EXPECT_EQ(by_client_id(fired.client_order_id).status, order_status::filled);
    EXPECT_EQ(by_client_id(kept.client_order_id).status, order_status::pending);
    EXPECT_FALSE(await(journal().end_open_stops(pos, order_status::new_, "not final", std::nullopt)));
}

TEST_F(OrderJournalTest, RejectionKeepsTheVenueErrorText) {
    const auto pos = open_position("PEPEUSDT", core::exchange_id::bybit);
    const auto o = stop_order(pos, 0);
    insert(o);
    auto u = report(order_status::rejected);
    u.error_code = "-2021";
    u.error_message = "Order would immediately trigger.";
    ASSERT_TRUE(await(journal().update_from_venue(o.client_order_id, u)));
    const auto row = by_client_id(o.client_order_id);
    EXPECT_EQ(row.status, order_status::rejected);
    EXPECT_EQ(row.error_code, std::optional<std::string>{"-2021"});
    EXPECT_EQ(row.error_message, std::optional<std::string>{"Order would immediately trigger."});
}

TEST_F(OrderJournalTest, OpenForPositionAndUnresolvedSelectByStatus) {
    const auto pos = open_position("PEPEUSDT", core::exchange_id::bybit);
    const auto other = open_position("DOGEUSDT", core::exchange_id::bybit);
    const order_status statuses[] = {order_status::pending,   order_status::sent,     order_status::unknown,
                                     order_status::new_,      order_status::triggered, order_status::filled,
                                     order_status::canceled};
    std::vector<std::int64_t> ids;
    int attempt = 0;
    for (const auto s : statuses) {
        const auto o = stop_order(pos, attempt++);
        ids.push_back(insert(o));
        if (s != order_status::pending) {
            order_update u;
            u.status = s;
            ASSERT_TRUE(await(journal().update(ids.back(), u)));
        }
    }
    insert(stop_order(other, 0));
    auto prod = stop_order(other, 1);
    prod.mode = core::mode::production;
    insert(prod);

    const auto open = await(journal().open_for_position(pos));
    ASSERT_TRUE(open) << open.error();
    ASSERT_EQ(open->size(), 4U);
    EXPECT_EQ((*open)[0].id, ids[0]);
    EXPECT_EQ((*open)[3].id, ids[3]);
    EXPECT_EQ((*open)[3].status, order_status::new_);

    const auto unresolved = await(journal().unresolved(core::mode::test));
    ASSERT_TRUE(unresolved) << unresolved.error();
    ASSERT_EQ(unresolved->size(), 4U);  // pending, sent, unknown of pos + pending of other
    EXPECT_EQ((*unresolved)[2].status, order_status::unknown);
    EXPECT_EQ((*unresolved)[3].position_id, std::optional<std::int64_t>{other});
    const auto prod_unresolved = await(journal().unresolved(core::mode::production));
    ASSERT_TRUE(prod_unresolved);
    EXPECT_EQ(prod_unresolved->size(), 1U);

    const auto all = await(journal().for_position(pos));
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 7U);
}

}  // namespace
}  // namespace tradebot::db::test
