// trading.entry_order_type: market by default, limit IOC bounded by entry_max_slippage_percent.
#include <gtest/gtest.h>

#include "integration/trading/fixture.hpp"

namespace tradebot::trading::test {
namespace {

class entry_order_test : public trading_test {
protected:
    // The entry's journal row: type, price ('' for none), status, filled quantity.
    std::string entry_row(std::int64_t position) {
        pqxx::connection conn{url_};
        pqxx::work tx{conn};
        tx.exec("SET search_path TO \"" + schema_ + "\"");
        const auto r = tx.exec_params(
            "SELECT type || '|' || coalesce(price::text, '') || '|' || status || '|' || filled_qty::text "
            "FROM orders WHERE position_id = $1 AND purpose = 'entry'",
            position);
        return r.empty() ? std::string{} : r[0][0].as<std::string>();
    }

    void use_limit_ioc() {
        settings_.trading.entry_order_type = config::entry_order::limit_ioc;
        settings_.trading.entry_max_slippage_percent = "0.15"_d;
    }
};

TEST_F(entry_order_test, market_stays_the_default_entry) {
    start_manager();
    const auto r = await(manager_->open(intent(btc, core::position_side::long_, "0.010"_d)));
    ASSERT_EQ(r.kind, open_result_kind::protected_) << r.reason;
    EXPECT_EQ(entry_row(r.position_id), "market||filled|0.010");
}

TEST_F(entry_order_test, a_limit_ioc_buy_is_bounded_above_the_reference_and_fills_at_the_ask) {
    use_limit_ioc();
    start_manager();
    const auto r = await(manager_->open(intent(btc, core::position_side::long_, "0.010"_d)));
    ASSERT_EQ(r.kind, open_result_kind::protected_) << r.reason;
    // 60000 x 1.0015 = 60090: the limit; the book's ask (mark + one tick) is better and fills.
    EXPECT_EQ(entry_row(r.position_id), "limit|60090.00|filled|0.010");
    EXPECT_EQ(row(r.position_id).entry_price, "60000.10"_d);
    EXPECT_EQ(venue_positions().size(), 1U);
    EXPECT_EQ(stop_trigger(venue_stops(btc)), "58800.10"_d);
    EXPECT_EQ(faulty_->market_orders, 0);
}

TEST_F(entry_order_test, a_limit_ioc_sell_is_bounded_below_the_reference) {
    use_limit_ioc();
    start_manager();
    const auto r = await(manager_->open(intent(eth, core::position_side::short_, "0.100"_d)));
    ASSERT_EQ(r.kind, open_result_kind::protected_) << r.reason;
    // 3000 x 0.9985 = 2995.50; filled at the bid 2999.99.
    EXPECT_EQ(entry_row(r.position_id), "limit|2995.50|filled|0.100");
    EXPECT_EQ(row(r.position_id).entry_price, "2999.99"_d);
}

TEST_F(entry_order_test, a_limit_ioc_the_book_moved_away_from_fills_nothing_and_leaves_nothing) {
    use_limit_ioc();
    start_manager();
    // Decided at 60000; then the market ran: mark and book at 60100, the ask 60100.10 beyond the
    // 60090 bound. (A book the mark has left is not used by the paper venue, so both move.)
    const auto decided = intent(btc, core::position_side::long_, "0.010"_d);
    mark(btc, "60100.05"_d);
    paper_->on_book_ticker(btc, "60100.00"_d, "60100.10"_d, clock_.now());
    const auto r = await(manager_->open(decided));
    EXPECT_EQ(r.kind, open_result_kind::not_filled) << r.reason;
    EXPECT_NE(r.reason.find("filled nothing at 60090.00"), std::string::npos) << r.reason;
    EXPECT_EQ(row(r.position_id).state, db::position_state::failed);
    EXPECT_EQ(entry_row(r.position_id), "limit|60090.00|expired|0");
    EXPECT_TRUE(venue_positions().empty());
    EXPECT_TRUE(venue_stops(btc).empty());
    const auto open = await(paper_->open_orders(btc));
    ASSERT_TRUE(open);
    EXPECT_TRUE(open->empty());
    EXPECT_FALSE(manager_->live().contains(btc));
}

}  // namespace
}  // namespace tradebot::trading::test
