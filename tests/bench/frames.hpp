#pragma once

// Deterministic (seeded) market-data frames in the shapes the venues send them, for the stream
// benchmarks and the Python/Node baselines, which read the very same bytes from a file.

#include <cstdint>
#include <string>
#include <string_view>
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

// Single frames of the same shapes, for the benchmarks that need a price path of their own.
// Binance combined-stream <s>@markPrice@1s; prices in units of 10^-8 (the venue sends 8 decimals).
struct binance_mark_fields {
    std::string_view venue_name;
    std::int64_t event_ms = 0;
    std::int64_t mark = 0;
    std::int64_t average = 0;     // "ap"
    std::int64_t index = 0;       // "i"
    std::int64_t settlement = 0;  // "P"
    std::int64_t funding = 0;     // "r"
    std::int64_t next_funding_ms = 0;
};
[[nodiscard]] std::string binance_mark_price_frame(const binance_mark_fields& f);
// Bybit tickers.<S>: a full snapshot (other figures seeded from `seed`) and a delta carrying only
// the mark and index; prices in ticks of 10^-scale.
[[nodiscard]] std::string bybit_ticker_snapshot_frame(std::string_view venue_name, std::int64_t price, int scale,
                                                      std::int64_t cs, std::int64_t ts, std::uint64_t seed);
[[nodiscard]] std::string bybit_mark_delta_frame(std::string_view venue_name, std::int64_t mark, std::int64_t index,
                                                 int scale, std::int64_t cs, std::int64_t ts);

// Every venue name loaded as a linear USDT perpetual, as the instrument lists would.
[[nodiscard]] exchange::symbol_map make_symbol_map(core::exchange_id venue, const market_frames& frames);

// Writes <dir>/<set name>.jsonl, one frame per line; false on an I/O error.
[[nodiscard]] bool write_frames(const std::string& dir, const market_frames& frames);

}  // namespace tradebot::bench
