#pragma once

// Deterministic (seeded) market-data frames in the shapes the venues send them, for the stream
// benchmarks and the Python/Node baselines, which read the very same bytes from a file.

#include <cstdint>
#include <string>
#include <vector>

#include "tradebot/exchange/symbol_map.hpp"

namespace tradebot::bench {

struct frame_set {
    std::string name;  // "binance_markPrice", "binance_bookTicker", "bybit_tickers"
    std::vector<std::string> frames;
};

struct market_frames {
    std::vector<std::string> venue_names;  // the same 500 names on both venues
    frame_set binance_mark_price;  // combined-stream <s>@markPrice@1s, 20 rounds over every symbol
    frame_set binance_book_ticker;  // combined-stream <s>@bookTicker, 20 rounds
    frame_set bybit_tickers;  // tickers.<S>: one snapshot per symbol, then 19 rounds of deltas
};

inline constexpr std::size_t default_symbols = 500;
inline constexpr std::size_t default_rounds = 20;
inline constexpr std::uint64_t default_seed = 20260107;

[[nodiscard]] market_frames make_frames(std::size_t symbols = default_symbols, std::size_t rounds = default_rounds,
                                        std::uint64_t seed = default_seed);

// Every venue name loaded as a linear USDT perpetual, as the instrument lists would.
[[nodiscard]] exchange::symbol_map make_symbol_map(core::exchange_id venue, const market_frames& frames);

// Writes <dir>/<set name>.jsonl, one frame per line; false on an I/O error.
[[nodiscard]] bool write_frames(const std::string& dir, const market_frames& frames);

}  // namespace tradebot::bench
