#include "sim/engine/market_table.hpp"

#include <utility>

#include "tradebot/sim/engine/funding_schedule.hpp"

namespace tradebot::sim::engine {

void market_table::add(instrument spec, time_point now) {
    const core::symbol s = spec.symbol;
    const auto interval = spec.funding_interval;
    symbols_[s] = symbol_state{std::move(spec), std::nullopt, core::decimal{}, next_funding_time(now, interval)};
}

const symbol_state* market_table::find(const core::symbol& s) const {
    const auto it = symbols_.find(s);
    return it == symbols_.end() ? nullptr : &it->second;
}

const instrument* market_table::find_by_venue_name(std::string_view venue_symbol) const {
    for (const auto& [sym, st] : symbols_) {
        if (st.spec.venue_name() == venue_symbol) {
            return &st.spec;
        }
    }
    return nullptr;
}

bool market_table::set_prices(const core::symbol& s, const market_prices& p) {
    const auto it = symbols_.find(s);
    if (it == symbols_.end()) {
        return false;
    }
    it->second.prices = p;
    return true;
}

const market_prices* market_table::prices(const core::symbol& s) const {
    const auto* st = find(s);
    return st && st->prices ? &*st->prices : nullptr;
}

core::decimal market_table::mark_of(const core::symbol& s, core::decimal fallback) const {
    const auto* p = prices(s);
    return p ? p->mark : fallback;
}

void market_table::set_funding_rate(const core::symbol& s, core::decimal rate) {
    const auto it = symbols_.find(s);
    if (it != symbols_.end()) {
        it->second.funding_rate = rate;
    }
}

core::decimal market_table::funding_rate(const core::symbol& s) const {
    const auto* st = find(s);
    return st ? st->funding_rate : core::decimal{};
}

std::optional<time_point> market_table::next_funding(const core::symbol& s) const {
    const auto* st = find(s);
    return st ? std::optional{st->next_funding} : std::nullopt;
}

symbol_state* market_table::next_due(time_point t) {
    symbol_state* due = nullptr;
    for (auto& [sym, st] : symbols_) {
        if (st.next_funding <= t && (due == nullptr || st.next_funding < due->next_funding)) {
            due = &st;
        }
    }
    return due;
}

}  // namespace tradebot::sim::engine
