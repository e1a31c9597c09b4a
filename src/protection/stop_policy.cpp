#include "tradebot/protection/stop_policy.hpp"

#include <algorithm>

#include "protection/price_math.hpp"

namespace tradebot::protection {
namespace {

using core::decimal;

// The venue refuses a stop the mark has crossed; one tick away is still too close, because the
// mark moves by at least a tick between our read and the venue's check (§11 #17 buffer).
bool clear_of_mark(const exchange::instrument_rules& rules, core::position_side side, decimal trigger, decimal mark) {
    const decimal gap = side == core::position_side::long_ ? mark - trigger : trigger - mark;
    return rules.tick_size.is_positive() ? gap > rules.tick_size : gap.is_positive();
}

int signum_against(decimal price, decimal reference) { return (price > reference) - (price < reference); }

// The stop as the venue will see it, through the instrument's filters.
stop_decision checked(const exchange::instrument_rules& rules, const stop_inputs& in, place_stop stop) {
    const exchange::order_intent intent{
        .type = core::order_type::stop_market,
        .side = core::exit_side(in.side),
        .quantity = decimal{},
        .price = std::nullopt,
        .trigger_price = stop.trigger,
        .mark_price = in.mark_price,
        .reduce_only = true,
        .close_position = true,
    };
    if (auto violation = rules.validate(intent)) return stop_refused{stop_refusal::rejected_by_rules, violation};
    return stop;
}

}  // namespace

std::string_view to_string(stop_basis v) noexcept {
    switch (v) {
        case stop_basis::entry: return "entry";
        case stop_basis::mark: return "mark";
        case stop_basis::recorded: return "recorded";
    }
    return "unknown";
}

std::string_view to_string(stop_refusal v) noexcept {
    switch (v) {
        case stop_refusal::bad_price: return "bad_price";
        case stop_refusal::unplaceable: return "unplaceable";
        case stop_refusal::rejected_by_rules: return "rejected_by_rules";
        case stop_refusal::crossed: return "crossed";
    }
    return "unknown";
}

std::string_view to_string(reuse_verdict v) noexcept {
    switch (v) {
        case reuse_verdict::reusable: return "reusable";
        case reuse_verdict::wrong_order_side: return "wrong_order_side";
        case reuse_verdict::wrong_side_of_entry: return "wrong_side_of_entry";
        case reuse_verdict::wrong_side_of_mark: return "wrong_side_of_mark";
        case reuse_verdict::too_far_from_target: return "too_far_from_target";
        case reuse_verdict::quantity_mismatch: return "quantity_mismatch";
    }
    return "unknown";
}

stop_decision stop_policy::initial_stop(const exchange::instrument_rules& rules, const stop_inputs& in) const {
    return place_from(rules, in, stop_basis::entry);
}

stop_decision stop_policy::restore_stop(const exchange::instrument_rules& rules, const stop_inputs& in) const {
    if (!in.entry_price.is_positive() || !in.mark_price.is_positive()) return stop_refused{stop_refusal::bad_price, {}};
    const decimal pct = in.percent.value_or(settings_.percent);
    const bool drifted = detail::deviates_more_than(in.mark_price, in.entry_price, pct);
    auto decision = place_from(rules, in, drifted ? stop_basis::mark : stop_basis::entry);
    if (!in.last_stop || !in.last_stop->is_positive()) return decision;
    const auto* refused = std::get_if<stop_refused>(&decision);
    if (refused != nullptr && refused->reason == stop_refusal::bad_price) return decision;
    const decimal last = rules.stop_price(in.side, *in.last_stop);
    if (!clear_of_mark(rules, in.side, last, in.mark_price)) return stop_refused{stop_refusal::crossed, {}};
    const auto* placed = std::get_if<place_stop>(&decision);
    if (placed != nullptr && !detail::better(in.side, last, placed->trigger)) return decision;
    return checked(rules, in,
                   place_stop{.trigger = last, .basis = stop_basis::recorded, .base_price = last, .distance_percent = {}});
}

stop_decision stop_policy::place_from(const exchange::instrument_rules& rules, const stop_inputs& in,
                                      stop_basis basis) const {
    if (!in.entry_price.is_positive() || !in.mark_price.is_positive() ||
        detail::deviates_more_than(in.mark_price, in.entry_price, settings_.max_price_deviation_percent)) {
        return stop_refused{stop_refusal::bad_price, {}};
    }
    const decimal distance = in.percent.value_or(settings_.percent) +
                             decimal::from_int(std::max(in.attempt, 0)) * settings_.safety_margin_percent;

    auto trigger_from = [&](decimal base) -> std::optional<decimal> {
        const decimal raw = detail::loss_side(in.side, base, distance);
        if (!raw.is_positive()) return std::nullopt;
        return rules.stop_price(in.side, raw);
    };

    decimal base = basis == stop_basis::entry ? in.entry_price : in.mark_price;
    std::optional<decimal> trigger = trigger_from(base);
    if (basis == stop_basis::entry && (!trigger || !clear_of_mark(rules, in.side, *trigger, in.mark_price))) {
        basis = stop_basis::mark;
        base = in.mark_price;
        trigger = trigger_from(base);
    }
    if (!trigger || !trigger->is_positive() || !clear_of_mark(rules, in.side, *trigger, in.mark_price)) {
        return stop_refused{stop_refusal::unplaceable, {}};
    }

    return checked(rules, in, place_stop{.trigger = *trigger, .basis = basis, .base_price = base, .distance_percent = distance});
}

reuse_verdict stop_policy::stop_is_reusable(const exchange::instrument_rules& rules, const existing_stop& existing,
                                            const reuse_inputs& in) const {
    if (existing.order_side != core::exit_side(in.side)) return reuse_verdict::wrong_order_side;
    if (!detail::on_protective_side(in.side, existing.trigger, in.mark_price)) return reuse_verdict::wrong_side_of_mark;
    // A stop exactly at entry (breakeven) sits on neither side and matches either.
    const int have = signum_against(existing.trigger, in.entry_price);
    const int want = signum_against(in.wanted_trigger, in.entry_price);
    if (have != 0 && want != 0 && have != want) return reuse_verdict::wrong_side_of_entry;

    const decimal allowed = std::max(rules.tick_size, in.wanted_trigger.abs() * detail::fraction(in.tolerance_percent));
    if ((existing.trigger - in.wanted_trigger).abs() > allowed) return reuse_verdict::too_far_from_target;
    if (existing.quantity && *existing.quantity != in.position_quantity) return reuse_verdict::quantity_mismatch;
    return reuse_verdict::reusable;
}

}  // namespace tradebot::protection
