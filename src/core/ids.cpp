#include "tradebot/core/ids.hpp"

#include <array>
#include <charconv>
#include <random>

#include <fmt/format.h>

namespace tradebot::core {
namespace {

constexpr std::array<std::string_view, 6> purpose_codes{"en", "sl", "ex", "tr", "ag", "mc"};
constexpr std::array<std::string_view, 6> purpose_names{"entry", "stop", "exit", "trailing", "aged_exit", "manual_close"};

template <typename T>
bool parse_int(std::string_view text, T& out) noexcept {
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc{} && ptr == end && !text.empty();
}

}  // namespace

std::string_view to_string(order_purpose p) noexcept { return purpose_names[static_cast<std::size_t>(p)]; }

std::string client_order_id::str() const {
    return fmt::format(
        "tb{}-{}-{}-{}", paper ? 't' : 'p', position_id, purpose_codes[static_cast<std::size_t>(purpose)], attempt
    );
}

std::optional<client_order_id> client_order_id::parse(std::string_view text) noexcept {
    if (text.size() < 4 || text.substr(0, 2) != "tb" || (text[2] != 'p' && text[2] != 't') || text[3] != '-') {
        return std::nullopt;
    }
    client_order_id id;
    id.paper = text[2] == 't';
    text.remove_prefix(4);
    const auto first = text.find('-');
    const auto last = text.rfind('-');
    if (first == std::string_view::npos || first == last) {
        return std::nullopt;
    }
    if (!parse_int(text.substr(0, first), id.position_id) || !parse_int(text.substr(last + 1), id.attempt)) {
        return std::nullopt;
    }
    const auto code = text.substr(first + 1, last - first - 1);
    for (std::size_t i = 0; i < purpose_codes.size(); ++i) {
        if (purpose_codes[i] == code) {
            id.purpose = static_cast<order_purpose>(i);
            return id;
        }
    }
    return std::nullopt;
}

std::string random_hex_id() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return fmt::format("{:016x}{:016x}", engine(), engine());
}

}  // namespace tradebot::core
