#include <gtest/gtest.h>

#include "tradebot/sim/scenario/price_feed.hpp"
#include "tradebot/sim/scenario/scenario.hpp"
#include "tradebot_test/env.hpp"

namespace tradebot::sim::scenario {
namespace {

using namespace std::chrono_literals;
using namespace core::literals;

const core::symbol btc = core::symbol::from_string("BTCUSDT");

scenario_spec load(const std::string& yaml) {
    auto r = load_text(yaml, "test.yaml");
    EXPECT_TRUE(r.spec.has_value()) << r.error;
    return r.spec.value_or(scenario_spec{});
}

std::string error_of(const std::string& yaml) {
    const auto r = load_text(yaml, "test.yaml");
    EXPECT_FALSE(r.spec.has_value());
    return r.error;
}

TEST(scenario_loader, reads_symbols_defaults_accounts) {
    const auto s = load(R"(
name: t
seed: 9
tick_ms: 100
accounts: [{api_key: k, api_secret: s, balance: "500.5"}]
defaults: {tick_size: "0.5", min_notional: "10"}
symbols:
  - {symbol: BTCUSDT, price: "60000", step_size: "0.001"}
  - {symbol: ETH/USDT:USDT, price: "3000", tick_size: "0.01", model: constant}
)");
    EXPECT_EQ(s.name, "t");
    EXPECT_EQ(s.seed, 9U);
    EXPECT_EQ(s.tick, 100ms);
    ASSERT_EQ(s.accounts.size(), 1U);
    EXPECT_EQ(s.accounts[0].balance, "500.5"_d);
    ASSERT_EQ(s.symbols.size(), 2U);
    EXPECT_EQ(s.symbols[0].instrument.tick_size, "0.5"_d);  // from defaults
    EXPECT_EQ(s.symbols[0].instrument.min_notional, "10"_d);
    EXPECT_EQ(s.symbols[0].instrument.base_asset, "BTC");
    EXPECT_EQ(s.symbols[1].instrument.symbol.str(), "ETHUSDT");  // normalized
    EXPECT_EQ(s.symbols[1].instrument.tick_size, "0.01"_d);     // the symbol's own value wins
    EXPECT_EQ(s.symbols[1].model.kind, model_kind::constant);
}

TEST(scenario_loader, errors_name_file_line_and_key) {
    EXPECT_EQ(error_of("symbols:\n  - {symbol: BTCUSDT, price: \"1\", tick_sise: \"0.1\"}\n"),
              "test.yaml:2:35: tick_sise: unknown key");
    EXPECT_EQ(error_of("symbols:\n  - {symbol: BTCUSDT}\n"), "test.yaml:2:5: price: every symbol needs a start price");
    EXPECT_EQ(error_of("symbols:\n  - {symbol: BTCUSDT, price: abc}\n"),
              "test.yaml:2:30: price: expected a decimal number");
    EXPECT_EQ(error_of("seed: 1\n"), "test.yaml:1:1: symbols: needs at least one symbol");
    EXPECT_NE(error_of("symbols: [\n").find("test.yaml:"), std::string::npos);
    EXPECT_EQ(error_of("symbols:\n  - {symbol: BTCUSDT, price: \"1\", model: steps}\n"),
              "test.yaml:2:5: steps: a steps model needs steps");
    EXPECT_EQ(error_of("symbols:\n  - {symbol: BTCUSDT, price: \"1\"}\n  - {symbol: BTCUSDT, price: \"2\"}\n"),
              "test.yaml:3:5: symbol: listed twice");
}

TEST(scenario_loader, leverage_brackets_set_floors_cum_and_the_maximum) {
    const auto s = load(R"(
symbols:
  - symbol: BTCUSDT
    price: "60000"
    max_leverage: 125
    maintenance_margin_rate: "0.004"
    leverage_brackets:
      - {initial_leverage: 75, notional_cap: "10000"}
      - {initial_leverage: 50, notional_cap: "50000", maint_margin_ratio: "0.01"}
)");
    const auto& i = s.symbols.at(0).instrument;
    ASSERT_EQ(i.leverage_brackets.size(), 2U);
    EXPECT_EQ(i.max_leverage, 75);  // the first bracket wins over max_leverage
    EXPECT_EQ(i.leverage_brackets[0].bracket, 1);
    EXPECT_EQ(i.leverage_brackets[0].maint_margin_ratio, "0.004"_d);  // maintenance_margin_rate
    EXPECT_EQ(i.leverage_brackets[1].bracket, 2);
    EXPECT_EQ(i.leverage_brackets[1].notional_floor, "10000"_d);
    EXPECT_EQ(i.leverage_brackets[1].cum, "60"_d);  // 10000 x (0.01 - 0.004)
}

TEST(scenario_loader, leverage_brackets_must_step_down_in_leverage_and_up_in_notional) {
    EXPECT_NE(error_of(R"(
symbols:
  - {symbol: BTCUSDT, price: "1", leverage_brackets: [{initial_leverage: 20, notional_cap: "10"},
                                                     {initial_leverage: 20, notional_cap: "20"}]}
)").find("initial_leverage: must be below the bracket before it"), std::string::npos);
    EXPECT_NE(error_of(R"(
symbols:
  - {symbol: BTCUSDT, price: "1", leverage_brackets: [{initial_leverage: 20, notional_cap: "10"},
                                                     {initial_leverage: 10, notional_cap: "10"}]}
)").find("notional_cap: must grow"), std::string::npos);
    EXPECT_NE(error_of(R"(
symbols:
  - {symbol: BTCUSDT, price: "1", leverage_brackets: []}
)").find("leverage_brackets: expected a non-empty list"), std::string::npos);
}

TEST(scenario_loader, shipped_scenarios_load) {
    for (const auto* name : {"default", "flash-crash", "steps", "recorded", "many-symbols"}) {
        const auto r = load_file(tradebot::test::source_dir() / "config/sim" / (std::string{name} + ".yaml"));
        ASSERT_TRUE(r.spec.has_value()) << r.error;
        EXPECT_EQ(r.spec->name, name);
    }
    const auto many = load_file(tradebot::test::source_dir() / "config/sim/many-symbols.yaml");
    EXPECT_GE(many.spec->symbols.size(), 36U);
    const auto rec = load_file(tradebot::test::source_dir() / "config/sim/recorded.yaml");
    EXPECT_EQ(rec.spec->symbols[0].model.series.size(), 240U);
}

TEST(price_feed, same_seed_same_prices_and_on_the_tick) {
    const auto spec = load("seed: 5\nsymbols:\n  - {symbol: BTCUSDT, price: \"60000\", tick_size: \"0.1\", "
                           "volatility_bps: \"10\"}\n");
    price_feed a{spec};
    price_feed b{spec};
    bool moved = false;
    for (int i = 1; i <= 50; ++i) {
        const auto pa = a.step(std::chrono::milliseconds{i * 250});
        const auto pb = b.step(std::chrono::milliseconds{i * 250});
        ASSERT_EQ(pa, pb);
        EXPECT_TRUE(pa[0].second.mark.is_multiple_of("0.1"_d));
        EXPECT_LT(pa[0].second.bid, pa[0].second.ask);
        moved = moved || pa[0].second.mark != "60000"_d;
    }
    EXPECT_TRUE(moved);
    auto other_seed = spec;
    other_seed.seed = 6;
    price_feed c{other_seed};
    EXPECT_NE(c.step(250ms), price_feed{spec}.step(250ms));
}

TEST(price_feed, flash_move_and_gap) {
    const auto spec = load(R"(
symbols:
  - symbol: BTCUSDT
    price: "60000"
    tick_size: "0.1"
    model: constant
    events:
      - {at_s: 10, kind: flash, move_pct: "-8", duration_s: 5}
      - {at_s: 20, kind: gap, move_pct: "5"}
)");
    price_feed f{spec};
    EXPECT_EQ(f.step(9s)[0].second.mark, "60000"_d);
    EXPECT_EQ(f.step(10s)[0].second.mark, "55200"_d);
    EXPECT_EQ(f.step(14'999ms)[0].second.mark, "55200"_d);
    EXPECT_EQ(f.step(15s)[0].second.mark, "60000"_d);
    EXPECT_EQ(f.step(20s)[0].second.mark, "63000"_d);
}

TEST(price_feed, steps_series_and_set_mid) {
    const auto spec = load(R"(
symbols:
  - {symbol: BTCUSDT, price: "100", tick_size: "0.1", model: steps,
     steps: [{at_s: 1, price: "101"}, {at_s: 2, price: "99.5"}]}
  - {symbol: ETHUSDT, price: "10", tick_size: "0.01", model: series, series: ["10.5", "11", "9"]}
)");
    price_feed f{spec};
    const core::symbol eth = core::symbol::from_string("ETHUSDT");
    EXPECT_EQ(f.step(500ms)[0].second.mark, "100"_d);
    EXPECT_EQ(f.step(1s)[0].second.mark, "101"_d);
    EXPECT_EQ(f.step(2500ms)[0].second.mark, "99.5"_d);
    EXPECT_EQ(f.current(eth)->mark, "9"_d);  // series: 10.5, 11, 9 over the three steps
    f.step(3s);
    EXPECT_EQ(f.current(eth)->mark, "9"_d);  // holds the last value
    EXPECT_TRUE(f.set_mid(btc, "70000.04"_d));
    EXPECT_EQ(f.current(btc)->mark, "70000"_d);
    EXPECT_EQ(f.step(10s)[0].second.mark, "70000"_d);  // steps replaced by a constant
    EXPECT_FALSE(f.set_mid(core::symbol::from_string("XRPUSDT"), "1"_d));
}

}  // namespace
}  // namespace tradebot::sim::scenario
