// Issue 17: every fill is a trades row, and the daily loss limit reads them after a restart.
#include <pqxx/pqxx>

#include "fixture.hpp"
#include "tradebot/trading/risk_manager.hpp"

namespace tradebot::trading::test {

namespace {

struct fill_row {
    std::string side, qty, price, fee, pnl, position, order_purpose;
};

}  // namespace

class trade_history_test : public trading_test {
protected:
    std::vector<fill_row> fills() {
        pqxx::connection conn{url_};
        pqxx::work tx{conn};
        tx.exec("SET search_path TO \"" + schema_ + "\"");
        std::vector<fill_row> out;
        for (const auto& r : tx.exec("SELECT t.side, t.qty::text, t.price::text, t.fee::text, t.realized_pnl::text, "
                                     "t.position_id::text, coalesce(o.purpose, '-') FROM trades t "
                                     "LEFT JOIN orders o ON o.id = t.order_id ORDER BY t.ts, t.id")) {
            out.push_back({r[0].c_str(), r[1].c_str(), r[2].c_str(), r[3].c_str(), r[4].c_str(), r[5].c_str(),
                           r[6].c_str()});
        }
        return out;
    }
};

TEST_F(trade_history_test, an_open_and_its_stop_out_write_two_fills_and_the_day_loss_survives_a_restart) {
    start_manager();
    const auto r = await(manager_->open(intent(btc, core::position_side::long_, "0.010"_d)));
    ASSERT_EQ(r.kind, open_result_kind::protected_) << r.reason;
    mark(btc, "58000.00"_d);  // through the stop at 58800.10: the venue sells at the bid
    run_until([&] { return row(r.position_id).state == db::position_state::closed && fills().size() == 2; });

    const auto rows = fills();
    ASSERT_EQ(rows.size(), 2U);
    const auto id = std::to_string(r.position_id);
    // Entry: buy 0.010 at the ask 60000.10, taker fee 0.05 % of 600.001.
    EXPECT_EQ(rows[0].side, "buy");
    EXPECT_EQ(rows[0].qty, "0.010");
    EXPECT_EQ(rows[0].price, "60000.10");
    EXPECT_EQ(core::decimal::from_string(rows[0].fee), "0.3000005"_d);
    EXPECT_EQ(core::decimal::from_string(rows[0].pnl), "0"_d);
    EXPECT_EQ(rows[0].position, id);
    EXPECT_EQ(rows[0].order_purpose, "entry");  // tied to its journal row by the client id
    // Exit: the stop's market sell at the bid 57999.90: (57999.90 - 60000.10) x 0.010, fee of 579.999.
    EXPECT_EQ(rows[1].side, "sell");
    EXPECT_EQ(rows[1].qty, "0.010");
    EXPECT_EQ(rows[1].price, "57999.90");
    EXPECT_EQ(core::decimal::from_string(rows[1].fee), "0.2899995"_d);
    EXPECT_EQ(core::decimal::from_string(rows[1].pnl), "-20.002"_d);
    EXPECT_EQ(rows[1].position, id);  // the venue's own stop order: tied by the live position

    // A restart: a new manager and new repositories over the same database.
    make_manager();
    start_manager();
    db::trade_repository fresh{*db_};
    const auto day = std::chrono::floor<std::chrono::days>(clock_.now());
    const auto pnl = await(fresh.realized_pnl_since(core::clock::time_point{day}, core::mode::test));
    ASSERT_TRUE(pnl) << pnl.error();
    EXPECT_EQ(*pnl, "-20.592"_d);  // -20.002 - 0.3000005 - 0.2899995
    // The other mode's day is untouched.
    EXPECT_EQ(*await(fresh.realized_pnl_since(core::clock::time_point{day}, core::mode::production)), "0"_d);

    // The risk manager blocks the next entry with a limit of 20 and lets it pass with 21.
    portfolio p;
    p.realized_pnl_today = *pnl;
    p.free_balance_usd[core::exchange_id::binance] = "10000"_d;
    auto next = intent(eth, core::position_side::long_, "0.1"_d);
    settings_.risk.daily_loss_limit_usd = "20"_d;
    const auto blocked = risk_manager{settings_}.check(next, p);
    ASSERT_FALSE(blocked.has_value());
    EXPECT_EQ(blocked.error().reason, risk_reason::daily_loss_limit);
    settings_.risk.daily_loss_limit_usd = "21"_d;
    const auto passes = risk_manager{settings_}.check(next, p);
    EXPECT_TRUE(passes.has_value() || passes.error().reason != risk_reason::daily_loss_limit);
}

TEST_F(trade_history_test, a_replayed_fill_report_is_one_row) {
    start_manager();
    const auto r = await(manager_->open(intent(eth, core::position_side::short_, "0.5"_d)));
    ASSERT_EQ(r.kind, open_result_kind::protected_) << r.reason;
    run_until([&] { return fills().size() == 1; });
    // The same report again (a stream replay after a reconnect): the natural key keeps one row.
    events::order_update u;
    u.exchange = core::exchange_id::binance;
    u.symbol = eth;
    u.client_order_id = core::client_order_id{r.position_id, core::order_purpose::entry, 0, true}.str();
    u.side = core::side::sell;
    u.status = events::order_status::filled;
    pqxx::connection conn{url_};
    pqxx::work tx{conn};
    tx.exec("SET search_path TO \"" + schema_ + "\"");
    const auto t = tx.exec("SELECT exchange_trade_id, qty::text, price::text FROM trades");
    ASSERT_EQ(t.size(), 1U);
    u.trade_id = t[0][0].c_str();
    u.last_fill_quantity = core::decimal::from_string(t[0][1].c_str());
    u.last_fill_price = core::decimal::from_string(t[0][2].c_str());
    u.filled_quantity = u.last_fill_quantity;
    u.average_price = u.last_fill_price;
    u.exchange_ts = clock_.now();
    router_.topic<events::order_update>(events::topic_name::order_update).publish(u);
    settle();
    EXPECT_EQ(fills().size(), 1U);
}

}  // namespace tradebot::trading::test
