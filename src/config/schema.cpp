#include "config/schema.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <utility>

#include "config/field_builders.hpp"

namespace tradebot::config::detail {
namespace {

// The accessor of a key is spelled exactly like its path, so the YAML name and the member cannot drift.
#define TB_KEY(p) #p, [](auto& s_) -> auto& { return s_.p; }

template <class Venue>
void add_exchange(std::vector<field>& out, const std::string& p, Venue venue) {
#define TB_EX(m) p + "." #m, [venue](auto& s_) -> auto& { return venue(s_).m; }
    out.push_back(bool_field(TB_EX(enabled)));
    out.push_back(enum_field(TB_EX(endpoint), parse_endpoint_kind,
                             [](endpoint_kind v) { return to_string(v); }, "mainnet, testnet, sim, custom"));
    out.push_back(text_field(TB_EX(rest_url)));
    out.push_back(text_field(TB_EX(ws_public_url)));
    out.push_back(text_field(TB_EX(ws_market_url)));
    out.push_back(text_field(TB_EX(ws_private_url)));
    out.push_back(text_field(TB_EX(api_key), secrecy::whole));
    out.push_back(text_field(TB_EX(api_secret), secrecy::whole));
    out.push_back(duration_field(TB_EX(recv_window_ms), 1, 60000));
    out.push_back(text_field(TB_EX(ca_file)));
    out.push_back(optional_int_field(TB_EX(leverage), 1, 125));
    out.push_back(enum_field(TB_EX(margin_mode), parse_margin_type, [](margin_type v) { return to_string(v); },
                             "cross, isolated"));
    out.push_back(int_field(TB_EX(requests_per_second), 0, 10000));
    out.push_back(int_field(TB_EX(requests_per_minute), 0, 1000000));
    out.push_back(int_field(TB_EX(requests_burst), 0, 100000));
#undef TB_EX
}

std::vector<field> build_fields() {
    std::vector<field> f;
    const auto level_name = [](log_level v) { return to_string(v); };

    f.push_back(enum_field(TB_KEY(app.mode), core::parse_mode, [](core::mode m) { return core::to_string(m); },
                           "production, test"));
    f.push_back(int_field(TB_KEY(app.threads), 1, 64));
    f.push_back(text_field(TB_KEY(app.pid_file)));
    f.push_back(bool_field(TB_KEY(app.single_instance)));
    f.push_back(duration_field(TB_KEY(app.shutdown_deadline_seconds), 1, 3600));

    f.push_back(text_field(TB_KEY(database.url), secrecy::url_password));
    f.push_back(text_field(TB_KEY(database.host)));
    f.push_back(int_field(TB_KEY(database.port), 1, 65535));
    f.push_back(text_field(TB_KEY(database.name)));
    f.push_back(text_field(TB_KEY(database.user)));
    f.push_back(text_field(TB_KEY(database.password), secrecy::whole));
    f.push_back(text_field(TB_KEY(database.schema)));
    f.push_back(duration_field(TB_KEY(database.connect_timeout_seconds), 1, 300));
    f.push_back(duration_field(TB_KEY(database.statement_timeout_ms), 0, 3600000));
    f.push_back(duration_field(TB_KEY(database.reconnect_backoff_min_ms), 1, 3600000));
    f.push_back(duration_field(TB_KEY(database.reconnect_backoff_max_ms), 1, 3600000));
    f.push_back(duration_field(TB_KEY(database.poll_interval_ms), 10, 3600000));

    f.push_back(bool_field(TB_KEY(http.enabled)));
    f.push_back(text_field(TB_KEY(http.bind)));
    f.push_back(int_field(TB_KEY(http.port), 1, 65535));
    f.push_back(int_field(TB_KEY(http.max_body_bytes), 1, std::int64_t{1} << 30));
    f.push_back(duration_field(TB_KEY(http.request_timeout_ms), 1, 3600000));
    f.push_back(duration_field(TB_KEY(http.header_timeout_ms), 1, 3600000));
    f.push_back(int_field(TB_KEY(http.max_connections), 1, 100000));
    f.push_back(int_field(TB_KEY(http.max_connections_per_client), 1, 100000));

    f.push_back(bool_field(TB_KEY(control.enabled)));
    f.push_back(text_field(TB_KEY(control.bind)));
    f.push_back(int_field(TB_KEY(control.port), 1, 65535));
    f.push_back(text_field(TB_KEY(control.token), secrecy::whole));

    f.push_back(text_field(TB_KEY(alerts.webhook.url), secrecy::whole));
    f.push_back(enum_field(TB_KEY(alerts.webhook.format), parse_webhook_format,
                           [](webhook_format v) { return to_string(v); }, "discord, telegram"));
    f.push_back(text_field(TB_KEY(alerts.webhook.telegram_chat_id)));
    f.push_back(duration_field(TB_KEY(alerts.webhook.per_kind_interval_seconds), 0, 86400));
    f.push_back(int_field(TB_KEY(alerts.webhook.max_per_minute), 1, 600));
    f.push_back(int_field(TB_KEY(alerts.webhook.queue_size), 1, 10000));
    f.push_back(int_field(TB_KEY(alerts.webhook.max_attempts), 1, 20));
    f.push_back(duration_field(TB_KEY(alerts.webhook.timeout_ms), 100, 120000));
    f.push_back(duration_field(TB_KEY(alerts.webhook.outage_grace_seconds), 0, 3600));
    f.push_back(text_field(TB_KEY(ha.scope)));
    f.push_back(duration_field(TB_KEY(ha.lease_duration_ms), 500, 600000));
    f.push_back(duration_field(TB_KEY(ha.renew_interval_ms), 100, 300000));

    f.push_back(enum_field(TB_KEY(logging.level), parse_log_level, level_name,
                           "trace, debug, info, warn, error, critical, off"));
    f.push_back(enum_field(TB_KEY(logging.format), parse_log_format, [](log_format v) { return to_string(v); },
                           "kv, json"));
    f.push_back(level_map_field(TB_KEY(logging.modules)));
    f.push_back(text_field(TB_KEY(logging.file)));
    f.push_back(bool_field(TB_KEY(logging.console)));
    f.push_back(int_field(TB_KEY(logging.rotation_size_bytes), 1024, std::int64_t{1} << 40));
    f.push_back(int_field(TB_KEY(logging.rotation_count), 1, 1000));
    f.push_back(int_field(TB_KEY(logging.async_queue_size), 16, 1 << 24));

    add_exchange(f, "exchanges.binance", [](auto& s_) -> auto& { return s_.exchanges.binance; });
    add_exchange(f, "exchanges.bybit", [](auto& s_) -> auto& { return s_.exchanges.bybit; });

    f.push_back(bool_field(TB_KEY(signals.immediate)));
    f.push_back(int_list_field(TB_KEY(signals.wave_minutes), 0, 59));
    f.push_back(duration_field(TB_KEY(signals.wave_check_duration_seconds), 1, 900));
    f.push_back(duration_field(TB_KEY(signals.wave_check_interval_ms), 10, 60000));
    f.push_back(duration_field(TB_KEY(signals.max_wave_age_minutes), 1, 1440));
    f.push_back(duration_field(TB_KEY(signals.stale_after_seconds), 1, 604800));
    f.push_back(int_field(TB_KEY(signals.max_trades_per_wave), 1, 1000));
    f.push_back(int_field(TB_KEY(signals.buffer_fixed), 0, 100));
    f.push_back(decimal_field(TB_KEY(signals.min_score_week), non_negative));
    f.push_back(decimal_field(TB_KEY(signals.min_score_month), non_negative));
    f.push_back(bool_field(TB_KEY(signals.external.enabled)));
    f.push_back(text_field(TB_KEY(signals.external.query)));
    f.push_back(text_field(TB_KEY(signals.external.database_url), secrecy::url_password));
    f.push_back(text_field(TB_KEY(signals.external.source)));
    f.push_back(duration_field(TB_KEY(signals.external.poll_interval_ms), 10, 3600000));
    f.push_back(duration_field(TB_KEY(signals.external.overlap_minutes), 0, 1440));
    f.push_back(duration_field(TB_KEY(signals.external.lookback_minutes), 1, 10080));
    f.push_back(duration_field(TB_KEY(signals.external.query_timeout_ms), 100, 3600000));
    f.push_back(int_field(TB_KEY(signals.external.max_rows), 1, 1000000));
    f.push_back(bool_field(TB_KEY(signals.filters.open_interest_enabled)));
    f.push_back(decimal_field(TB_KEY(signals.filters.min_open_interest_usdt), non_negative));
    f.push_back(bool_field(TB_KEY(signals.filters.volume_enabled)));
    f.push_back(decimal_field(TB_KEY(signals.filters.min_volume_1h_usdt), non_negative));
    f.push_back(bool_field(TB_KEY(signals.filters.price_change_enabled)));
    f.push_back(decimal_field(TB_KEY(signals.filters.max_price_change_5min_percent), percent));
    f.push_back(symbol_list_field(TB_KEY(signals.filters.stop_list)));
    f.push_back(symbol_list_field(TB_KEY(signals.filters.whitelist)));

    f.push_back(decimal_field(TB_KEY(trading.position_size_usd), positive));
    f.push_back(decimal_field(TB_KEY(trading.min_position_size_usd), positive));
    f.push_back(decimal_field(TB_KEY(trading.max_position_size_usd), positive));
    f.push_back(decimal_field(TB_KEY(trading.size_tolerance_percent), percent_or_zero));
    f.push_back(int_field(TB_KEY(trading.leverage), 1, 125));
    f.push_back(int_field(TB_KEY(trading.max_leverage), 1, 125));
    f.push_back(bool_field(TB_KEY(trading.auto_set_leverage)));
    f.push_back(decimal_field(TB_KEY(trading.commission_percent), percent_or_zero));
    f.push_back(decimal_field(TB_KEY(trading.max_spread_percent), percent));
    f.push_back(bool_field(TB_KEY(trading.block_on_spread)));
    f.push_back(enum_field(TB_KEY(trading.entry_order_type), parse_entry_order,
                           [](entry_order v) { return to_string(v); }, "market, limit_ioc"));
    f.push_back(decimal_field(TB_KEY(trading.entry_max_slippage_percent), percent));
    f.push_back(duration_field(TB_KEY(trading.reconcile_interval_seconds), 10, 86400));
    f.push_back(duration_field(TB_KEY(trading.position_visibility_grace_seconds), 0, 600));
    f.push_back(duration_field(TB_KEY(trading.mark_cache_ms), 0, 60000));
    f.push_back(duration_field(TB_KEY(trading.account_cache_ms), 0, 60000));
    f.push_back(duration_field(TB_KEY(trading.mark_stale_seconds), 0, 3600));
    f.push_back(duration_field(TB_KEY(trading.halted_symbol_pause_seconds), 0, 86400));

    f.push_back(int_field(TB_KEY(risk.max_positions), 1, 10000));
    f.push_back(int_field(TB_KEY(risk.max_positions_per_exchange), 1, 10000));
    f.push_back(decimal_field(TB_KEY(risk.max_exposure_usd), positive));
    f.push_back(decimal_field(TB_KEY(risk.daily_loss_limit_usd), positive));
    f.push_back(decimal_field(TB_KEY(risk.min_free_balance_usd), non_negative));
    f.push_back(text_field(TB_KEY(risk.kill_switch_file)));

    f.push_back(decimal_field(TB_KEY(protection.stop_loss.percent), percent));
    f.push_back(decimal_field(TB_KEY(protection.stop_loss.safety_margin_percent), percent));
    f.push_back(enum_field(TB_KEY(protection.stop_loss.trigger), parse_trigger_price,
                           [](trigger_price v) { return to_string(v); }, "mark, last"));
    f.push_back(int_field(TB_KEY(protection.stop_loss.place_attempts), 1, 10));
    f.push_back(decimal_field(TB_KEY(protection.stop_loss.max_price_deviation_percent), percent));
    f.push_back(bool_field(TB_KEY(protection.trailing.enabled)));
    f.push_back(decimal_field(TB_KEY(protection.trailing.activation_percent), percent));
    f.push_back(decimal_field(TB_KEY(protection.trailing.callback_percent), percent));
    f.push_back(duration_field(TB_KEY(protection.trailing.min_update_interval_seconds), 0, 3600));
    f.push_back(decimal_field(TB_KEY(protection.trailing.min_improvement_percent), percent_or_zero));
    f.push_back(decimal_field(TB_KEY(protection.trailing.immediate_improvement_percent), percent));
    f.push_back(duration_field(TB_KEY(protection.trailing.peak_save_interval_seconds), 0, 3600));
    f.push_back(decimal_field(TB_KEY(protection.trailing.peak_save_min_change_percent), percent_or_zero));
    f.push_back(bool_field(TB_KEY(protection.trailing.venue_native)));
    f.push_back(bool_field(TB_KEY(protection.aged.enabled)));
    f.push_back(duration_field(TB_KEY(protection.aged.max_age_hours), 1, 720));
    f.push_back(duration_field(TB_KEY(protection.aged.grace_period_hours), 0, 720));
    f.push_back(decimal_field(TB_KEY(protection.aged.loss_step_percent), percent));
    f.push_back(decimal_field(TB_KEY(protection.aged.max_loss_percent), percent));
    f.push_back(decimal_field(TB_KEY(protection.aged.acceleration_factor),
                              dec_range{decimal::from_int(0), true, decimal::from_int(10)}));
    return f;
}
#undef TB_KEY

const std::set<std::string, std::less<>>& sections() {
    static const auto all = [] {
        std::set<std::string, std::less<>> out;
        for (const auto& f : fields()) {
            for (auto dot = f.path.find('.'); dot != std::string::npos; dot = f.path.find('.', dot + 1)) {
                out.insert(f.path.substr(0, dot));
            }
        }
        return out;
    }();
    return all;
}

}  // namespace

std::string_view removed_key_reason(std::string_view path) {
    // Keys that no code ever read (issue 20); a file still setting one is told why, not just "unknown".
    static const std::vector<std::pair<std::string_view, std::string_view>> removed = {
        {"database.threads", "the database runs one connection on one thread, which keeps its writes in order"},
        {"signals.buffer_size", "signals.buffer_fixed is the number of spare candidates per wave"},
        {"signals.open_interval_ms", "a wave's entries go out one after another; the rate limiter paces them"},
        {"protection.stop_loss.check_interval_seconds",
         "the reconcile pass (trading.reconcile_interval_seconds) restores missing stops"},
        {"protection.trailing.unprotected_window_alert_ms", "a stop move places the new stop before cancelling the old"},
        {"protection.aged.scan_interval_minutes", "the aged policy is evaluated on every mark price"},
        {"protection.aged.close_attempts", "a close that does not fill is tried again on a later mark, without a cap"},
    };
    for (const auto& [key, why] : removed) {
        if (key == path) return why;
    }
    return {};
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0U : 1U)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

const std::vector<field>& fields() {
    static const std::vector<field> all = build_fields();
    return all;
}

const field* find_field(std::string_view path) {
    for (const auto& f : fields()) {
        if (f.path == path) {
            return &f;
        }
    }
    return nullptr;
}

bool is_section(std::string_view path) { return sections().contains(path); }

std::string closest_key(std::string_view path) {
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(2, path.size() / 5) + 1;
    const auto consider = [&](const std::string& candidate) {
        if (const auto d = edit_distance(path, candidate); d < best_distance) {
            best_distance = d;
            best = candidate;
        }
    };
    for (const auto& f : fields()) {
        consider(f.path);
    }
    for (const auto& s : sections()) {
        consider(s);
    }
    return best;
}

const std::vector<std::string_view>& log_modules() {
    static const std::vector<std::string_view> all{"app",     "backtest",   "config",     "core",     "db",
                                                   "events",  "exchange",   "logging",    "market",   "monitoring",
                                                   "net",     "protection", "signals",    "sim",      "trading"};
    return all;
}

}  // namespace tradebot::config::detail
