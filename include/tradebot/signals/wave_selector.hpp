#pragma once

#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "tradebot/config/settings.hpp"
#include "tradebot/signals/signal.hpp"
#include "tradebot/signals/skip.hpp"

namespace tradebot::signals {

// The candidates of one exchange in one wave.
struct exchange_selection {
    core::exchange_id exchange = core::exchange_id::binance;
    time_point candle_open;  // the newest candle of this exchange in the batch
    // Open at most this many; the rest of `selected` replaces entries that fail (original §2.3).
    int max_trades = 0;
    std::vector<signal> selected;         // best first, at most max_trades + buffer_fixed
    std::vector<skipped_signal> skipped;  // every other signal of the exchange, with its reason
};

struct wave_selection {
    std::vector<exchange_selection> exchanges;  // in core::exchange_id order, only those present
    // Newer than the wave's candle: they belong to a later wave and are left untouched.
    std::vector<signal> deferred;
};

// Returns why a signal is not traded, or nullopt to keep it; see filter_chain::check().
using signal_filter = std::function<std::optional<skip>(const signal&)>;

// Picks the signals a wave trades, per exchange independently (original-bot.md §2.3 step 3):
// 1. keep only the newest candle_time of the exchange (older ones: older_candle);
// 2. drop scores below the minimums (a score equal to the minimum passes, as the original's >=);
// 3. rank by score_week + score_month descending (the original V2 order), ties broken by
//    score_week desc, then score_month desc (implied once sum and week tie, kept for clarity),
//    then id asc, so the order never depends on input order;
// 4. run the filter on *every* ranked signal (the original once filtered only the top N and
//    traded fewer than it could, §11 #56);
// 5. keep the first max_trades_per_wave + buffer_fixed survivors (the rest: beyond_limit).
class wave_selector {
public:
    struct options {
        core::decimal min_score_week;
        core::decimal min_score_month;
        int max_trades_per_wave = 5;
        int buffer_fixed = 3;
    };

    explicit wave_selector(options o) noexcept : options_{o} {}
    [[nodiscard]] static options from_settings(const config::signals_settings& s) noexcept;

    // `wave_candle`: the candle the wave trades; signals with a later candle_time go to
    // `deferred`. nullopt (immediate mode): every signal takes part. An empty filter keeps all.
    [[nodiscard]] wave_selection select(
        std::span<const signal> signals,
        const signal_filter& filter = {},
        std::optional<time_point> wave_candle = std::nullopt
    ) const;

    // The ranking of step 3: true when a goes before b.
    [[nodiscard]] static bool ranks_before(const signal& a, const signal& b);

private:
    options options_;
};

}  // namespace tradebot::signals
