#include "secrets/base64.hpp"

#include <array>
#include <cstdint>

namespace tradebot::secrets::detail {
namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_reverse() {
    std::array<std::int8_t, 256> out{};
    out.fill(-1);
    for (std::size_t i = 0; i < alphabet.size(); ++i) {
        out[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    }
    return out;
}

constexpr auto reverse = make_reverse();

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const auto n = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16U) |
                       (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8U) |
                       std::uint32_t{static_cast<unsigned char>(bytes[i + 2])};
        out += alphabet[(n >> 18U) & 63U];
        out += alphabet[(n >> 12U) & 63U];
        out += alphabet[(n >> 6U) & 63U];
        out += alphabet[n & 63U];
    }
    if (const auto rest = bytes.size() - i; rest > 0) {
        auto n = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16U;
        if (rest == 2) {
            n |= std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8U;
        }
        out += alphabet[(n >> 18U) & 63U];
        out += alphabet[(n >> 12U) & 63U];
        out += rest == 2 ? alphabet[(n >> 6U) & 63U] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    std::size_t padding = 0;
    if (!text.empty() && text.back() == '=') {
        padding = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
    }
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        std::uint32_t n = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            const auto c = static_cast<unsigned char>(text[i + j]);
            std::int8_t v = reverse[c];
            if (c == '=' && last && j >= 4 - padding) {
                v = 0;
            } else if (v < 0) {
                return std::nullopt;
            }
            n = (n << 6U) | static_cast<std::uint32_t>(v);
        }
        out += static_cast<char>((n >> 16U) & 0xFFU);
        if (!(last && padding == 2)) {
            out += static_cast<char>((n >> 8U) & 0xFFU);
        }
        if (!(last && padding >= 1)) {
            out += static_cast<char>(n & 0xFFU);
        }
        // Bits below the padding must be zero, so each text has one decoding and one encoding.
        if (last && ((padding == 1 && (n & 0xFFU) != 0) || (padding == 2 && (n & 0xFFFFU) != 0))) {
            return std::nullopt;
        }
    }
    return out;
}

}  // namespace tradebot::secrets::detail
