#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tradebot/signals/signal.hpp"

namespace tradebot::signals {

// Why a valid signal is not traded. The row is marked 'skipped' with to_string(reason) and the
// message; the reasons are also the label values of the skipped-signals metric.
enum class skip_reason : std::uint8_t {
    // wave_selector
    older_candle,     // the batch has a newer candle for the same exchange
    below_min_score,  // score_week < min_score_week or score_month < min_score_month
    beyond_limit,     // ranked after the first max_trades_per_wave + buffer_fixed survivors
    // filter_chain, in the order the filters run
    already_open,       // a live position on (exchange, symbol)
    in_flight,          // an entry for (exchange, symbol) is being opened
    stop_list,          // signal_filters.stop_list
    not_whitelisted,    // signal_filters.whitelist is set and lacks the symbol
    not_tradable,       // instrument unknown to the venue or not trading
    no_market_data,     // a datum an enabled filter needs is missing: fail closed
    min_notional,       // the venue's minimum order costs more than the size plus tolerance
    open_interest,      // below min_open_interest_usdt
    volume_1h,          // below min_volume_1h_usdt
    price_change_5min,  // moved too far in the signal's direction already
    max_positions,      // no free slot, in total or on the exchange
};

[[nodiscard]] std::string_view to_string(skip_reason r) noexcept;

struct skip {
    skip_reason reason = skip_reason::older_candle;
    std::string message;
};

struct skipped_signal {
    signal sig;
    skip why;
};

}  // namespace tradebot::signals
