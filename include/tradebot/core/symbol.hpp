#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "tradebot/core/hash.hpp"

namespace tradebot::core {

// An instrument in tradebot's single internal form: upper-case BASEQUOTE ("BTCUSDT").
// Stored inline (no allocation), so it is cheap to copy, compare and hash on hot paths.
// Venue spellings such as Bybit's "SHIB1000USDT" are mapped in the adapters, never here.
class symbol {
public:
    static constexpr std::size_t max_length = 23;

    constexpr symbol() noexcept = default;

    // Upper-cases and accepts the common external spellings: "btcusdt", "BTC/USDT",
    // "BTC/USDT:USDT", "BTC-USDT". Returns nullopt for anything else or an over-long name.
    static std::optional<symbol> parse(std::string_view text) noexcept;
    // parse() or throw std::invalid_argument; for constants and tests.
    static symbol from_string(std::string_view text);

    [[nodiscard]] constexpr std::string_view view() const noexcept { return {data_.data(), size_}; }
    [[nodiscard]] std::string str() const { return std::string{view()}; }
    [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }

    friend constexpr bool operator==(const symbol& a, const symbol& b) noexcept { return a.view() == b.view(); }
    friend constexpr auto operator<=>(const symbol& a, const symbol& b) noexcept { return a.view() <=> b.view(); }

private:
    std::array<char, max_length> data_{};
    std::uint8_t size_ = 0;
};

}  // namespace tradebot::core

template <>
struct std::hash<tradebot::core::symbol> {
    std::size_t operator()(const tradebot::core::symbol& s) const noexcept {
        return tradebot::core::short_hash(s.view());
    }
};
