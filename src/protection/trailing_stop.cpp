#include "tradebot/protection/trailing_stop.hpp"

#include <utility>

#include "protection/price_math.hpp"

namespace tradebot::protection {

using core::decimal;

std::string_view to_string(trailing_phase v) noexcept {
    switch (v) {
        case trailing_phase::inactive: return "inactive";
        case trailing_phase::active: return "active";
        case trailing_phase::triggered: return "triggered";
    }
    return "unknown";
}

std::string_view to_string(move_reason v) noexcept {
    switch (v) {
        case move_reason::activation: return "activation";
        case move_reason::interval: return "interval";
        case move_reason::immediate: return "immediate";
    }
    return "unknown";
}

trailing_stop::trailing_stop(trailing_params params, config::trailing_settings settings,
                             exchange::instrument_rules rules, std::optional<trailing_snapshot> restored)
    : params_{std::move(params)}, settings_{std::move(settings)}, rules_{std::move(rules)} {
    if (!params_.activation_percent.is_positive()) params_.activation_percent = settings_.activation_percent;
    if (!params_.callback_percent.is_positive()) params_.callback_percent = settings_.callback_percent;
    activation_price_ = detail::profit_side(params_.side, params_.entry_price, params_.activation_percent);
    peak_ = params_.entry_price;
    stop_ = params_.initial_stop;
    if (restored) {
        // A peak worse than entry cannot have been seen by this position; entry is the floor.
        if (restored->trailing_peak_price && detail::better(params_.side, *restored->trailing_peak_price, peak_)) {
            peak_ = *restored->trailing_peak_price;
        }
        if (restored->stop_price) stop_ = restored->stop_price;
        activated_ = restored->trailing_activated;
        activated_at_ = restored->trailing_activated_at;
        last_move_at_ = restored->trailing_last_move_at;
    }
    last_saved_peak_ = peak_;
}

trailing_phase trailing_stop::phase() const noexcept {
    if (triggered_) return trailing_phase::triggered;
    return activated_ ? trailing_phase::active : trailing_phase::inactive;
}

std::optional<decimal> trailing_stop::pending_trigger() const noexcept {
    if (!pending_) return std::nullopt;
    return pending_->trigger;
}

trailing_decision trailing_stop::on_price(decimal mark, time_point now) {
    if (triggered_ || !mark.is_positive()) return no_action{};
    if (detail::better(params_.side, mark, peak_)) peak_ = mark;
    if (pending_) return maybe_save_peak(now);
    if (!activated_) {
        const bool reached = !detail::better(params_.side, activation_price_, peak_);
        if (!reached) return maybe_save_peak(now);
        return propose(mark, now, true);
    }
    return propose(mark, now, false);
}

trailing_decision trailing_stop::propose(decimal mark, time_point now, bool activating) {
    if (!candidate_.valid || !detail::identical(candidate_.peak, peak_)) {
        const decimal raw = detail::loss_side(params_.side, peak_, params_.callback_percent);
        candidate_ = candidate_cache{peak_, raw, rules_.stop_price(params_.side, raw), true};
    }
    const decimal raw = candidate_.raw;
    const decimal candidate = candidate_.candidate;

    if (stop_ && !detail::better(params_.side, candidate, *stop_)) {
        if (!activating) return maybe_save_peak(now);
        activated_ = true;
        activated_at_ = now;
        mark_peak_saved(now);
        return save_peak{peak_};
    }

    move_reason reason = move_reason::activation;
    if (!activating) {
        const auto allowed = rate_limit(candidate, now);
        if (!allowed) return maybe_save_peak(now);
        reason = *allowed;
    }
    if (!detail::on_protective_side(params_.side, raw, mark)) {
        triggered_ = true;
        return close_now{candidate, mark};
    }
    // Only the rounding towards the market put the stop at or past the mark; the trailing level
    // itself holds, so wait for the next price rather than loosen the stop beyond the callback.
    if (!detail::on_protective_side(params_.side, candidate, mark)) return maybe_save_peak(now);

    pending_ = pending_move{candidate, reason};
    return move_stop{candidate, reason};
}

std::optional<move_reason> trailing_stop::rate_limit(decimal candidate, time_point now) const {
    if (!stop_) return move_reason::immediate;
    if (detail::improves_by_at_least(params_.side, *stop_, candidate, settings_.immediate_improvement_percent)) {
        return move_reason::immediate;
    }
    const bool interval_passed = !last_move_at_ || now - *last_move_at_ >= settings_.min_update_interval_seconds;
    if (interval_passed &&
        detail::improves_by_at_least(params_.side, *stop_, candidate, settings_.min_improvement_percent)) {
        return move_reason::interval;
    }
    return std::nullopt;
}

trailing_decision trailing_stop::maybe_save_peak(time_point now) {
    if (detail::compare(peak_, last_saved_peak_) == 0) return no_action{};
    if (!save_.valid || !detail::identical(save_.peak, peak_) || !detail::identical(save_.saved, last_saved_peak_)) {
        save_ = save_cache{peak_, last_saved_peak_,
                           detail::deviates_at_least(peak_, last_saved_peak_, peak_save_immediate_percent),
                           detail::deviates_at_least(peak_, last_saved_peak_, settings_.peak_save_min_change_percent),
                           true};
    }
    const bool immediate = save_.immediate;
    const bool interval_passed = !last_peak_save_at_ || now - *last_peak_save_at_ >= settings_.peak_save_interval_seconds;
    const bool enough = save_.enough;
    if (!immediate && !(interval_passed && enough)) return no_action{};
    mark_peak_saved(now);
    return save_peak{peak_};
}

void trailing_stop::mark_peak_saved(time_point now) {
    last_saved_peak_ = peak_;
    last_peak_save_at_ = now;
}

bool trailing_stop::confirm_move(decimal trigger, time_point now) {
    if (!pending_) return false;
    stop_ = trigger;
    last_move_at_ = now;
    if (pending_->reason == move_reason::activation && !activated_) {
        activated_ = true;
        activated_at_ = now;
    }
    pending_.reset();
    // The caller persists snapshot() after a confirmed move, which carries the peak.
    mark_peak_saved(now);
    return true;
}

bool trailing_stop::reject_move() {
    if (!pending_) return false;
    pending_.reset();
    return true;
}

trailing_snapshot trailing_stop::snapshot() const {
    return trailing_snapshot{
        .trailing_activated = activated_,
        .trailing_activated_at = activated_at_,
        .trailing_peak_price = peak_,
        .trailing_last_move_at = last_move_at_,
        .stop_price = stop_,
    };
}

}  // namespace tradebot::protection
