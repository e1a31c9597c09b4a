// The pure decisions behind the operator's commands: what is a zombie, what is a duplicate stop,
// and how the database's live rows differ from the venue.
#include "tradebot/trading/operator_checks.hpp"

#include <gtest/gtest.h>

namespace tradebot::trading {
namespace {

core::symbol sym(const char* s) { return core::symbol::from_string(s); }
core::decimal d(const char* s) { return core::decimal::from_string(s); }

core::client_order_id ours(std::int64_t position, core::order_purpose purpose) {
    core::client_order_id id;
    id.position_id = position;
    id.purpose = purpose;
    return id;
}

exchange::order_state order(const char* symbol, std::optional<core::client_order_id> id, const char* raw) {
    exchange::order_state o;
    o.symbol = sym(symbol);
    o.client_id = id;
    o.raw_client_id = raw;
    o.venue_order_id = std::string{"v-"} + raw;
    return o;
}

exchange::stop_state stop(const char* symbol, core::position_side side, const char* trigger, const char* venue_id,
                          std::optional<core::client_order_id> id,
                          exchange::stop_kind kind = exchange::stop_kind::fixed) {
    exchange::stop_state s;
    s.symbol = sym(symbol);
    s.position = side;
    s.kind = kind;
    if (trigger != nullptr) {
        s.trigger_price = d(trigger);
    }
    s.venue_id = venue_id;
    s.client_id = id;
    return s;
}

const auto long_ = core::position_side::long_;
const auto short_ = core::position_side::short_;

TEST(find_zombies, lists_ours_on_free_symbols_only_and_never_a_stop_of_a_held_symbol) {
    const std::set<core::symbol> venue{sym("BTCUSDT")};
    const std::set<core::symbol> book{sym("SOLUSDT")};  // opening: not free either
    const std::vector<exchange::order_state> orders{
        order("ETHUSDT", ours(7, core::order_purpose::entry), "tbp-7-en-0"),  // zombie
        order("ETHUSDT", std::nullopt, "manual-1"),                          // not ours
        order("BTCUSDT", ours(8, core::order_purpose::exit), "tbp-8-ex-0"),  // the symbol has a position
        order("SOLUSDT", ours(9, core::order_purpose::entry), "tbp-9-en-0"),  // the book holds the symbol
    };
    const std::vector<exchange::stop_state> stops{
        stop("BTCUSDT", long_, "90", "s1", ours(8, core::order_purpose::stop)),  // the live position's stop
        stop("BTCUSDT", long_, "91", "s2", ours(3, core::order_purpose::stop)),  // an old one, still on a held symbol
        stop("XRPUSDT", long_, "1", "s3", ours(4, core::order_purpose::stop)),   // zombie
        stop("XRPUSDT", long_, "1", "s4", std::nullopt),                         // someone else's
        stop("DOGEUSDT", long_, "1", "", ours(5, core::order_purpose::stop)),    // no venue id: a position's own
    };
    const auto z = find_zombies(venue, book, orders, stops);
    ASSERT_EQ(z.size(), 2U);
    EXPECT_EQ(z[0].kind, "order");
    EXPECT_EQ(z[0].symbol, sym("ETHUSDT"));
    EXPECT_EQ(z[0].client_id, "tbp-7-en-0");
    EXPECT_EQ(z[1].kind, "stop");
    EXPECT_EQ(z[1].symbol, sym("XRPUSDT"));
    EXPECT_EQ(z[1].venue_id, "s3");
    for (const auto& one : z) {
        EXPECT_NE(one.symbol, sym("BTCUSDT"));
    }
}

TEST(find_zombies, only_what_two_reads_agree_on_is_confirmed) {
    const std::vector<exchange::order_state> first_orders{order("ETHUSDT", ours(7, core::order_purpose::entry), "tbp-7-en-0"),
                                                         order("ADAUSDT", ours(6, core::order_purpose::entry), "tbp-6-en-0")};
    const auto first = find_zombies({}, {}, first_orders, {});
    // Between the reads ADAUSDT's entry filled: the venue holds a position there now.
    const auto second = find_zombies({sym("ADAUSDT")}, {}, first_orders, {});
    const auto confirmed = confirmed_zombies(first, second);
    ASSERT_EQ(confirmed.size(), 1U);
    EXPECT_EQ(confirmed[0].symbol, sym("ETHUSDT"));
    EXPECT_TRUE(confirmed_zombies(first, {}).empty());
}

TEST(find_duplicate_stops, keeps_the_most_protective_and_the_first_trailing) {
    const std::vector<held_position> live{{sym("BTCUSDT"), long_}, {sym("ETHUSDT"), short_}, {sym("SOLUSDT"), long_}};
    const std::vector<exchange::stop_state> stops{
        stop("BTCUSDT", long_, "90", "b1", ours(1, core::order_purpose::stop)),
        stop("BTCUSDT", long_, "95", "b2", ours(1, core::order_purpose::stop)),  // kept: highest under a long
        stop("BTCUSDT", long_, "80", "b3", std::nullopt),                        // not ours: left alone
        stop("BTCUSDT", long_, nullptr, "t1", ours(1, core::order_purpose::trailing), exchange::stop_kind::trailing),
        stop("BTCUSDT", long_, nullptr, "t2", ours(1, core::order_purpose::trailing), exchange::stop_kind::trailing),
        stop("ETHUSDT", short_, "110", "e1", ours(2, core::order_purpose::stop)),  // kept: lowest over a short
        stop("ETHUSDT", short_, "120", "e2", ours(2, core::order_purpose::stop)),
        stop("SOLUSDT", long_, "10", "s1", ours(3, core::order_purpose::stop)),  // the only one: kept
    };
    const auto dup = find_duplicate_stops(live, stops);
    std::vector<std::string> ids;
    for (const auto& x : dup) {
        ids.push_back(x.venue_id);
    }
    EXPECT_EQ(ids, (std::vector<std::string>{"b1", "t2", "e2"}));
}

TEST(sync_diff, names_each_difference_and_what_apply_does) {
    auto row = [](std::int64_t id, const char* symbol, core::position_side side, const char* qty) {
        db::position_record r;
        r.id = id;
        r.exchange = core::exchange_id::binance;
        r.symbol = sym(symbol);
        r.side = side;
        r.quantity = d(qty);
        r.state = db::position_state::protected_;
        r.stop_price = d("1");
        return r;
    };
    auto held = [](const char* symbol, core::position_side side, const char* qty) {
        exchange::position_state p;
        p.symbol = sym(symbol);
        p.side = side;
        p.quantity = d(qty);
        return p;
    };
    std::vector<db::position_record> rows{row(1, "BTCUSDT", long_, "0.010"), row(2, "ETHUSDT", long_, "0.5"),
                                          row(3, "SOLUSDT", long_, "1"), row(4, "ADAUSDT", short_, "10")};
    auto other_venue = row(5, "XRPUSDT", long_, "1");
    other_venue.exchange = core::exchange_id::bybit;
    rows.push_back(other_venue);
    const std::vector<exchange::position_state> venue{held("BTCUSDT", long_, "0.010"), held("ETHUSDT", long_, "0.3"),
                                                      held("ADAUSDT", long_, "10"), held("DOGEUSDT", short_, "100")};
    const std::vector<exchange::stop_state> stops{stop("BTCUSDT", long_, "90", "b1", std::nullopt),
                                                  stop("ETHUSDT", long_, "1", "", std::nullopt)};
    const auto diff = sync_diff(core::exchange_id::binance, rows, venue, &stops);
    std::vector<std::string> got;
    for (const auto& x : diff) {
        got.push_back(x.symbol.str() + ":" + x.kind);
    }
    EXPECT_EQ(got, (std::vector<std::string>{"ETHUSDT:quantity_differs", "SOLUSDT:only_in_db", "ADAUSDT:side_differs",
                                             "DOGEUSDT:only_on_venue"}));
    EXPECT_EQ(diff[0].db_value, "0.5");
    EXPECT_EQ(diff[0].venue_value, "0.3");
    EXPECT_EQ(diff[1].position_id, 3);
    EXPECT_FALSE(diff[3].position_id.has_value());

    // Without the stop list no stop is judged; a position whose stop is gone is named.
    const std::vector<exchange::stop_state> none;
    const auto bare = sync_diff(core::exchange_id::binance, {row(1, "BTCUSDT", long_, "0.010")},
                                {held("BTCUSDT", long_, "0.010")}, &none);
    ASSERT_EQ(bare.size(), 1U);
    EXPECT_EQ(bare[0].kind, "stop_missing");
    EXPECT_TRUE(sync_diff(core::exchange_id::binance, {row(1, "BTCUSDT", long_, "0.010")},
                          {held("BTCUSDT", long_, "0.010")}, nullptr)
                    .empty());
    EXPECT_TRUE(sync_diff(core::exchange_id::binance, {}, {}, &none).empty());
}

}  // namespace
}  // namespace tradebot::trading
