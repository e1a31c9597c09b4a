#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"

// The effective configuration of tradebot. A default-constructed `settings` is exactly the set of
// documented defaults (docs/CONFIG.md); config::load() overlays config/*.yaml and the environment.
// Member names are the YAML key names, so `trading.position_size_usd` here is
// `trading: { position_size_usd: ... }` in the files and TRADEBOT_TRADING_POSITION_SIZE_USD in the
// environment. Percent values are percents (2.0 means 2 %), never fractions.
namespace tradebot::config {

using core::decimal;

enum class log_level : std::uint8_t { trace, debug, info, warn, error, critical, off };
enum class log_format : std::uint8_t { kv, json };
// `custom` takes every URL from the exchange block; the others fill the URLs that are not given.
enum class endpoint_kind : std::uint8_t { mainnet, testnet, sim, custom };
enum class margin_type : std::uint8_t { cross, isolated };
// Which price triggers the exchange-side stop: mark avoids stops fired by wicks of the last price.
enum class trigger_price : std::uint8_t { mark, last };
enum class entry_order : std::uint8_t { market, limit_ioc };
// The body the alert webhook gets: Discord's {"content"} or Telegram's sendMessage {chat_id, text}.
enum class webhook_format : std::uint8_t { discord, telegram };

[[nodiscard]] std::string_view to_string(log_level v) noexcept;
[[nodiscard]] std::string_view to_string(log_format v) noexcept;
[[nodiscard]] std::string_view to_string(endpoint_kind v) noexcept;
[[nodiscard]] std::string_view to_string(margin_type v) noexcept;
[[nodiscard]] std::string_view to_string(trigger_price v) noexcept;
[[nodiscard]] std::string_view to_string(entry_order v) noexcept;
[[nodiscard]] std::string_view to_string(webhook_format v) noexcept;
// Case-sensitive, lower-case spellings as printed by to_string ("warning" is accepted for warn).
[[nodiscard]] std::optional<log_level> parse_log_level(std::string_view text) noexcept;
[[nodiscard]] std::optional<log_format> parse_log_format(std::string_view text) noexcept;
[[nodiscard]] std::optional<endpoint_kind> parse_endpoint_kind(std::string_view text) noexcept;
[[nodiscard]] std::optional<margin_type> parse_margin_type(std::string_view text) noexcept;
[[nodiscard]] std::optional<trigger_price> parse_trigger_price(std::string_view text) noexcept;
[[nodiscard]] std::optional<entry_order> parse_entry_order(std::string_view text) noexcept;
[[nodiscard]] std::optional<webhook_format> parse_webhook_format(std::string_view text) noexcept;

struct app_settings {
    core::mode mode = core::mode::test;
    int threads = 1;
    std::filesystem::path pid_file = "/tmp/tradebot.pid";
    // Refuse to start while another process holds the pid file lock.
    bool single_instance = true;
    std::chrono::seconds shutdown_deadline_seconds{10};
    bool operator==(const app_settings&) const = default;
};

struct database_settings {
    // A libpq connection string or URI; when non-empty it replaces host/port/name/user/password.
    std::string url;
    std::string host = "localhost";
    int port = 5432;
    std::string name = "fox_crypto";
    std::string user;
    std::string password;
    std::string schema = "trading_bot";
    std::chrono::seconds connect_timeout_seconds{5};
    std::chrono::milliseconds statement_timeout_ms{10000};
    std::chrono::milliseconds reconnect_backoff_min_ms{500};
    std::chrono::milliseconds reconnect_backoff_max_ms{30000};
    // Fallback poll of the signals table in case a NOTIFY is lost.
    std::chrono::milliseconds poll_interval_ms{1000};
    bool operator==(const database_settings&) const = default;
};

struct http_settings {
    bool enabled = true;
    std::string bind = "127.0.0.1";
    int port = 8080;
    std::int64_t max_body_bytes = 65536;
    std::chrono::milliseconds request_timeout_ms{10000};
    std::chrono::milliseconds header_timeout_ms{2000};
    int max_connections = 64;
    int max_connections_per_client = 8;
    bool operator==(const http_settings&) const = default;
};

// The operator's control endpoint: mutating commands (tradebot close, protect, sync, ...) ask a
// running daemon to act through it instead of racing it. Off while the token is empty.
struct control_settings {
    bool enabled = true;
    std::string bind = "127.0.0.1";  // loopback: commands come from the same host
    int port = 8081;
    std::string token;  // secret; the bearer token every request must carry
    bool operator==(const control_settings&) const = default;
};

// The daemon's own alerts: critical events posted to a webhook (Discord or Telegram), rate-limited
// and retried off the trading strand. Off while the URL is empty.
struct webhook_settings {
    std::string url;  // secret (a Telegram URL holds the bot token): never logged
    webhook_format format = webhook_format::discord;
    std::string telegram_chat_id;  // format telegram only
    std::chrono::seconds per_kind_interval_seconds{300};  // one alert of a kind per this, the rest coalesced
    int max_per_minute = 10;                              // all kinds together
    int queue_size = 64;                                  // alerts waiting to be sent; the oldest non-critical goes first
    int max_attempts = 5;                                 // per alert, with back-off between them
    std::chrono::milliseconds timeout_ms{10000};          // one HTTP request
    // A venue REST API, a stream or the database down this long gives an alert (and its return one
    // more); shorter blips (reconnects) give none.
    std::chrono::seconds outage_grace_seconds{30};
    bool operator==(const webhook_settings&) const = default;
};

struct alerts_settings {
    webhook_settings webhook;
    bool operator==(const alerts_settings&) const = default;
};

// Active/standby on one database (docs/OPERATIONS.md, "Two instances, one database"): only the
// holder of the instance lease `scope` trades; the others stand by.
struct ha_settings {
    // The lease row's name: instances with the same scope are one active/standby group. Empty:
    // the mode's name (production, test), so a paper daemon never fences a live one.
    std::string scope;
    std::chrono::milliseconds lease_duration_ms{5000};
    // How often the holder renews (and a standby looks); at most half the duration.
    std::chrono::milliseconds renew_interval_ms{1000};
    bool operator==(const ha_settings&) const = default;
};

struct logging_settings {
    log_level level = log_level::info;
    log_format format = log_format::kv;
    // Per-module level overrides, keyed by module name (exchange, trading, db, ...).
    std::map<std::string, log_level> modules;
    // Empty: no log file, console only.
    std::filesystem::path file = "logs/tradebot.log";
    bool console = true;
    std::int64_t rotation_size_bytes = 104857600;
    int rotation_count = 10;
    int async_queue_size = 8192;
    bool operator==(const logging_settings&) const = default;
};

struct exchange_settings {
    bool enabled = true;
    endpoint_kind endpoint = endpoint_kind::mainnet;
    std::string rest_url;
    std::string ws_public_url;
    std::string ws_market_url;
    std::string ws_private_url;
    std::string api_key;
    std::string api_secret;
    std::chrono::milliseconds recv_window_ms{10000};
    // PEM bundle used instead of the system store, e.g. the simulator's self-signed CA.
    std::filesystem::path ca_file;
    // Per-exchange override of trading.leverage.
    std::optional<int> leverage;
    margin_type margin_mode = margin_type::cross;
    // Client-side request ceilings on top of the venue's own budgets (every request but order
    // placement counts one, whatever its weight; token buckets of `requests_burst` and of one
    // minute's worth); 0: none. The venue's rate-limit headers still rule its budgets.
    int requests_per_second = 0;
    int requests_per_minute = 0;
    int requests_burst = 0;  // 0: requests_per_second
    bool operator==(const exchange_settings&) const = default;
};

// The built-in block of a venue: enabled, mainnet URLs and the venue's request budget.
[[nodiscard]] exchange_settings default_exchange_settings(core::exchange_id venue);

struct exchanges_settings {
    exchange_settings binance = default_exchange_settings(core::exchange_id::binance);
    exchange_settings bybit = default_exchange_settings(core::exchange_id::bybit);
    bool operator==(const exchanges_settings&) const = default;
};

struct signal_filters {
    bool open_interest_enabled = true;
    decimal min_open_interest_usdt = decimal::from_int(1000000);
    bool volume_enabled = true;
    decimal min_volume_1h_usdt = decimal::from_int(50000);
    bool price_change_enabled = true;
    // A buy is skipped after a rise above this over the 5 minutes before the signal, a sell after a fall.
    decimal max_price_change_5min_percent = decimal::from_raw(40, 1);
    std::vector<core::symbol> stop_list = {
        core::symbol::from_string("BTCDOMUSDT"), core::symbol::from_string("USDCUSDT"),
        core::symbol::from_string("BUSDUSDT"),   core::symbol::from_string("EURBUSD"),
        core::symbol::from_string("GBPBUSD"),
    };
    // Empty: every symbol not on the stop list may trade.
    std::vector<core::symbol> whitelist;
    bool operator==(const signal_filters&) const = default;
};

// An external scoring table copied into the signals table (docs/CONFIG.md "signals.external").
struct external_signals_settings {
    bool enabled = false;
    // A SELECT giving the columns of the contract in docs/CONFIG.md; $1 is the watermark.
    std::string query;
    // Empty: the daemon's own database. Read on a connection of its own either way.
    std::string database_url;
    std::string source = "external";
    std::chrono::milliseconds poll_interval_ms{1000};
    // Re-read behind the newest candle seen, for rows the producer writes late.
    std::chrono::minutes overlap_minutes{30};
    // Never read candles older than this, e.g. on the first poll after a restart.
    std::chrono::minutes lookback_minutes{120};
    std::chrono::milliseconds query_timeout_ms{10000};
    int max_rows = 5000;
    bool operator==(const external_signals_settings&) const = default;
};

struct signals_settings {
    // true: act on each signal as it arrives (no waves); false: trade waves at wave_minutes.
    bool immediate = false;
    std::vector<int> wave_minutes = {5, 20, 35, 50};
    std::chrono::seconds wave_check_duration_seconds{240};
    std::chrono::milliseconds wave_check_interval_ms{1000};
    // A wave whose candle is older than this (e.g. after a restart) is not traded.
    std::chrono::minutes max_wave_age_minutes{120};
    // /health "signals.freshness" turns degraded when no signal arrived for this long.
    std::chrono::seconds stale_after_seconds{7200};
    int max_trades_per_wave = 5;
    // Extra candidates kept beyond max_trades_per_wave to replace failed opens.
    int buffer_fixed = 3;
    decimal min_score_week = decimal::from_int(0);
    decimal min_score_month = decimal::from_int(0);
    external_signals_settings external;
    signal_filters filters;
    bool operator==(const signals_settings&) const = default;
};

struct trading_settings {
    decimal position_size_usd = decimal::from_int(200);
    decimal min_position_size_usd = decimal::from_int(5);
    decimal max_position_size_usd = decimal::from_int(5000);
    // Rounding up to the venue minimum may exceed position_size_usd by at most this much.
    decimal size_tolerance_percent = decimal::from_int(10);
    int leverage = 10;
    int max_leverage = 10;
    bool auto_set_leverage = true;
    decimal commission_percent = decimal::from_raw(5, 2);
    decimal max_spread_percent = decimal::from_raw(20, 1);
    // The original only logged a wide spread; true makes it reject the entry.
    bool block_on_spread = false;
    entry_order entry_order_type = entry_order::market;
    decimal entry_max_slippage_percent = decimal::from_raw(15, 2);
    std::chrono::seconds reconcile_interval_seconds{120};
    // A position younger than this is never counted missing by a reconcile read: Bybit lists a
    // new position over REST only 5-24 s after its fill (original-bot.md §11 #16).
    std::chrono::seconds position_visibility_grace_seconds{30};
    // A mark younger than this (streamed, or from the read of every symbol's mark that runs every
    // two thirds of it) sizes an entry without a REST read on the signal path; 0: always REST.
    // Stops are always checked against a mark read just before they are placed.
    std::chrono::milliseconds mark_cache_ms{3000};
    // Free balances and today's realized PnL for the risk check are reused for up to this long;
    // the daemon's own entries and closes make it read them again. 0: read them per batch.
    std::chrono::milliseconds account_cache_ms{5000};
    // A live position's symbol without a streamed mark for this long is resubscribed on its
    // stream (original-bot.md §11 #39: one symbol's feed can stop while the connection lives);
    // 0: no check.
    std::chrono::seconds mark_stale_seconds{30};
    // After the venue refuses an entry because the symbol does not trade (Binance -4140, Bybit
    // 110074) the symbol counts as not tradable for this long (§11 #50); 0: no pause.
    std::chrono::seconds halted_symbol_pause_seconds{600};
    bool operator==(const trading_settings&) const = default;
};

struct risk_settings {
    int max_positions = 150;
    int max_positions_per_exchange = 150;
    decimal max_exposure_usd = decimal::from_int(30000);
    // New entries stop once today's realized PnL is at or below minus this amount.
    decimal daily_loss_limit_usd = decimal::from_int(1000);
    // Free balance that must remain after the margin of a new position.
    decimal min_free_balance_usd = decimal::from_int(10);
    // While this file exists no new position is opened. Empty disables the check.
    std::filesystem::path kill_switch_file = "/tmp/tradebot.kill";
    bool operator==(const risk_settings&) const = default;
};

struct stop_loss_settings {
    decimal percent = decimal::from_raw(20, 1);
    // Extra distance added per retry when the venue says the stop would trigger immediately.
    decimal safety_margin_percent = decimal::from_raw(5, 1);
    trigger_price trigger = trigger_price::mark;
    int place_attempts = 3;
    // A price this far from entry is treated as bad data by the protection check.
    decimal max_price_deviation_percent = decimal::from_int(50);
    bool operator==(const stop_loss_settings&) const = default;
};

struct trailing_settings {
    bool enabled = true;
    decimal activation_percent = decimal::from_raw(15, 1);
    decimal callback_percent = decimal::from_raw(5, 1);
    std::chrono::seconds min_update_interval_seconds{30};
    decimal min_improvement_percent = decimal::from_raw(2, 1);
    // An improvement this large moves the stop at once, ignoring the interval.
    decimal immediate_improvement_percent = decimal::from_raw(10, 1);
    std::chrono::seconds peak_save_interval_seconds{10};
    decimal peak_save_min_change_percent = decimal::from_raw(2, 1);
    // At activation the venue's own trailing stop takes over (Binance TRAILING_STOP_MARKET, Bybit
    // trailingStop) and the bot stops moving the stop; the fixed stop stays as the floor.
    bool venue_native = false;
    bool operator==(const trailing_settings&) const = default;
};

struct aged_settings {
    bool enabled = true;
    std::chrono::hours max_age_hours{3};
    std::chrono::hours grace_period_hours{8};
    decimal loss_step_percent = decimal::from_raw(5, 1);
    decimal max_loss_percent = decimal::from_int(10);
    decimal acceleration_factor = decimal::from_raw(12, 1);
    bool operator==(const aged_settings&) const = default;
};

struct protection_settings {
    stop_loss_settings stop_loss;
    trailing_settings trailing;
    aged_settings aged;
    bool operator==(const protection_settings&) const = default;
};

struct settings {
    app_settings app;
    database_settings database;
    http_settings http;
    control_settings control;
    alerts_settings alerts;
    ha_settings ha;
    logging_settings logging;
    exchanges_settings exchanges;
    signals_settings signals;
    trading_settings trading;
    risk_settings risk;
    protection_settings protection;
    bool operator==(const settings&) const = default;

    [[nodiscard]] const exchange_settings& exchange(core::exchange_id venue) const;
    // The leverage to set on `venue`: its override or trading.leverage.
    [[nodiscard]] int leverage_for(core::exchange_id venue) const;
};

}  // namespace tradebot::config
