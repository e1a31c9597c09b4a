#include "tradebot/config/settings.hpp"

#include <array>
#include <stdexcept>
#include <utility>

#include "config/endpoints.hpp"

namespace tradebot::config {
namespace {

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<std::string_view, E>, N>& table, E v) noexcept {
    for (const auto& [name, value] : table) {
        if (value == v) {
            return name;
        }
    }
    return "?";
}

template <class E, std::size_t N>
std::optional<E> value_of(const std::array<std::pair<std::string_view, E>, N>& table, std::string_view text) noexcept {
    for (const auto& [name, value] : table) {
        if (name == text) {
            return value;
        }
    }
    return std::nullopt;
}

constexpr std::array<std::pair<std::string_view, log_level>, 7> log_levels{{
    {"trace", log_level::trace},
    {"debug", log_level::debug},
    {"info", log_level::info},
    {"warn", log_level::warn},
    {"error", log_level::error},
    {"critical", log_level::critical},
    {"off", log_level::off},
}};
constexpr std::array<std::pair<std::string_view, log_format>, 2> log_formats{{
    {"kv", log_format::kv},
    {"json", log_format::json},
}};
constexpr std::array<std::pair<std::string_view, endpoint_kind>, 4> endpoint_kinds{{
    {"mainnet", endpoint_kind::mainnet},
    {"testnet", endpoint_kind::testnet},
    {"sim", endpoint_kind::sim},
    {"custom", endpoint_kind::custom},
}};
constexpr std::array<std::pair<std::string_view, margin_type>, 2> margin_types{{
    {"cross", margin_type::cross},
    {"isolated", margin_type::isolated},
}};
constexpr std::array<std::pair<std::string_view, trigger_price>, 2> trigger_prices{{
    {"mark", trigger_price::mark},
    {"last", trigger_price::last},
}};
constexpr std::array<std::pair<std::string_view, entry_order>, 2> entry_orders{{
    {"market", entry_order::market},
    {"limit_ioc", entry_order::limit_ioc},
}};
constexpr std::array<std::pair<std::string_view, webhook_format>, 2> webhook_formats{{
    {"discord", webhook_format::discord},
    {"telegram", webhook_format::telegram},
}};

}  // namespace

std::string_view to_string(log_level v) noexcept { return name_of(log_levels, v); }
std::string_view to_string(log_format v) noexcept { return name_of(log_formats, v); }
std::string_view to_string(endpoint_kind v) noexcept { return name_of(endpoint_kinds, v); }
std::string_view to_string(margin_type v) noexcept { return name_of(margin_types, v); }
std::string_view to_string(trigger_price v) noexcept { return name_of(trigger_prices, v); }
std::string_view to_string(entry_order v) noexcept { return name_of(entry_orders, v); }
std::string_view to_string(webhook_format v) noexcept { return name_of(webhook_formats, v); }

std::optional<log_level> parse_log_level(std::string_view text) noexcept {
    if (text == "warning") {
        return log_level::warn;
    }
    return value_of(log_levels, text);
}
std::optional<log_format> parse_log_format(std::string_view text) noexcept { return value_of(log_formats, text); }
std::optional<endpoint_kind> parse_endpoint_kind(std::string_view text) noexcept {
    return value_of(endpoint_kinds, text);
}
std::optional<margin_type> parse_margin_type(std::string_view text) noexcept { return value_of(margin_types, text); }
std::optional<trigger_price> parse_trigger_price(std::string_view text) noexcept {
    return value_of(trigger_prices, text);
}
std::optional<entry_order> parse_entry_order(std::string_view text) noexcept { return value_of(entry_orders, text); }
std::optional<webhook_format> parse_webhook_format(std::string_view text) noexcept {
    return value_of(webhook_formats, text);
}

exchange_settings default_exchange_settings(core::exchange_id venue) {
    exchange_settings s;
    if (const auto urls = detail::urls_for(venue, endpoint_kind::mainnet)) {
        s.rest_url = urls->rest;
        s.ws_public_url = urls->ws_public;
        s.ws_market_url = urls->ws_market;
        s.ws_private_url = urls->ws_private;
    }
    // Client-side budgets of the original bot (original-bot.md §7.2).
    if (venue == core::exchange_id::binance) {
        s.requests_per_second = 16;
        s.requests_per_minute = 960;
        s.requests_burst = 50;
    } else {
        s.requests_per_second = 8;
        s.requests_per_minute = 96;
        s.requests_burst = 20;
    }
    return s;
}

const exchange_settings& settings::exchange(core::exchange_id venue) const {
    switch (venue) {
        case core::exchange_id::binance: return exchanges.binance;
        case core::exchange_id::bybit: return exchanges.bybit;
        case core::exchange_id::paper: break;
    }
    throw std::invalid_argument("the paper exchange has no exchange settings");
}

int settings::leverage_for(core::exchange_id venue) const {
    return exchange(venue).leverage.value_or(trading.leverage);
}

}  // namespace tradebot::config
