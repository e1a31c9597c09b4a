#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "config_test_util.hpp"
#include "tradebot/config/dump.hpp"
#include "tradebot/config/settings.hpp"
#include "tradebot_test/env.hpp"

namespace tradebot::config {
namespace {

using core::decimal;
using namespace std::chrono_literals;

decimal d(const char* text) { return decimal::from_string(text); }

// The values come from reference/original-bot.md §7 (production values where the original code
// default differs, as recorded in docs/CONFIG.md).
TEST(config_defaults, match_the_original_bot) {
    const settings s;
    EXPECT_EQ(s.app.mode, core::mode::test);
    EXPECT_EQ(s.app.threads, 1);
    EXPECT_EQ(s.app.shutdown_deadline_seconds, 10s);
    EXPECT_TRUE(s.app.single_instance);

    EXPECT_EQ(s.database.host, "localhost");
    EXPECT_EQ(s.database.port, 5432);
    EXPECT_EQ(s.database.name, "fox_crypto");
    EXPECT_EQ(s.database.schema, "trading_bot");

    EXPECT_EQ(s.http.bind, "127.0.0.1");
    EXPECT_EQ(s.http.port, 8080);
    EXPECT_EQ(s.http.request_timeout_ms, 10000ms);
    EXPECT_EQ(s.http.header_timeout_ms, 2000ms);
    EXPECT_EQ(s.http.max_connections, 64);
    EXPECT_EQ(s.http.max_connections_per_client, 8);
    EXPECT_EQ(s.logging.level, log_level::info);
    EXPECT_EQ(s.logging.format, log_format::kv);
    EXPECT_EQ(s.logging.rotation_size_bytes, 100 * 1024 * 1024);
    EXPECT_EQ(s.logging.rotation_count, 10);

    EXPECT_EQ(s.exchanges.binance.rest_url, "https://fapi.binance.com");
    EXPECT_EQ(s.exchanges.binance.ws_market_url, "wss://fstream.binance.com/market");
    EXPECT_EQ(s.exchanges.bybit.rest_url, "https://api.bybit.com");
    EXPECT_EQ(s.exchanges.bybit.ws_private_url, "wss://stream.bybit.com/v5/private");
    EXPECT_EQ(s.exchanges.binance.recv_window_ms, 10000ms);
    EXPECT_EQ(s.exchanges.binance.requests_per_second, 16);
    EXPECT_EQ(s.exchanges.binance.requests_per_minute, 960);
    EXPECT_EQ(s.exchanges.bybit.requests_per_second, 8);
    EXPECT_EQ(s.exchanges.bybit.requests_per_minute, 96);
    EXPECT_EQ(s.exchanges.binance.requests_burst, 50);
    EXPECT_EQ(s.exchanges.bybit.requests_burst, 20);
    EXPECT_EQ(s.exchanges.binance.margin_mode, margin_type::cross);
    EXPECT_FALSE(s.exchanges.binance.leverage.has_value());

    EXPECT_EQ(s.signals.wave_minutes, (std::vector<int>{5, 20, 35, 50}));
    EXPECT_EQ(s.signals.wave_check_duration_seconds, 240s);
    EXPECT_EQ(s.signals.wave_check_interval_ms, 1000ms);
    EXPECT_EQ(s.signals.max_trades_per_wave, 5);
    EXPECT_EQ(s.signals.buffer_fixed, 3);
    EXPECT_EQ(s.signals.filters.min_open_interest_usdt, d("1000000"));
    EXPECT_EQ(s.signals.filters.min_volume_1h_usdt, d("50000"));
    EXPECT_EQ(s.signals.filters.max_price_change_5min_percent, d("4.0"));
    EXPECT_TRUE(s.signals.filters.open_interest_enabled);
    EXPECT_TRUE(s.signals.filters.volume_enabled);
    EXPECT_TRUE(s.signals.filters.price_change_enabled);
    const std::vector<core::symbol> stop_list{core::symbol::from_string("BTCDOMUSDT"),
                                              core::symbol::from_string("USDCUSDT"),
                                              core::symbol::from_string("BUSDUSDT"),
                                              core::symbol::from_string("EURBUSD"),
                                              core::symbol::from_string("GBPBUSD")};
    EXPECT_EQ(s.signals.filters.stop_list, stop_list);

    EXPECT_EQ(s.trading.position_size_usd, d("200"));
    EXPECT_EQ(s.trading.min_position_size_usd, d("5"));
    EXPECT_EQ(s.trading.max_position_size_usd, d("5000"));
    EXPECT_EQ(s.trading.size_tolerance_percent, d("10"));
    EXPECT_EQ(s.trading.leverage, 10);
    EXPECT_EQ(s.trading.max_leverage, 10);
    EXPECT_TRUE(s.trading.auto_set_leverage);
    EXPECT_EQ(s.trading.commission_percent, d("0.05"));
    EXPECT_EQ(s.trading.max_spread_percent, d("2.0"));
    EXPECT_EQ(s.trading.entry_max_slippage_percent, d("0.15"));
    EXPECT_EQ(s.trading.reconcile_interval_seconds, 120s);
    EXPECT_EQ(s.trading.position_visibility_grace_seconds, 30s);
    EXPECT_EQ(s.trading.mark_cache_ms, 3000ms);
    EXPECT_EQ(s.trading.account_cache_ms, 5000ms);
    EXPECT_EQ(s.trading.mark_stale_seconds, 30s);
    EXPECT_EQ(s.trading.halted_symbol_pause_seconds, 600s);

    EXPECT_EQ(s.risk.max_positions, 150);
    EXPECT_EQ(s.risk.max_exposure_usd, d("30000"));
    EXPECT_EQ(s.risk.daily_loss_limit_usd, d("1000"));
    EXPECT_EQ(s.risk.min_free_balance_usd, d("10"));

    EXPECT_EQ(s.protection.stop_loss.percent, d("2.0"));
    EXPECT_EQ(s.protection.stop_loss.safety_margin_percent, d("0.5"));
    EXPECT_EQ(s.protection.stop_loss.trigger, trigger_price::mark);
    EXPECT_EQ(s.protection.trailing.activation_percent, d("1.5"));
    EXPECT_EQ(s.protection.trailing.callback_percent, d("0.5"));
    EXPECT_FALSE(s.protection.trailing.venue_native);
    EXPECT_EQ(s.protection.trailing.min_update_interval_seconds, 30s);
    EXPECT_EQ(s.protection.trailing.min_improvement_percent, d("0.2"));
    EXPECT_EQ(s.protection.trailing.immediate_improvement_percent, d("1.0"));
    EXPECT_EQ(s.protection.aged.max_age_hours, 3h);
    EXPECT_EQ(s.protection.aged.grace_period_hours, 8h);
    EXPECT_EQ(s.protection.aged.loss_step_percent, d("0.5"));
    EXPECT_EQ(s.protection.aged.max_loss_percent, d("10"));
    EXPECT_EQ(s.protection.aged.acceleration_factor, d("1.2"));
}

TEST(config_defaults, leverage_for_uses_the_exchange_override) {
    settings s;
    EXPECT_EQ(s.leverage_for(core::exchange_id::bybit), 10);
    s.exchanges.bybit.leverage = 3;
    EXPECT_EQ(s.leverage_for(core::exchange_id::bybit), 3);
    EXPECT_EQ(s.leverage_for(core::exchange_id::binance), 10);
}

TEST(config_defaults, shipped_files_load_without_errors_and_equal_the_defaults) {
    const auto r = load(tradebot::test::source_dir() / "config", {});
    ASSERT_TRUE(r.errors.empty()) << test::messages(r).front();
    ASSERT_TRUE(r.value.has_value());
    EXPECT_EQ(dump(*r.value), dump(settings{}));
    EXPECT_EQ(*r.value, settings{});
}

TEST(config_defaults, shipped_env_example_is_identical_at_the_root_and_in_config) {
    const auto read = [](const std::filesystem::path& p) {
        std::ifstream in{p};
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    };
    const std::filesystem::path root = tradebot::test::source_dir();
    const auto example = read(root / "config" / ".env.example");
    EXPECT_FALSE(example.empty());
    EXPECT_EQ(example, read(root / ".env.example"));
}

TEST(config_defaults, every_key_has_a_unique_environment_name_and_is_documented) {
    std::ifstream in{tradebot::test::source_dir() / "docs" / "CONFIG.md"};
    std::stringstream text;
    text << in.rdbuf();
    const auto doc = text.str();
    std::set<std::string> names;
    for (const auto& key : known_keys()) {
        EXPECT_TRUE(names.insert(env_name(key)).second) << key;
        EXPECT_NE(doc.find("`" + key + "`"), std::string::npos) << key << " is missing from docs/CONFIG.md";
    }
    EXPECT_EQ(env_name("trading.position_size_usd"), "TRADEBOT_TRADING_POSITION_SIZE_USD");
}

}  // namespace
}  // namespace tradebot::config
