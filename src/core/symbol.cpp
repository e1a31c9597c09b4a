#include "tradebot/core/symbol.hpp"

#include <stdexcept>

#include "core/text.hpp"

namespace tradebot::core {

std::optional<symbol> symbol::parse(std::string_view text) noexcept {
    // "BTC/USDT:USDT" is the ccxt form of a linear perpetual; the settle suffix adds nothing.
    if (const auto colon = text.find(':'); colon != std::string_view::npos) {
        text = text.substr(0, colon);
    }
    symbol s;
    bool separator_seen = false;
    for (const char c : text) {
        if (c == '/' || c == '-' || c == '_') {
            if (separator_seen || s.size_ == 0) {
                return std::nullopt;
            }
            separator_seen = true;
            continue;
        }
        const char u = ascii_upper(c);
        const bool ok = (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9');
        if (!ok || s.size_ == max_length) {
            return std::nullopt;
        }
        s.data_[s.size_++] = u;
    }
    if (s.size_ == 0 || text.back() == '/' || text.back() == '-' || text.back() == '_') {
        return std::nullopt;
    }
    return s;
}

symbol symbol::from_string(std::string_view text) {
    if (auto s = parse(text)) {
        return *s;
    }
    throw std::invalid_argument("not a symbol: '" + std::string{text} + "'");
}

}  // namespace tradebot::core
