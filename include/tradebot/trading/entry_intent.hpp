#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/exchange/venue_client.hpp"

namespace tradebot::trading {

// A decision to open one position, after the filters and the risk checks: sized, rounded, ready.
struct entry_intent {
    std::optional<std::int64_t> signal_id;  // none for a manual open
    // With signal_id: the signal's claimer, for whom the entry's rows claim it (it may have been
    // decided from its NOTIFY, unclaimed); nothing is written or sent if another has it.
    std::string signal_owner;
    core::exchange_id exchange = core::exchange_id::binance;
    core::symbol symbol;
    core::position_side side = core::position_side::long_;
    core::decimal quantity;         // floored to the step for a market order
    core::decimal reference_price;  // the mark the size was computed from
    int leverage = 1;
    // The largest notional the venue allows a position of the symbol at `leverage` (§11 #49);
    // nullopt: no limit known. Filled by the pipeline before the risk check.
    std::optional<core::decimal> max_notional;
};

// How an open ended. Every kind but `protected_` leaves no position behind, or says why not.
enum class open_result_kind : std::uint8_t {
    protected_,        // filled and covered by an exchange-side stop
    already_live,      // the symbol already has a live position (rule 4): nothing sent
    signal_taken,      // another claimer decided or claimed the signal first: nothing written or sent
    not_opened,        // leverage or entry refused by the venue: nothing opened
    not_filled,        // a limit IOC entry found nothing within its slippage bound: nothing opened
    closed_unprotected,  // filled, but no stop could be placed: closed again at market
    needs_reconcile,   // an outcome the venue could not confirm; the reconciler takes over
};

[[nodiscard]] std::string_view to_string(open_result_kind k) noexcept;

struct open_result {
    open_result_kind kind = open_result_kind::not_opened;
    std::int64_t position_id = 0;
    std::int32_t version = 0;  // of the positions row after the last write
    core::decimal quantity;
    core::decimal entry_price;
    std::optional<core::decimal> stop_price;
    std::optional<exchange::stop_state> stop;  // the live stop when protected
    std::string reason;  // for the signal row and the log; empty when protected
    // No stop could be placed after the fill: closed_unprotected, or needs_reconcile when the
    // close that followed did not fill either.
    bool stop_failed = false;
    // The venue refused the entry because the symbol does not trade now (Binance -4140, Bybit
    // 110074, §11 #50): the symbol is paused for trading.halted_symbol_pause_seconds.
    bool symbol_unavailable = false;
    // Steady time at which the entry order was handed to the venue client (its rows written).
    std::optional<std::chrono::steady_clock::time_point> entry_sent;
};

}  // namespace tradebot::trading
