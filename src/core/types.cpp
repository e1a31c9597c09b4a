#include "tradebot/core/types.hpp"

#include <array>
#include <utility>

#include "core/text.hpp"

namespace tradebot::core {
namespace {

template <typename E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<std::string_view, E>, N>& table, std::string_view text) noexcept {
    for (const auto& [name, value] : table) {
        if (iequals(name, text)) {
            return value;
        }
    }
    return std::nullopt;
}

constexpr std::array<std::pair<std::string_view, side>, 2> sides{{{"buy", side::buy}, {"sell", side::sell}}};
constexpr std::array<std::pair<std::string_view, position_side>, 2> position_sides{
    {{"long", position_side::long_}, {"short", position_side::short_}}};
constexpr std::array<std::pair<std::string_view, exchange_id>, 3> exchanges{
    {{"binance", exchange_id::binance}, {"bybit", exchange_id::bybit}, {"paper", exchange_id::paper}}};
constexpr std::array<std::pair<std::string_view, order_type>, 5> order_types{{
    {"market", order_type::market},
    {"limit", order_type::limit},
    {"stop_market", order_type::stop_market},
    {"take_profit_market", order_type::take_profit_market},
    {"trailing_stop_market", order_type::trailing_stop_market},
}};
constexpr std::array<std::pair<std::string_view, mode>, 2> modes{
    {{"production", mode::production}, {"test", mode::test}}};

}  // namespace

std::string_view to_string(side s) noexcept { return sides[static_cast<std::size_t>(s)].first; }
std::string_view to_string(position_side s) noexcept { return position_sides[static_cast<std::size_t>(s)].first; }
std::string_view to_string(exchange_id e) noexcept { return exchanges[static_cast<std::size_t>(e)].first; }
std::string_view to_string(order_type t) noexcept { return order_types[static_cast<std::size_t>(t)].first; }
std::string_view to_string(mode m) noexcept { return modes[static_cast<std::size_t>(m)].first; }

std::optional<side> parse_side(std::string_view text) noexcept { return lookup(sides, text); }
std::optional<position_side> parse_position_side(std::string_view text) noexcept {
    return lookup(position_sides, text);
}
std::optional<exchange_id> parse_exchange(std::string_view text) noexcept { return lookup(exchanges, text); }
std::optional<order_type> parse_order_type(std::string_view text) noexcept { return lookup(order_types, text); }
std::optional<mode> parse_mode(std::string_view text) noexcept { return lookup(modes, text); }

}  // namespace tradebot::core
