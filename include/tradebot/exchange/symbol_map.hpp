#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"

namespace tradebot::exchange {

// One instrument of one venue: its spelling there and our internal name.
struct symbol_entry {
    core::symbol internal;   // BASEQUOTE; multiplier contracts keep the count as a prefix ("1000SHIBUSDT")
    std::string venue_name;  // exactly as the venue spells it ("SHIB1000USDT")
    // How many coins one unit of the contract stands for (1000 for 1000SHIB / SHIB1000); prices
    // and quantities of the contract are per this many coins on both venues.
    std::uint32_t multiplier = 1;
    std::string coin;  // the coin without the multiplier ("SHIB")
    std::string quote;  // "USDT"
};

// A venue's base asset split into the coin and the contract multiplier: "1000SHIB" and "SHIB1000"
// give {SHIB, 1000}, "1MBABYDOGE" and "1000000BABYDOGE" give {BABYDOGE, 1000000}, "1INCH" and "C98"
// stay as they are (only 10^3..10^9 counts the multiplier). [U] The venues publish no multiplier
// field; this reading of the base asset is ours and is checked against the known names in tests.
struct split_base {
    std::string_view coin;
    std::uint32_t multiplier = 1;
};
[[nodiscard]] split_base split_multiplier(std::string_view base_asset) noexcept;

enum class add_status : std::uint8_t {
    added,
    duplicate,     // the same pair was already there (instrument lists reloaded)
    conflict,      // the venue name or the internal name is already mapped to something else
    invalid_name,  // the internal name is not a valid core::symbol (e.g. "测试USDT")
};
[[nodiscard]] std::string_view to_string(add_status s) noexcept;

// Bidirectional map between internal symbols and one venue's names, filled from that venue's
// instrument list (never by deriving one venue's name from the other's). Lookups of names that
// were never loaded return nullopt: the caller reports them; nothing is guessed.
// Not thread-safe for writes; build it, then share it const.
class symbol_map {
public:
    explicit symbol_map(core::exchange_id venue) noexcept : venue_{venue} {}

    [[nodiscard]] core::exchange_id venue() const noexcept { return venue_; }

    // From an instrument-list row: venue name plus base and quote asset as the venue gives them
    // (Binance exchangeInfo baseAsset/quoteAsset, Bybit instruments-info baseCoin/quoteCoin).
    // The internal name is <multiplier><coin><quote>, e.g. 1000SHIBUSDT for Bybit SHIB1000USDT.
    add_status add_instrument(std::string_view venue_name, std::string_view base_asset, std::string_view quote_asset);
    // An explicit entry (tests, overrides from configuration).
    add_status add(symbol_entry entry);

    [[nodiscard]] const symbol_entry* find_venue(std::string_view venue_name) const noexcept;
    [[nodiscard]] const symbol_entry* find_internal(const core::symbol& internal) const noexcept;
    [[nodiscard]] std::optional<core::symbol> to_internal(std::string_view venue_name) const noexcept;
    // The venue's spelling; the view lives as long as the map.
    [[nodiscard]] std::optional<std::string_view> to_venue(const core::symbol& internal) const noexcept;

    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
    [[nodiscard]] const std::vector<symbol_entry>& entries() const noexcept { return entries_; }

private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return core::short_hash(s); }
    };

    core::exchange_id venue_;
    std::vector<symbol_entry> entries_;
    boost::unordered_flat_map<std::string, std::size_t, string_hash, std::equal_to<>> by_venue_;
    boost::unordered_flat_map<core::symbol, std::size_t, std::hash<core::symbol>> by_internal_;
};

}  // namespace tradebot::exchange
