#include "tradebot/signals/wave_selector.hpp"

#include <algorithm>
#include <map>

namespace tradebot::signals {
namespace {

std::string score_text(const signal& s) {
    return "score_week " + s.score_week.normalized().to_string() + ", score_month " +
           s.score_month.normalized().to_string();
}

}  // namespace

wave_selector::options wave_selector::from_settings(const config::signals_settings& s) noexcept {
    return options{
        .min_score_week = s.min_score_week,
        .min_score_month = s.min_score_month,
        .max_trades_per_wave = s.max_trades_per_wave,
        .buffer_fixed = s.buffer_fixed};
}

bool wave_selector::ranks_before(const signal& a, const signal& b) {
    if (const auto c = a.score() <=> b.score(); c != 0)
        return c > 0;
    if (const auto c = a.score_week <=> b.score_week; c != 0)
        return c > 0;
    if (const auto c = a.score_month <=> b.score_month; c != 0)
        return c > 0;
    return a.id < b.id;
}

wave_selection wave_selector::select(
    std::span<const signal> signals, const signal_filter& filter, std::optional<time_point> wave_candle
) const {
    wave_selection out;
    std::map<core::exchange_id, std::vector<const signal*>> by_exchange;
    for (const signal& s : signals) {
        if (wave_candle && s.candle_time > *wave_candle) {
            out.deferred.push_back(s);
        } else {
            by_exchange[s.exchange].push_back(&s);
        }
    }

    const int limit = std::max(0, options_.max_trades_per_wave) + std::max(0, options_.buffer_fixed);
    for (const auto& [venue, members] : by_exchange) {
        exchange_selection sel;
        sel.exchange = venue;
        sel.max_trades = std::max(0, options_.max_trades_per_wave);
        sel.candle_open = (*std::max_element(members.begin(), members.end(), [](const signal* a, const signal* b) {
                              return a->candle_time < b->candle_time;
                          }))->candle_time;

        std::vector<const signal*> ranked;
        for (const signal* s : members) {
            if (s->candle_time < sel.candle_open) {
                sel.skipped.push_back(
                    {*s,
                     {skip_reason::older_candle,
                      "a newer candle of " + std::string{core::to_string(venue)} + " is in the same wave"}}
                );
            } else if (s->score_week < options_.min_score_week || s->score_month < options_.min_score_month) {
                sel.skipped.push_back(
                    {*s,
                     {skip_reason::below_min_score,
                      score_text(*s) + " below the minimum " + options_.min_score_week.normalized().to_string() +
                          " / " + options_.min_score_month.normalized().to_string()}}
                );
            } else {
                ranked.push_back(s);
            }
        }
        std::sort(ranked.begin(), ranked.end(), [](const signal* a, const signal* b) { return ranks_before(*a, *b); });

        int rank = 0;
        for (const signal* s : ranked) {
            std::optional<skip> why;
            if (filter)
                why = filter(*s);
            if (why) {
                sel.skipped.push_back({*s, std::move(*why)});
            } else if (rank < limit) {
                sel.selected.push_back(*s);
                ++rank;
            } else {
                sel.skipped.push_back(
                    {*s, {skip_reason::beyond_limit, "ranked after the first " + std::to_string(limit) + " candidates"}}
                );
            }
        }
        out.exchanges.push_back(std::move(sel));
    }
    return out;
}

}  // namespace tradebot::signals
