#pragma once

#include <optional>
#include <string_view>

#include "tradebot/config/settings.hpp"

namespace tradebot::config::detail {

struct endpoint_urls {
    std::string_view rest;
    std::string_view ws_public;
    std::string_view ws_market;
    std::string_view ws_private;
};

// The URLs a named endpoint stands for; nullopt for endpoint_kind::custom (and for paper).
[[nodiscard]] std::optional<endpoint_urls> urls_for(core::exchange_id venue, endpoint_kind kind) noexcept;

}  // namespace tradebot::config::detail
