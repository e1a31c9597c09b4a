#include "config/validate.hpp"

#include <set>

#include "config/endpoints.hpp"
#include "tradebot/config/loader.hpp"

namespace tradebot::config::detail {
namespace {

class checker {
public:
    checker(const std::map<std::string, raw_value>& values, error_sink& sink) : values_{values}, sink_{sink} {}

    [[nodiscard]] bool was_set(const std::string& path) const { return values_.contains(path); }

    // Reports at the place `path` was set; skipped when one of the keys involved is already wrong,
    // because its value is then the default and the complaint would be misleading.
    void fail(const std::string& path, std::string message, std::initializer_list<std::string> involved = {}) {
        if (sink_.failed(path)) {
            return;
        }
        for (const auto& other : involved) {
            if (sink_.failed(other)) {
                return;
            }
        }
        const auto it = values_.find(path);
        sink_.add(it != values_.end() ? it->second.loc : source_location{}, path, std::move(message));
    }

private:
    const std::map<std::string, raw_value>& values_;
    error_sink& sink_;
};

bool is_identifier(std::string_view text) {
    if (text.empty() || text.size() > 63 || (text.front() >= '0' && text.front() <= '9')) {
        return false;
    }
    for (const char c : text) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return true;
}

// The first word of an SQL text after blanks and "--" comments, lower-cased.
std::string first_sql_word(std::string_view sql) {
    std::size_t i = 0;
    while (i < sql.size()) {
        if (sql[i] == ' ' || sql[i] == '\t' || sql[i] == '\r' || sql[i] == '\n') {
            ++i;
        } else if (sql.compare(i, 2, "--") == 0) {
            const auto eol = sql.find('\n', i);
            i = eol == std::string_view::npos ? sql.size() : eol + 1;
        } else {
            break;
        }
    }
    std::string word;
    for (; i < sql.size() && ((sql[i] >= 'a' && sql[i] <= 'z') || (sql[i] >= 'A' && sql[i] <= 'Z')); ++i) {
        word += static_cast<char>(sql[i] | 0x20);
    }
    return word;
}

void validate_external(const external_signals_settings& ext, checker& check) {
    if (ext.enabled && first_sql_word(ext.query).empty()) {
        check.fail("signals.external.query", "required when signals.external.enabled is true",
                   {"signals.external.enabled"});
    } else if (const auto word = first_sql_word(ext.query); !word.empty() && word != "select" && word != "with") {
        // It runs as a subquery (src/db/external_signal_repository.cpp), so only a query fits.
        check.fail("signals.external.query", "expected a SELECT (or WITH ... SELECT) query, got '" + word + " ...'");
    }
    if (!is_identifier(ext.source)) {
        check.fail("signals.external.source", "expected a lower-case name such as 'external', got '" + ext.source + "'");
    } else if (ext.source == "db") {
        check.fail("signals.external.source", "must not be 'db', the source of rows written straight into the table");
    }
}

bool has_scheme(std::string_view url, std::string_view plain, std::string_view secure) {
    return (url.starts_with(plain) || url.starts_with(secure)) && url.size() > secure.size();
}

void resolve_exchange(exchange_settings& ex, core::exchange_id venue, const std::string& prefix, core::mode mode,
                      checker& check) {
    struct url_key {
        std::string exchange_settings::*member;
        std::string_view endpoint_urls::*table;
        const char* key;
        bool websocket;
    };
    static constexpr url_key keys[] = {
        {&exchange_settings::rest_url, &endpoint_urls::rest, "rest_url", false},
        {&exchange_settings::ws_public_url, &endpoint_urls::ws_public, "ws_public_url", true},
        {&exchange_settings::ws_market_url, &endpoint_urls::ws_market, "ws_market_url", true},
        {&exchange_settings::ws_private_url, &endpoint_urls::ws_private, "ws_private_url", true},
    };
    const auto table = urls_for(venue, ex.endpoint);
    for (const auto& k : keys) {
        const auto path = prefix + "." + k.key;
        if (!check.was_set(path)) {
            ex.*k.member = table ? std::string{(*table).*k.table} : std::string{};
        }
        const auto& url = ex.*k.member;
        if (!ex.enabled) {
            continue;
        }
        if (url.empty()) {
            check.fail(path, ex.endpoint == endpoint_kind::custom ? "required when endpoint is custom" : "must not be empty",
                       {prefix + ".endpoint"});
        } else if (k.websocket ? !has_scheme(url, "ws://", "wss://") : !has_scheme(url, "http://", "https://")) {
            check.fail(path, std::string{"expected a "} + (k.websocket ? "ws:// or wss://" : "http:// or https://") +
                                 " URL, got '" + url + "'");
        }
    }
    if (ex.enabled && mode == core::mode::production) {
        for (const char* key : {"api_key", "api_secret"}) {
            const auto& value = std::string_view{key} == "api_key" ? ex.api_key : ex.api_secret;
            if (value.empty()) {
                const auto path = prefix + "." + key;
                check.fail(path, "required in production mode (set " + env_name(path) + ")", {"app.mode"});
            }
        }
    }
}

}  // namespace

void resolve_and_validate(settings& s, const std::map<std::string, raw_value>& values, error_sink& sink) {
    checker check{values, sink};

    resolve_exchange(s.exchanges.binance, core::exchange_id::binance, "exchanges.binance", s.app.mode, check);
    resolve_exchange(s.exchanges.bybit, core::exchange_id::bybit, "exchanges.bybit", s.app.mode, check);
    if (!s.exchanges.binance.enabled && !s.exchanges.bybit.enabled) {
        check.fail("exchanges.binance.enabled", "at least one exchange must be enabled", {"exchanges.bybit.enabled"});
    }

    if (s.database.url.empty() && s.database.name.empty()) {
        check.fail("database.name", "required when database.url is empty", {"database.url"});
    }
    if (!is_identifier(s.database.schema)) {
        check.fail("database.schema", "expected a lower-case SQL identifier, got '" + s.database.schema + "'");
    }
    if (s.database.reconnect_backoff_min_ms > s.database.reconnect_backoff_max_ms) {
        check.fail("database.reconnect_backoff_min_ms",
                   "must not exceed database.reconnect_backoff_max_ms (" +
                       std::to_string(s.database.reconnect_backoff_max_ms.count()) + ")",
                   {"database.reconnect_backoff_max_ms"});
    }
    if (!s.alerts.webhook.url.empty() && !s.alerts.webhook.url.starts_with("https://") &&
        !s.alerts.webhook.url.starts_with("http://")) {
        // The value is a secret: the message never repeats it.
        check.fail("alerts.webhook.url", "must start with https:// (or http:// for a local receiver)");
    }
    if (!s.alerts.webhook.url.empty() && s.alerts.webhook.format == webhook_format::telegram &&
        s.alerts.webhook.telegram_chat_id.empty()) {
        check.fail("alerts.webhook.telegram_chat_id", "must be set when alerts.webhook.format is telegram",
                   {"alerts.webhook.format"});
    }
    if (s.ha.renew_interval_ms * 2 > s.ha.lease_duration_ms) {
        check.fail("ha.renew_interval_ms",
                   "must be at most half of ha.lease_duration_ms (" + std::to_string(s.ha.lease_duration_ms.count()) +
                       "), so that a missed renewal is retried before the lease runs out",
                   {"ha.lease_duration_ms"});
    }
    if (s.control.enabled && s.control.bind.empty()) {
        check.fail("control.bind", "must not be empty");
    }
    if (s.control.enabled && s.http.enabled && s.control.port == s.http.port && s.control.bind == s.http.bind) {
        check.fail("control.port", "must differ from http.port (" + std::to_string(s.http.port) + ")", {"http.port"});
    }
    if (s.http.bind.empty()) {
        check.fail("http.bind", "must not be empty");
    }
    if (s.http.header_timeout_ms > s.http.request_timeout_ms) {
        check.fail(
            "http.header_timeout_ms",
            "must not exceed http.request_timeout_ms (" + std::to_string(s.http.request_timeout_ms.count()) + ")",
            {"http.request_timeout_ms"}
        );
    }

    const auto& waves = s.signals.wave_minutes;
    if (waves.empty()) {
        check.fail("signals.wave_minutes", "must list at least one minute");
    }
    if (std::set<int>{waves.begin(), waves.end()}.size() != waves.size()) {
        check.fail("signals.wave_minutes", "must not repeat a minute");
    }

    validate_external(s.signals.external, check);

    const auto& t = s.trading;
    if (t.leverage > t.max_leverage) {
        check.fail("trading.leverage", "must not exceed trading.max_leverage (" + std::to_string(t.max_leverage) +
                                           "), got " + std::to_string(t.leverage),
                   {"trading.max_leverage"});
    }
    for (const auto& [name, ex] : {std::pair{"binance", &s.exchanges.binance}, std::pair{"bybit", &s.exchanges.bybit}}) {
        if (ex->leverage && *ex->leverage > t.max_leverage) {
            check.fail(std::string{"exchanges."} + name + ".leverage",
                       "must not exceed trading.max_leverage (" + std::to_string(t.max_leverage) + "), got " +
                           std::to_string(*ex->leverage),
                       {"trading.max_leverage"});
        }
    }
    if (t.min_position_size_usd > t.max_position_size_usd) {
        check.fail("trading.min_position_size_usd",
                   "must not exceed trading.max_position_size_usd (" + t.max_position_size_usd.to_string() + ")",
                   {"trading.max_position_size_usd"});
    } else if (t.position_size_usd < t.min_position_size_usd || t.position_size_usd > t.max_position_size_usd) {
        check.fail("trading.position_size_usd",
                   "must be between trading.min_position_size_usd (" + t.min_position_size_usd.to_string() +
                       ") and trading.max_position_size_usd (" + t.max_position_size_usd.to_string() + "), got " +
                       t.position_size_usd.to_string(),
                   {"trading.min_position_size_usd", "trading.max_position_size_usd"});
    }
    if (s.risk.max_positions_per_exchange > s.risk.max_positions) {
        check.fail("risk.max_positions_per_exchange",
                   "must not exceed risk.max_positions (" + std::to_string(s.risk.max_positions) + ")",
                   {"risk.max_positions"});
    }
    const auto& trailing = s.protection.trailing;
    const auto callback = trailing.callback_percent;
    if (trailing.venue_native && (callback < core::decimal::from_raw(1, 1) || callback > core::decimal::from_int(10))) {
        check.fail("protection.trailing.callback_percent",
                   "must be between 0.1 and 10 with protection.trailing.venue_native (Binance callbackRate), got " +
                       callback.to_string(),
                   {"protection.trailing.venue_native"});
    }
    if (s.protection.aged.loss_step_percent > s.protection.aged.max_loss_percent) {
        check.fail("protection.aged.loss_step_percent",
                   "must not exceed protection.aged.max_loss_percent (" +
                       s.protection.aged.max_loss_percent.to_string() + ")",
                   {"protection.aged.max_loss_percent"});
    }
}

}  // namespace tradebot::config::detail
