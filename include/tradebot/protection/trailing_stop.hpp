#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/core/decimal.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/exchange/instrument_rules.hpp"

namespace tradebot::protection {

using time_point = core::clock::time_point;

// The persisted part of a trailing stop; the fields are the positions columns of the same name
// (0001_initial.sql). Restoring from it continues where the last run stopped (§11 #22).
struct trailing_snapshot {
    bool trailing_activated = false;
    std::optional<time_point> trailing_activated_at;
    std::optional<core::decimal> trailing_peak_price;  // best price seen since entry
    std::optional<time_point> trailing_last_move_at;   // last move the venue CONFIRMED
    std::optional<core::decimal> stop_price;           // the stop live on the venue
    bool operator==(const trailing_snapshot&) const = default;
};

struct trailing_params {
    core::position_side side = core::position_side::long_;
    core::decimal entry_price;  // fill price
    // Per-position percents; zero or negative falls back to the settings (a callback restored as
    // 0 once put the stop at the price itself, §11 #22).
    core::decimal activation_percent;
    core::decimal callback_percent;
    // The protective stop live on the venue when the trailing stop is created; a restored
    // snapshot's stop_price wins over it.
    std::optional<core::decimal> initial_stop;
};

enum class trailing_phase : std::uint8_t {
    inactive,   // waiting for the activation price; the protective stop guards the position
    active,     // owns the stop and moves it
    triggered,  // asked for an emergency close; the position lifecycle finishes it
};

enum class move_reason : std::uint8_t {
    activation,  // first move when the activation price is reached
    interval,    // min_update_interval passed and improvement >= min_improvement_percent
    immediate,   // improvement >= immediate_improvement_percent, interval ignored
};

struct no_action {
    bool operator==(const no_action&) const = default;
};
// Move the venue stop to new_trigger, then report confirm_move() or reject_move().
struct move_stop {
    core::decimal new_trigger;
    move_reason reason = move_reason::interval;
    bool operator==(const move_stop&) const = default;
};
// The mark has already crossed the stop the trailing stop wanted: a stop order would fire at
// once or be refused (-2021), so close at market now (§4.2, §11 #17).
struct close_now {
    core::decimal proposed_trigger;
    core::decimal mark;
    bool operator==(const close_now&) const = default;
};
// Persist snapshot(): the peak moved enough to be worth writing (§4.2 persistence rule).
struct save_peak {
    core::decimal peak;
    bool operator==(const save_peak&) const = default;
};

using trailing_decision = std::variant<no_action, move_stop, close_now, save_peak>;

[[nodiscard]] std::string_view to_string(trailing_phase v) noexcept;
[[nodiscard]] std::string_view to_string(move_reason v) noexcept;

// One position's trailing stop (original-bot.md §4.2), sans-io. Feed it mark prices; it answers
// with at most one decision per price.
//
// - The peak (highest price for a long, lowest for a short) starts at entry and only improves.
// - Activation once the peak has reached entry x (1 +/- activation/100), inclusive; a latch on the
//   peak, so a refused activation is retried even after the price pulled back. The candidate stop
//   is peak x (1 -/+ callback/100), rounded with instrument_rules::stop_price (towards the market,
//   so never further than the callback from the peak).
// - A candidate is only proposed when it is better than the current stop (higher for a long,
//   lower for a short) and passes the rate limits: an improvement >= immediate_improvement_percent
//   of the current stop moves at once; otherwise min_update_interval since the last CONFIRMED move
//   and >= min_improvement_percent. Activation ignores the rate limits.
// - Before proposing, the mark is checked against the candidate: if the mark has crossed the
//   unrounded candidate the answer is close_now (the trailing exit level is already passed); if
//   only the rounded candidate is crossed nothing is proposed.
// - Pessimistic update (§11 #21): current_stop() and the activated flag change only in
//   confirm_move(); reject_move() keeps the old stop. While a move is in flight no other move is
//   proposed; the peak is still tracked.
// - If at activation the current stop is already better than the candidate, the trailing stop
//   activates without a move and answers save_peak (the snapshot changed).
// - After close_now the phase is triggered and every later price answers no_action.
// - save_peak when the peak moved >= 1 % since the last save, or >= peak_save_min_change_percent
//   and peak_save_interval has passed since the last save. A confirmed move counts as a save.
class trailing_stop {
public:
    // A peak change at least this large (percent) is saved at once, whatever peak_save_interval says.
    static constexpr core::decimal peak_save_immediate_percent = core::decimal::from_int(1);

    trailing_stop(trailing_params params, config::trailing_settings settings, exchange::instrument_rules rules,
                  std::optional<trailing_snapshot> restored = std::nullopt);

    [[nodiscard]] trailing_decision on_price(core::decimal mark, time_point now);

    // The venue accepted the proposed move at `trigger` (normally the proposed new_trigger).
    // Returns false (and changes nothing) when no move was in flight.
    bool confirm_move(core::decimal trigger, time_point now);
    // The venue refused the proposed move: the old stop stays. False when no move was in flight.
    bool reject_move();

    [[nodiscard]] trailing_snapshot snapshot() const;

    [[nodiscard]] trailing_phase phase() const noexcept;
    [[nodiscard]] core::position_side side() const noexcept { return params_.side; }
    [[nodiscard]] core::decimal entry_price() const noexcept { return params_.entry_price; }
    [[nodiscard]] core::decimal activation_price() const noexcept { return activation_price_; }
    [[nodiscard]] core::decimal activation_percent() const noexcept { return params_.activation_percent; }
    [[nodiscard]] core::decimal callback_percent() const noexcept { return params_.callback_percent; }
    [[nodiscard]] core::decimal peak() const noexcept { return peak_; }
    [[nodiscard]] std::optional<core::decimal> current_stop() const noexcept { return stop_; }
    [[nodiscard]] std::optional<core::decimal> pending_trigger() const noexcept;
    [[nodiscard]] bool move_in_flight() const noexcept { return pending_.has_value(); }

private:
    [[nodiscard]] trailing_decision propose(core::decimal mark, time_point now, bool activating);
    [[nodiscard]] trailing_decision maybe_save_peak(time_point now);
    [[nodiscard]] std::optional<move_reason> rate_limit(core::decimal candidate, time_point now) const;
    void mark_peak_saved(time_point now);

    struct pending_move {
        core::decimal trigger;
        move_reason reason;
    };
    // Fast path for replays (same answers): what depends only on the peak, or on the peak and the
    // last saved peak, is computed once per such pair instead of on every price. Keyed by the
    // exact representation (detail::identical).
    struct candidate_cache {
        core::decimal peak;
        core::decimal raw;        // peak -/+ callback
        core::decimal candidate;  // raw on the tick grid (instrument_rules::stop_price)
        bool valid = false;
    };
    struct save_cache {
        core::decimal peak;
        core::decimal saved;
        bool immediate = false;  // deviates by >= peak_save_immediate_percent
        bool enough = false;     // deviates by >= peak_save_min_change_percent
        bool valid = false;
    };

    trailing_params params_;
    config::trailing_settings settings_;
    exchange::instrument_rules rules_;
    core::decimal activation_price_;
    bool activated_ = false;
    bool triggered_ = false;
    core::decimal peak_;
    std::optional<core::decimal> stop_;
    std::optional<time_point> activated_at_;
    std::optional<time_point> last_move_at_;
    std::optional<pending_move> pending_;
    core::decimal last_saved_peak_;
    std::optional<time_point> last_peak_save_at_;
    candidate_cache candidate_;
    save_cache save_;
};

}  // namespace tradebot::protection
