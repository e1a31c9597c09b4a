#include "fixture.hpp"

namespace tradebot::sim::bybit::test {

// What ccxt's bybit reads for fetchLedger (account/transaction-log), fetchFundingRateHistory
// (market/funding/history) and fetchMarkOHLCV (market/mark-price-kline).

namespace {

core::decimal dec(const json::value& v) { return core::decimal::parse(v.as_string()).value(); }

}  // namespace

TEST_F(bybit_test, transaction_log_lists_each_fill_and_funding_with_the_wallet_after_it) {
    ASSERT_EQ(code(market("Buy", "0.5")), 0);
    venue_.on_price(btc, prices_at("61000"_d));
    ASSERT_EQ(code(market("Sell", "0.2", R"(,"reduceOnly":true)")), 0);
    venue_.exchange().set_funding_rate(btc, "0.0001"_d);
    const auto due = *venue_.exchange().next_funding(btc);
    clock_.advance(due - clock_.now() + std::chrono::seconds{1});
    venue_.tick();

    const auto r = get("/v5/account/transaction-log", "accountType=UNIFIED&category=linear&currency=USDT");
    ASSERT_EQ(code(r), 0) << msg(r);
    EXPECT_EQ(str(r.at("result").at("nextPageCursor")), "");
    const auto rows = list(r);
    ASSERT_EQ(rows.size(), 3U);  // newest first: the settlement, the close, the entry
    const auto& settle = rows[0].as_object();
    const auto& close = rows[1].as_object();
    const auto& entry = rows[2].as_object();

    EXPECT_EQ(str(entry.at("type")), "TRADE");
    EXPECT_EQ(str(entry.at("symbol")), "BTCUSDT");
    EXPECT_EQ(str(entry.at("category")), "linear");
    EXPECT_EQ(str(entry.at("side")), "Buy");
    EXPECT_EQ(str(entry.at("currency")), "USDT");
    EXPECT_EQ(str(entry.at("qty")), "0.500");
    EXPECT_EQ(str(entry.at("size")), "0.500");
    EXPECT_EQ(str(entry.at("feeRate")), "0.0005");
    EXPECT_TRUE(dec(entry.at("fee")).is_positive());
    EXPECT_TRUE(dec(entry.at("cashFlow")).is_zero());
    EXPECT_EQ(dec(entry.at("change")), -dec(entry.at("fee")));
    EXPECT_EQ(dec(entry.at("cashBalance")), "10000"_d + dec(entry.at("change")));
    EXPECT_FALSE(str(entry.at("orderId")).empty());
    EXPECT_FALSE(str(entry.at("tradeId")).empty());

    EXPECT_EQ(str(close.at("side")), "Sell");
    EXPECT_EQ(str(close.at("size")), "0.300");
    EXPECT_TRUE(dec(close.at("cashFlow")).is_positive());  // bought near 60000, sold near 61000
    EXPECT_EQ(dec(close.at("change")), dec(close.at("cashFlow")) - dec(close.at("fee")));
    EXPECT_EQ(dec(close.at("cashBalance")), dec(entry.at("cashBalance")) + dec(close.at("change")));

    EXPECT_EQ(str(settle.at("type")), "SETTLEMENT");
    EXPECT_EQ(str(settle.at("side")), "Buy");
    EXPECT_EQ(str(settle.at("size")), "0.300");
    EXPECT_EQ(str(settle.at("orderId")), "");
    EXPECT_TRUE(dec(settle.at("funding")).is_negative());  // a long pays a positive rate
    EXPECT_TRUE(dec(settle.at("fee")).is_zero());
    EXPECT_EQ(dec(settle.at("change")), dec(settle.at("funding")));
    EXPECT_EQ(dec(settle.at("cashBalance")), dec(close.at("cashBalance")) + dec(settle.at("change")));
    const auto wallet = get("/v5/account/wallet-balance", "accountType=UNIFIED");
    EXPECT_EQ(dec(list(wallet)[0].at("coin").as_array()[0].at("walletBalance")), dec(settle.at("cashBalance")));

    // Filters and the window.
    EXPECT_EQ(list(get("/v5/account/transaction-log", "type=SETTLEMENT")).size(), 1U);
    EXPECT_EQ(list(get("/v5/account/transaction-log", "limit=2")).size(), 2U);
    EXPECT_EQ(list(get("/v5/account/transaction-log", "baseCoin=BTC")).size(), 3U);
    EXPECT_TRUE(list(get("/v5/account/transaction-log", "baseCoin=ETH")).empty());
    EXPECT_TRUE(list(get("/v5/account/transaction-log", "currency=BTC")).empty());
    EXPECT_TRUE(list(get("/v5/account/transaction-log", "category=spot")).empty());
    const auto settled_ms = engine::to_ms(due);
    EXPECT_EQ(list(get("/v5/account/transaction-log", "startTime=" + std::to_string(settled_ms))).size(), 1U);
    EXPECT_EQ(list(get("/v5/account/transaction-log", "endTime=" + std::to_string(settled_ms - 1))).size(), 2U);
    const std::int64_t week = 7LL * 24 * 3600 * 1000;
    EXPECT_EQ(code(get("/v5/account/transaction-log",
                       "startTime=" + std::to_string(settled_ms - week - 1) + "&endTime=" + std::to_string(settled_ms))),
              10001);
    EXPECT_EQ(code(get("/v5/account/transaction-log", "limit=51")), 10001);
    EXPECT_EQ(code(get("/v5/account/transaction-log", "accountType=CONTRACT")), 10001);
}

TEST_F(bybit_test, a_liquidation_fill_is_logged_as_liquidation) {
    ASSERT_EQ(code(market("Buy", "1.5")), 0);
    venue_.on_price(btc, prices_at("50000"_d));  // a 15000 loss on a 10000 wallet
    const auto rows = list(get("/v5/account/transaction-log", ""));
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(str(rows[0].at("type")), "LIQUIDATION");
    EXPECT_EQ(str(rows[0].at("side")), "Sell");
    EXPECT_EQ(str(rows[0].at("size")), "0.000");
    EXPECT_TRUE(dec(rows[0].at("cashFlow")).is_negative());
    EXPECT_EQ(str(rows[1].at("type")), "TRADE");
}

TEST_F(bybit_test, funding_history_lists_each_settlement_newest_first) {
    const std::string q = "/v5/market/funding/history?category=linear&symbol=BTCUSDT";
    EXPECT_TRUE(list(get_public(q)).empty());
    venue_.exchange().set_funding_rate(btc, "0.0001"_d);
    const auto first = *venue_.exchange().next_funding(btc);
    clock_.advance(first - clock_.now() + std::chrono::seconds{1});
    venue_.tick();
    venue_.exchange().set_funding_rate(btc, "-0.00025"_d);
    const auto second = *venue_.exchange().next_funding(btc);
    clock_.advance(second - clock_.now() + std::chrono::seconds{1});
    venue_.tick();

    const auto r = get_public(q);
    ASSERT_EQ(code(r), 0) << msg(r);
    EXPECT_EQ(str(r.at("result").at("category")), "linear");
    const auto rows = list(r);
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(str(rows[0].at("symbol")), "BTCUSDT");
    EXPECT_EQ(str(rows[0].at("fundingRate")), "-0.00025");
    EXPECT_EQ(str(rows[0].at("fundingRateTimestamp")), std::to_string(engine::to_ms(second)));
    EXPECT_EQ(str(rows[1].at("fundingRate")), "0.0001");
    EXPECT_EQ(list(get_public(q + "&limit=1")).size(), 1U);
    const auto before_second = std::to_string(engine::to_ms(second) - 1);
    const auto upto = list(get_public(q + "&endTime=" + before_second));
    ASSERT_EQ(upto.size(), 1U);
    EXPECT_EQ(str(upto[0].at("fundingRateTimestamp")), std::to_string(engine::to_ms(first)));
    EXPECT_EQ(list(get_public(q + "&startTime=" + before_second + "&endTime=" + std::to_string(engine::to_ms(second))))
                  .size(),
              1U);
    // startTime alone is an error (official V5 docs), as are a missing symbol and a limit over 200.
    EXPECT_EQ(code(get_public(q + "&startTime=" + before_second)), 10001);
    EXPECT_EQ(code(get_public("/v5/market/funding/history?category=linear")), 10001);
    EXPECT_EQ(code(get_public(q + "&limit=201")), 10001);
}

TEST_F(bybit_test, mark_price_kline_follows_the_mark_with_five_fields) {
    auto p = prices_at("60100"_d);
    p.last = "59000"_d;
    venue_.on_price(btc, p);
    const auto r = get_public("/v5/market/mark-price-kline?category=linear&symbol=BTCUSDT&interval=1&limit=5");
    ASSERT_EQ(code(r), 0) << msg(r);
    EXPECT_EQ(str(r.at("result").at("symbol")), "BTCUSDT");
    const auto rows = list(r);
    ASSERT_EQ(rows.size(), 1U);
    const auto& row = rows[0].as_array();
    ASSERT_EQ(row.size(), 5U);
    EXPECT_EQ(str(row[1]), "60000.0");  // the fixture's first mark
    EXPECT_EQ(str(row[2]), "60100.0");
    EXPECT_EQ(str(row[3]), "60000.0");
    EXPECT_EQ(str(row[4]), "60100.0");
    const auto trades = list(get_public("/v5/market/kline?category=linear&symbol=BTCUSDT&interval=1"));
    EXPECT_EQ(str(trades[0].as_array()[3]), "59000.0");
    EXPECT_EQ(code(get_public("/v5/market/mark-price-kline?category=linear&symbol=BTCUSDT&interval=2")), 10001);
    EXPECT_EQ(code(get_public("/v5/market/mark-price-kline?category=linear&interval=1")), 10001);
}

}  // namespace tradebot::sim::bybit::test
