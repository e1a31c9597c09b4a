#include "tradebot/signals/filter_chain.hpp"

#include <algorithm>
#include <exception>

namespace tradebot::signals {
namespace {

using core::decimal;

std::string name(const signal& s) {
    return std::string{core::to_string(s.exchange)} + " " + s.symbol.str();
}

skip missing(const signal& s, std::string_view what) {
    return {skip_reason::no_market_data, "no " + std::string{what} + " for " + name(s)};
}

bool contains(const std::vector<core::symbol>& list, const core::symbol& sym) {
    return std::find(list.begin(), list.end(), sym) != list.end();
}

// budget x (1 + percent / 100), exact: dividing by 100 only adds two digits.
decimal with_tolerance(decimal budget, decimal percent) {
    const decimal extra = budget * percent;
    return budget +
           extra.divide(decimal::from_int(100), std::min(decimal::max_scale, extra.scale() + 2), core::rounding::down);
}

}  // namespace

filter_chain::filter_chain(config::signal_filters filters, config::trading_settings trading, config::risk_settings risk)
    : filters_{std::move(filters)}, trading_{std::move(trading)}, risk_{std::move(risk)} {}

std::optional<skip> filter_chain::check(const signal& s, const market_snapshot& snapshot) const {
    if (auto why = check_instrument(s, snapshot))
        return why;
    return check_market_and_slots(s, snapshot);
}

std::optional<skip> filter_chain::check_positions(const signal& s, const market_snapshot& snapshot) const {
    if (auto why = check_open(s, snapshot))
        return why;
    return check_slots(s, snapshot);
}

std::optional<skip> filter_chain::check_open(const signal& s, const market_snapshot& snapshot) const {
    const instrument_key key{s.exchange, s.symbol};
    if (snapshot.open_positions.contains(key)) {
        return skip{skip_reason::already_open, name(s) + " already has an open position"};
    }
    if (snapshot.in_flight.contains(key)) {
        return skip{skip_reason::in_flight, name(s) + " already has an entry in progress"};
    }
    return std::nullopt;
}

std::optional<skip> filter_chain::check_instrument(const signal& s, const market_snapshot& snapshot) const {
    if (auto why = check_open(s, snapshot))
        return why;
    const instrument_key key{s.exchange, s.symbol};
    if (contains(filters_.stop_list, s.symbol)) {
        return skip{skip_reason::stop_list, s.symbol.str() + " is on the stop list"};
    }
    if (!filters_.whitelist.empty() && !contains(filters_.whitelist, s.symbol)) {
        return skip{skip_reason::not_whitelisted, s.symbol.str() + " is not on the whitelist"};
    }
    const auto rules = snapshot.instruments.find(key);
    if (rules == snapshot.instruments.end()) {
        return skip{skip_reason::not_tradable, name(s) + " is not an instrument of the venue"};
    }
    if (!rules->second.trading) {
        return skip{skip_reason::not_tradable, name(s) + " is not trading"};
    }
    const auto found = snapshot.market.find(key);
    const market_data* data = found == snapshot.market.end() ? nullptr : &found->second;
    if (data == nullptr || !data->price || !data->price->is_positive())
        return missing(s, "price");
    return check_size(rules->second, *data->price);
}

std::optional<skip> filter_chain::check_market_and_slots(const signal& s, const market_snapshot& snapshot) const {
    const auto found = snapshot.market.find(instrument_key{s.exchange, s.symbol});
    if (found == snapshot.market.end())
        return missing(s, "price");
    if (auto why = check_market(s, &found->second))
        return why;
    return check_slots(s, snapshot);
}

std::optional<skip> filter_chain::check_size(const exchange::instrument_rules& rules, decimal price) const {
    try {
        const decimal budget = std::min(trading_.position_size_usd, trading_.max_position_size_usd);
        const decimal limit = with_tolerance(budget, trading_.size_tolerance_percent);
        decimal min_qty = rules.min_order_quantity(price);
        // Without a venue minimum the smallest order is one step.
        if (!min_qty.is_positive() && rules.step_size.is_positive())
            min_qty = rules.step_size;
        const decimal cost = exchange::instrument_rules::notional(min_qty, price);
        const decimal cap = rules.max_quantity(core::order_type::market);
        if (cap.is_positive() && min_qty > cap) {
            return skip{
                skip_reason::min_notional,
                "the smallest order (" + min_qty.normalized().to_string() + ") exceeds the maximum market quantity " +
                    cap.normalized().to_string()};
        }
        if (cost > limit) {
            return skip{
                skip_reason::min_notional,
                "the smallest order (" + min_qty.normalized().to_string() + " = " + cost.normalized().to_string() +
                    " USD) exceeds " + limit.normalized().to_string() + " USD (size " +
                    budget.normalized().to_string() + " + " + trading_.size_tolerance_percent.normalized().to_string() +
                    " %)"};
        }
        return std::nullopt;
    } catch (const std::exception& e) {
        // Only absurd numbers overflow the decimal; such an instrument is not traded.
        return skip{skip_reason::min_notional, std::string{"order size not computable: "} + e.what()};
    }
}

std::optional<skip> filter_chain::check_market(const signal& s, const market_data* data) const {
    if (filters_.open_interest_enabled) {
        if (!data->open_interest_usdt)
            return missing(s, "open interest");
        if (*data->open_interest_usdt < filters_.min_open_interest_usdt) {
            return skip{
                skip_reason::open_interest,
                "open interest " + data->open_interest_usdt->normalized().to_string() + " USDT < " +
                    filters_.min_open_interest_usdt.normalized().to_string()};
        }
    }
    if (filters_.volume_enabled) {
        if (!data->volume_1h_usdt)
            return missing(s, "1 h volume");
        if (*data->volume_1h_usdt < filters_.min_volume_1h_usdt) {
            return skip{
                skip_reason::volume_1h,
                "1 h volume " + data->volume_1h_usdt->normalized().to_string() + " USDT < " +
                    filters_.min_volume_1h_usdt.normalized().to_string()};
        }
    }
    if (filters_.price_change_enabled) {
        if (!data->price_change_5min_percent)
            return missing(s, "5 min price change");
        const decimal change = *data->price_change_5min_percent;
        const decimal max = filters_.max_price_change_5min_percent;
        // Only a move in the trade's own direction is chasing; a dip before a buy is fine.
        const bool chased = s.side == core::side::buy ? change > max : change < -max;
        if (chased) {
            return skip{
                skip_reason::price_change_5min,
                "price moved " + change.normalized().to_string() + " % in 5 min before a " +
                    std::string{core::to_string(s.side)} + " (limit " + max.normalized().to_string() + " %)"};
        }
    }
    return std::nullopt;
}

std::optional<skip> filter_chain::check_slots(const signal& s, const market_snapshot& snapshot) const {
    // Counted over the union of both sets without building it: this runs for every signal, with
    // hundreds of positions open.
    auto total = static_cast<long>(snapshot.open_positions.size());
    auto here = static_cast<long>(std::count_if(snapshot.open_positions.begin(), snapshot.open_positions.end(),
                                                [&](const instrument_key& k) { return k.exchange == s.exchange; }));
    for (const auto& k : snapshot.in_flight) {
        if (!snapshot.open_positions.contains(k)) {
            ++total;
            here += k.exchange == s.exchange ? 1 : 0;
        }
    }
    if (total >= risk_.max_positions) {
        return skip{
            skip_reason::max_positions,
            std::to_string(total) + " positions open or opening, max " + std::to_string(risk_.max_positions)};
    }
    if (here >= risk_.max_positions_per_exchange) {
        return skip{
            skip_reason::max_positions,
            std::to_string(here) + " positions open or opening on " + std::string{core::to_string(s.exchange)} +
                ", max " + std::to_string(risk_.max_positions_per_exchange)};
    }
    return std::nullopt;
}

}  // namespace tradebot::signals
