#include "tradebot/trading/operator_checks.hpp"

#include <utility>

namespace tradebot::trading {

namespace {

std::string order_key(const stray_order& o) { return o.kind + ":" + o.symbol.str() + ":" + o.venue_id + ":" + o.client_id; }

bool is_ours(const std::optional<core::client_order_id>& id) { return id.has_value(); }

// A fixed stop, or a trailing one, of ours that the venue lists as an order of its own.
bool cancellable_stop_of(const exchange::stop_state& st, const held_position& p) {
    return st.symbol == p.symbol && st.position == p.side && is_ours(st.client_id) && !st.venue_id.empty();
}

}  // namespace

bool is_fixed_stop_of(const exchange::stop_state& st, const core::symbol& s, core::position_side side) {
    return st.symbol == s && st.position == side && st.trigger_price.has_value() &&
           (st.kind == exchange::stop_kind::fixed || st.venue_id.empty());
}

std::vector<stray_order> find_zombies(const std::set<core::symbol>& venue_positions,
                                      const std::set<core::symbol>& book_symbols,
                                      const std::vector<exchange::order_state>& orders,
                                      const std::vector<exchange::stop_state>& stops) {
    const auto is_free = [&](const core::symbol& s) { return !venue_positions.contains(s) && !book_symbols.contains(s); };
    std::vector<stray_order> out;
    for (const auto& o : orders) {
        if (!is_ours(o.client_id) || !is_free(o.symbol)) {
            continue;
        }
        stray_order z;
        z.symbol = o.symbol;
        z.kind = "order";
        z.venue_id = o.venue_order_id;
        z.client_id = o.raw_client_id.empty() ? o.client_id->str() : o.raw_client_id;
        z.trigger = o.price;
        z.reason = "no position on the venue or in the book";
        out.push_back(std::move(z));
    }
    for (const auto& st : stops) {
        if (!is_ours(st.client_id) || st.venue_id.empty() || !is_free(st.symbol)) {
            continue;
        }
        stray_order z;
        z.symbol = st.symbol;
        z.kind = "stop";
        z.venue_id = st.venue_id;
        z.client_id = st.client_id->str();
        z.trigger = st.trigger_price;
        z.reason = "stop without a position";
        out.push_back(std::move(z));
    }
    return out;
}

std::vector<stray_order> confirmed_zombies(const std::vector<stray_order>& first, const std::vector<stray_order>& second) {
    std::set<std::string> seen;
    for (const auto& z : first) {
        seen.insert(order_key(z));
    }
    std::vector<stray_order> out;
    for (const auto& z : second) {
        if (seen.contains(order_key(z))) {
            out.push_back(z);
        }
    }
    return out;
}

std::vector<stray_order> find_duplicate_stops(const std::vector<held_position>& live,
                                              const std::vector<exchange::stop_state>& stops) {
    std::vector<stray_order> out;
    for (const auto& p : live) {
        // The most protective fixed stop of ours: the highest trigger under a long, the lowest over a short.
        const exchange::stop_state* keep = nullptr;
        for (const auto& st : stops) {
            if (!cancellable_stop_of(st, p) || st.kind != exchange::stop_kind::fixed || !st.trigger_price) {
                continue;
            }
            const bool better = keep == nullptr || (p.side == core::position_side::long_
                                                        ? *st.trigger_price > *keep->trigger_price
                                                        : *st.trigger_price < *keep->trigger_price);
            if (better) {
                keep = &st;
            }
        }
        bool trailing_seen = false;
        for (const auto& st : stops) {
            if (&st == keep || !cancellable_stop_of(st, p)) {
                continue;
            }
            if (st.kind == exchange::stop_kind::trailing) {
                if (!trailing_seen) {
                    trailing_seen = true;  // the first venue trailing stop is the one kept
                    continue;
                }
            } else if (keep == nullptr) {
                continue;  // no fixed stop with a trigger to compare with: nothing is cancelled
            }
            stray_order d;
            d.symbol = st.symbol;
            d.kind = "stop";
            d.venue_id = st.venue_id;
            d.client_id = st.client_id->str();
            d.trigger = st.trigger_price;
            d.reason = st.kind == exchange::stop_kind::trailing ? "second trailing stop" : "less protective duplicate";
            out.push_back(std::move(d));
        }
    }
    return out;
}

std::vector<sync_difference> sync_diff(core::exchange_id venue, const std::vector<db::position_record>& rows,
                                       const std::vector<exchange::position_state>& on_venue,
                                       const std::vector<exchange::stop_state>* stops) {
    std::map<core::symbol, const exchange::position_state*> held;
    for (const auto& p : on_venue) {
        held.emplace(p.symbol, &p);
    }
    std::set<core::symbol> known;
    std::vector<sync_difference> out;
    const auto add = [&](const core::symbol& s, std::string kind, std::optional<std::int64_t> id, std::string db_value,
                         std::string venue_value, std::string action) {
        out.push_back(sync_difference{s, std::move(kind), id, std::move(db_value), std::move(venue_value), std::move(action)});
    };
    for (const auto& row : rows) {
        if (row.exchange != venue) {
            continue;
        }
        known.insert(row.symbol);
        const auto it = held.find(row.symbol);
        if (it == held.end()) {
            add(row.symbol, "only_in_db", row.id, row.quantity.to_string(), "",
                row.state == db::position_state::pending_entry ? "record the entry failed"
                                                                : "record it closed (closed_on_venue) after two reads");
            continue;
        }
        const auto& vp = *it->second;
        if (vp.side != row.side) {
            add(row.symbol, "side_differs", row.id, std::string{core::to_string(row.side)},
                std::string{core::to_string(vp.side)}, "record it closed after two reads and adopt the venue's");
            continue;
        }
        if (vp.quantity != row.quantity) {
            add(row.symbol, "quantity_differs", row.id, row.quantity.to_string(), vp.quantity.to_string(),
                "take the venue's quantity");
        }
        if (stops != nullptr) {
            bool has_stop = false;
            for (const auto& st : *stops) {
                has_stop = has_stop || is_fixed_stop_of(st, row.symbol, row.side);
            }
            if (!has_stop) {
                add(row.symbol, "stop_missing", row.id, row.stop_price ? row.stop_price->to_string() : "", "",
                    "place the stop again (or close if it cannot be placed)");
            }
        }
    }
    for (const auto& p : on_venue) {
        if (!known.contains(p.symbol)) {
            add(p.symbol, "only_on_venue", std::nullopt, "",
                std::string{core::to_string(p.side)} + " " + p.quantity.to_string(), "adopt it and place its stop");
        }
    }
    return out;
}

}  // namespace tradebot::trading
