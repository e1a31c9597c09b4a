#include "tradebot/exchange/symbol_map.hpp"

#include <string>

namespace tradebot::exchange {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// "1000".."1000000000" -> the value; anything else -> 0.
std::uint32_t power_of_ten(std::string_view digits) noexcept {
    if (digits.size() < 4 || digits.size() > 10 || digits.front() != '1') {
        return 0;
    }
    std::uint32_t value = 1;
    for (const char c : digits.substr(1)) {
        if (c != '0') {
            return 0;
        }
        value *= 10;
    }
    return value;
}

}  // namespace

split_base split_multiplier(std::string_view base) noexcept {
    std::size_t lead = 0;
    while (lead < base.size() && is_digit(base[lead])) {
        ++lead;
    }
    if (lead > 0 && lead < base.size()) {
        if (const auto m = power_of_ten(base.substr(0, lead)); m != 0) {
            return {base.substr(lead), m};
        }
        // Binance writes a million as "1M" (1MBABYDOGE).
        if (base.substr(0, lead) == "1" && base[lead] == 'M' && lead + 1 < base.size()) {
            return {base.substr(lead + 1), 1'000'000};
        }
    }
    std::size_t tail = base.size();
    while (tail > 0 && is_digit(base[tail - 1])) {
        --tail;
    }
    if (tail > 0 && tail < base.size()) {
        if (const auto m = power_of_ten(base.substr(tail)); m != 0) {
            return {base.substr(0, tail), m};
        }
    }
    return {base, 1};
}

std::string_view to_string(add_status s) noexcept {
    switch (s) {
        case add_status::added: return "added";
        case add_status::duplicate: return "duplicate";
        case add_status::conflict: return "conflict";
        case add_status::invalid_name: return "invalid_name";
    }
    return "unknown";
}

add_status symbol_map::add_instrument(std::string_view venue_name, std::string_view base_asset,
                                      std::string_view quote_asset) {
    const auto split = split_multiplier(base_asset);
    std::string name;
    if (split.multiplier > 1) {
        name = std::to_string(split.multiplier);
    }
    name.append(split.coin).append(quote_asset);
    // parse() also accepts separators; an internal name must be plain alphanumerics.
    const auto internal = core::symbol::parse(name);
    if (!internal || internal->view() != name || venue_name.empty()) {
        return add_status::invalid_name;
    }
    return add(symbol_entry{*internal, std::string{venue_name}, split.multiplier, std::string{split.coin},
                            std::string{quote_asset}});
}

add_status symbol_map::add(symbol_entry entry) {
    if (entry.internal.empty() || entry.venue_name.empty()) {
        return add_status::invalid_name;
    }
    const auto v = by_venue_.find(std::string_view{entry.venue_name});
    const auto i = by_internal_.find(entry.internal);
    if (v != by_venue_.end() || i != by_internal_.end()) {
        const bool same = v != by_venue_.end() && i != by_internal_.end() && v->second == i->second &&
                          entries_[v->second].multiplier == entry.multiplier;
        return same ? add_status::duplicate : add_status::conflict;
    }
    const std::size_t index = entries_.size();
    by_venue_.emplace(entry.venue_name, index);
    by_internal_.emplace(entry.internal, index);
    entries_.push_back(std::move(entry));
    return add_status::added;
}

const symbol_entry* symbol_map::find_venue(std::string_view venue_name) const noexcept {
    const auto it = by_venue_.find(venue_name);
    return it == by_venue_.end() ? nullptr : &entries_[it->second];
}

const symbol_entry* symbol_map::find_internal(const core::symbol& internal) const noexcept {
    const auto it = by_internal_.find(internal);
    return it == by_internal_.end() ? nullptr : &entries_[it->second];
}

std::optional<core::symbol> symbol_map::to_internal(std::string_view venue_name) const noexcept {
    if (const auto* e = find_venue(venue_name)) {
        return e->internal;
    }
    return std::nullopt;
}

std::optional<std::string_view> symbol_map::to_venue(const core::symbol& internal) const noexcept {
    if (const auto* e = find_internal(internal)) {
        return std::string_view{e->venue_name};
    }
    return std::nullopt;
}

}  // namespace tradebot::exchange
