#pragma once

// A hash for the short keys of the market-data path (venue names, symbols): a few inline
// multiplications where std::hash<std::string_view> calls libstdc++'s out-of-line murmur, which
// was a tenth of a mark price's parse + route time. The keys come from the venues' instrument
// lists, not from whoever can send us text, so collision resistance against chosen keys is not
// a goal.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace tradebot::core {

namespace hash_detail {

__extension__ using u128 = unsigned __int128;

// The 64 x 64 -> 128 multiply folded to 64 bits (wyhash's "mum"): every input bit reaches every
// output bit in one step.
inline std::uint64_t mum(std::uint64_t a, std::uint64_t b) noexcept {
    const u128 p = static_cast<u128>(a) * b;
    return static_cast<std::uint64_t>(p) ^ static_cast<std::uint64_t>(p >> 64);
}

inline std::uint64_t load64(const char* p) noexcept {
    std::uint64_t w = 0;
    std::memcpy(&w, p, sizeof w);
    return w;
}

inline std::uint64_t load32(const char* p) noexcept {
    std::uint32_t w = 0;
    std::memcpy(&w, p, sizeof w);
    return w;
}

constexpr std::uint64_t k0 = 0xa0761d6478bd642fULL;
constexpr std::uint64_t k1 = 0xe7037ed1a0b428dbULL;

}  // namespace hash_detail

[[nodiscard]] inline std::size_t short_hash(std::string_view s) noexcept {
    using namespace hash_detail;
    const char* p = s.data();
    std::size_t n = s.size();
    std::uint64_t h = mum(n ^ k0, k1);
    while (n > 8) {
        h = mum(h ^ load64(p) ^ k0, k1);
        p += 8;
        n -= 8;
    }
    // The last 1..8 bytes without reading past them: two overlapping 4-byte loads, or the
    // first, middle and last byte.
    std::uint64_t tail = 0;
    if (n >= 4) {
        tail = (load32(p) << 32) | load32(p + n - 4);
    } else if (n > 0) {
        tail = (static_cast<std::uint64_t>(static_cast<unsigned char>(p[0])) << 16) |
               (static_cast<std::uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8) |
               static_cast<unsigned char>(p[n - 1]);
    }
    return static_cast<std::size_t>(mum(h ^ tail ^ k1, k0 ^ n));
}

}  // namespace tradebot::core
