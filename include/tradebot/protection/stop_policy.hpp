#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/decimal.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/exchange/instrument_rules.hpp"

namespace tradebot::protection {

// What a protective stop is computed from (original-bot.md §4.1, §11 #10, #11).
struct stop_inputs {
    core::position_side side = core::position_side::long_;
    core::decimal entry_price;  // the FILL price, never the signal price (§11 #11)
    core::decimal mark_price;   // the venue's current mark price
    // 0 for the first placement; n for the n-th retry after the venue refused the stop because it
    // would trigger at once (-2021 / 110092). Each retry widens the distance by the safety margin.
    int attempt = 0;
    // Per-position stop-loss percent (signal's stop_loss_filter); nullopt: settings.percent.
    std::optional<core::decimal> percent;
    // restore_stop only: the stop last recorded for the position (moved by trailing or breakeven
    // perhaps). A restore never gives that protection back.
    std::optional<core::decimal> last_stop;
};

// Where the stop distance was measured from.
enum class stop_basis : std::uint8_t {
    entry,  // the fill price
    mark,   // the mark price: the entry-based stop was already crossed or within one tick of it
    recorded,  // the stop last recorded for the position (restore_stop), tighter than entry or mark
};

// Place a stop-market (reduce-only, opposite side) with this trigger.
struct place_stop {
    core::decimal trigger;           // on the tick grid, on the protective side of the mark
    stop_basis basis = stop_basis::entry;
    core::decimal base_price;        // entry or mark, per basis
    core::decimal distance_percent;  // percent + attempt x safety_margin_percent
};

enum class stop_refusal : std::uint8_t {
    // The mark is more than max_price_deviation_percent from entry, or a price is not positive:
    // bad market data, do not place anything on it (§4.1 "treat as bad data and skip").
    bad_price,
    // No stop on the tick grid lies on the protective side of the mark (tick too coarse for the
    // distance, or a distance of 100 % or more): the caller closes the position instead.
    unplaceable,
    // The trigger fails an instrument filter (see `violation`), e.g. below min_price.
    rejected_by_rules,
    // restore_stop: the mark is at, beyond or within one tick of the stop last recorded for the
    // position: that stop would have fired, so the caller closes the position.
    crossed,
};

struct stop_refused {
    stop_refusal reason = stop_refusal::bad_price;
    std::optional<exchange::rule_violation> violation;  // with rejected_by_rules only
};

using stop_decision = std::variant<place_stop, stop_refused>;

// An existing stop found on the venue for the position (§4.1 reuse, §11 #14).
struct existing_stop {
    core::side order_side = core::side::sell;  // must be the position's exit side
    core::decimal trigger;
    // nullopt: close-position / position-attached stop, which covers any quantity.
    std::optional<core::decimal> quantity;
};

struct reuse_inputs {
    core::position_side side = core::position_side::long_;
    core::decimal entry_price;
    core::decimal mark_price;
    core::decimal wanted_trigger;     // what the policy would place now
    core::decimal position_quantity;  // the live quantity (§11 #25, #31)
    // Accepted distance between the existing and the wanted trigger, percent of the wanted one;
    // one tick is always accepted.
    core::decimal tolerance_percent = core::decimal::from_raw(1, 1);
};

enum class reuse_verdict : std::uint8_t {
    reusable,
    wrong_order_side,     // a buy stop on a long (a stop left by an old short)
    wrong_side_of_entry,  // not on the same side of entry as the wanted stop (stale stop)
    wrong_side_of_mark,   // already crossed: it would fire now / is not protecting
    too_far_from_target,  // outside tolerance of the wanted trigger (stale stop, §11 #14)
    quantity_mismatch,    // covers a different quantity than the live position
};

[[nodiscard]] std::string_view to_string(stop_basis v) noexcept;
[[nodiscard]] std::string_view to_string(stop_refusal v) noexcept;
[[nodiscard]] std::string_view to_string(reuse_verdict v) noexcept;

// The sans-io rules for a position's protective stop. Formulas take percents (2.0 = 2 %):
// long stop = base x (1 - d/100), short stop = base x (1 + d/100), d = percent + attempt x margin.
// Rounding is instrument_rules::stop_price (towards the market: never looser than asked).
class stop_policy {
public:
    explicit stop_policy(config::stop_loss_settings settings) : settings_{settings} {}

    // The stop for a freshly filled position. Base = fill price; if that stop is crossed by the
    // mark, or within one tick of it, the base becomes the mark (§11 #10).
    [[nodiscard]] stop_decision initial_stop(const exchange::instrument_rules& rules, const stop_inputs& in) const;

    // The stop for a live position found without one (§4.1 periodic check): base = entry, but the
    // mark when the price has drifted from entry by more than the stop percent (either way), then
    // the same crossing guard as initial_stop. With in.last_stop, the tighter of the two: a
    // trailing stop lost on the venue comes back where it was, not at the entry distance; and a
    // last stop the mark has crossed is refused as `crossed`.
    [[nodiscard]] stop_decision restore_stop(const exchange::instrument_rules& rules, const stop_inputs& in) const;

    // Whether an existing stop may be kept instead of placing `wanted_trigger`.
    [[nodiscard]] reuse_verdict stop_is_reusable(const exchange::instrument_rules& rules, const existing_stop& existing,
                                                 const reuse_inputs& in) const;

    [[nodiscard]] const config::stop_loss_settings& settings() const noexcept { return settings_; }

private:
    [[nodiscard]] stop_decision place_from(const exchange::instrument_rules& rules, const stop_inputs& in,
                                           stop_basis basis) const;

    config::stop_loss_settings settings_;
};

}  // namespace tradebot::protection
