#include "fixture.hpp"

namespace tradebot::sim::bybit::test {

TEST_F(bybit_test, query_api_describes_the_calling_key_as_a_unified_trading_account) {
    const auto r = get("/v5/user/query-api", "");
    ASSERT_EQ(code(r), 0);
    const auto& o = r.at("result").as_object();
    EXPECT_EQ(str(o.at("apiKey")), "key-1");
    EXPECT_EQ(o.at("readOnly").as_int64(), 0);
    EXPECT_EQ(str(o.at("secret")), "");  // never the secret
    EXPECT_EQ(o.at("uta").as_int64(), 1);
    EXPECT_EQ(o.at("unified").as_int64(), 0);
    const auto& trade = o.at("permissions").as_object().at("ContractTrade").as_array();
    ASSERT_EQ(trade.size(), 2U);
    EXPECT_EQ(str(trade[0]), "Order");
    EXPECT_EQ(str(trade[1]), "Position");
    EXPECT_TRUE(o.at("userID").is_int64());
    EXPECT_TRUE(o.at("isMaster").as_bool());
}

TEST_F(bybit_test, account_info_reports_the_margin_mode_set_on_the_account) {
    const auto before = clock_.server_now_ms();
    auto r = get("/v5/account/info", "");
    const auto after = clock_.server_now_ms();
    ASSERT_EQ(code(r), 0);
    EXPECT_EQ(str(r.at("result").at("marginMode")), "REGULAR_MARGIN");
    EXPECT_EQ(r.at("result").at("unifiedMarginStatus").as_int64(), 6);
    EXPECT_EQ(str(r.at("result").at("dcpStatus")), "OFF");
    EXPECT_EQ(str(r.at("result").at("spotHedgingStatus")), "OFF");
    // The simulator's clock runs in real time: the answer's time lies between the two reads.
    const auto updated = std::stoll(str(r.at("result").at("updatedTime")));
    EXPECT_GE(updated, before);
    EXPECT_LE(updated, after);
    ASSERT_EQ(code(post("/v5/account/set-margin-mode", R"({"setMarginMode":"ISOLATED_MARGIN"})")), 0);
    EXPECT_EQ(str(get("/v5/account/info", "").at("result").at("marginMode")), "ISOLATED_MARGIN");
}

TEST_F(bybit_test, account_endpoints_need_a_signature_and_a_get) {
    net::http_request unsigned_call;
    unsigned_call.method = "GET";
    unsigned_call.target = "/v5/account/info";
    EXPECT_NE(code(parse(venue_.handle(unsigned_call))), 0);
    EXPECT_EQ(code(get("/v5/user/query-api", "")), 0);
    EXPECT_EQ(code(post("/v5/user/query-api", "{}")), 10017);  // GET only
}

TEST_F(bybit_test, instruments_info_max_leverage_is_the_first_bracket) {
    auto spec = btc_spec();
    spec.symbol = core::symbol::from_string("ETHUSDT");
    spec.base_asset = "ETH";
    spec.leverage_brackets = {{1, 40, {}, "10000"_d, "0.01"_d, {}}};
    venue_.exchange().add_instrument(spec);
    const auto r = get_public("/v5/market/instruments-info?category=linear&symbol=ETHUSDT");
    EXPECT_EQ(str(list(r).at(0).at("leverageFilter").at("maxLeverage")), "40.00");
    venue_.on_price(spec.symbol, prices_at("3000"_d));
    const auto refused = post("/v5/position/set-leverage",
                              R"({"category":"linear","symbol":"ETHUSDT","buyLeverage":"41","sellLeverage":"41"})");
    EXPECT_EQ(code(refused), 10001);
}

TEST_F(bybit_test, a_read_only_key_reads_but_every_change_is_refused_with_10005) {
    engine::account_config cfg;
    cfg.id = "key-ro";
    cfg.read_only = true;
    venue_.add_account(cfg, "secret-ro");
    const auto as_ro = [this](std::string method, std::string path, std::string payload) {
        return parse(venue_.handle(signed_request(std::move(method), std::move(path), std::move(payload), std::nullopt,
                                                  "secret-ro", "key-ro")));
    };
    const auto key = as_ro("GET", "/v5/user/query-api", "");
    ASSERT_EQ(code(key), 0);
    EXPECT_EQ(key.at("result").at("readOnly").as_int64(), 1);
    EXPECT_EQ(code(as_ro("GET", "/v5/position/list", "category=linear&settleCoin=USDT")), 0);
    EXPECT_EQ(code(as_ro("POST", "/v5/order/create",
                         R"({"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.01"})")),
              10005);
    EXPECT_EQ(code(as_ro("POST", "/v5/position/set-leverage",
                         R"({"category":"linear","symbol":"BTCUSDT","buyLeverage":"5","sellLeverage":"5"})")),
              10005);
    EXPECT_TRUE(list(as_ro("GET", "/v5/position/list", "category=linear&settleCoin=USDT")).empty());
    // The trading key of the same venue is not affected.
    EXPECT_EQ(code(market("Buy", "0.01")), 0);
}

}  // namespace tradebot::sim::bybit::test
