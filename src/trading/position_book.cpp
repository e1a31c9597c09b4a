#include "tradebot/trading/position_book.hpp"

#include <utility>

#include "tradebot/trading/trading_metrics.hpp"

namespace tradebot::trading {

stop_target target_of(const live_position& pos) {
    std::optional<core::decimal> last_stop;
    if (pos.stop) {
        last_stop = pos.stop->trigger_price;
    }
    return stop_target{pos.id, pos.symbol, pos.side, pos.quantity, pos.entry_price, last_stop, std::nullopt};
}

position_book::position_book(core::exchange_id venue, const config::settings& settings, trading_metrics& metrics)
    : venue_{venue}, settings_{settings}, metrics_{metrics} {}

live_position* position_book::find(const core::symbol& s) {
    const auto it = live_.find(s);
    return it == live_.end() ? nullptr : &it->second;
}

live_position* position_book::find(const core::symbol& s, std::int64_t id) {
    auto* pos = find(s);
    return pos != nullptr && pos->id == id ? pos : nullptr;
}

void position_book::track(live_position pos) {
    auto symbol = pos.symbol;
    live_.insert_or_assign(symbol, std::move(pos));
    publish_counts();
}

std::optional<live_position> position_book::untrack(const core::symbol& s) {
    const auto it = live_.find(s);
    if (it == live_.end()) {
        return std::nullopt;
    }
    auto pos = std::move(it->second);
    live_.erase(it);
    exit_fills_.erase(s);
    publish_counts();
    return pos;
}

void position_book::publish_counts() {
    double unprotected = 0;
    for (const auto& [s, pos] : live_) {
        if (!pos.stop && !pos.venue_trailing) {
            unprotected += 1;
        }
    }
    metrics_.set_open_positions(venue_, static_cast<double>(live_.size()));
    metrics_.set_unprotected_positions(venue_, unprotected);
}

std::set<core::symbol> position_book::watched_symbols() const {
    std::set<core::symbol> out{opening_};
    for (const auto& [s, _] : live_) {
        out.insert(s);
    }
    return out;
}

void position_book::set_rules(std::vector<exchange::instrument_rules> rules) {
    for (auto& r : rules) {
        auto symbol = r.symbol;
        rules_.insert_or_assign(std::move(symbol), std::move(r));
    }
}

std::vector<core::symbol> position_book::tradable_symbols() const {
    std::vector<core::symbol> out;
    out.reserve(rules_.size());
    for (const auto& [symbol, rule] : rules_) {
        if (rule.trading) {
            out.push_back(symbol);
        }
    }
    return out;
}

bool position_book::set_trading(const core::symbol& s, bool trading) {
    const auto it = rules_.find(s);
    if (it == rules_.end()) {
        return false;
    }
    it->second.trading = trading;
    return true;
}

const exchange::instrument_rules* position_book::rules(const core::symbol& s) const {
    const auto it = rules_.find(s);
    return it == rules_.end() ? nullptr : &it->second;
}

void position_book::set_mark(const core::symbol& s, core::decimal price) {
    if (auto* pos = find(s)) {
        pos->last_mark = price;
    }
}

std::optional<core::decimal> position_book::exit_fill(const core::symbol& s) const {
    const auto it = exit_fills_.find(s);
    return it == exit_fills_.end() ? std::nullopt : std::optional{it->second};
}

void position_book::make_trailing(live_position& pos, std::optional<protection::trailing_snapshot> restored) const {
    if (!settings_.protection.trailing.enabled) {
        return;
    }
    const auto* r = rules(pos.symbol);
    if (r == nullptr) {
        return;
    }
    protection::trailing_params p;
    p.side = pos.side;
    p.entry_price = pos.entry_price;
    p.activation_percent = settings_.protection.trailing.activation_percent;
    p.callback_percent = settings_.protection.trailing.callback_percent;
    if (pos.stop && pos.stop->trigger_price) {
        p.initial_stop = *pos.stop->trigger_price;
    }
    pos.trailing.emplace(p, settings_.protection.trailing, *r, std::move(restored));
}

live_position position_book::from_row(const db::position_record& row, core::clock::time_point now) const {
    live_position pos;
    pos.id = row.id;
    pos.version = row.version;
    pos.state = row.state;
    pos.symbol = row.symbol;
    pos.side = row.side;
    pos.quantity = row.quantity;
    pos.entry_price = row.entry_price.value_or(core::decimal{});
    pos.opened_at = row.opened_at.value_or(now);
    if (row.stop_price) {
        exchange::stop_state s;
        s.symbol = row.symbol;
        s.position = row.side;
        s.trigger_price = row.stop_price;
        s.venue_id = row.stop_order_id.value_or("");
        if (row.stop_client_order_id) {
            s.client_id = core::client_order_id::parse(*row.stop_client_order_id);
        }
        pos.stop = s;
    }
    protection::trailing_snapshot snap;
    snap.trailing_activated = row.trailing_activated;
    snap.trailing_activated_at = row.trailing_activated_at;
    snap.trailing_peak_price = row.trailing_peak_price;
    snap.trailing_last_move_at = row.trailing_last_move_at;
    snap.stop_price = row.stop_price;
    if (pos.entry_price.is_positive()) {
        make_trailing(pos, snap);
    }
    if (row.trailing_activated && settings_.protection.trailing.venue_native) {
        // Handed over before the restart: the reconcile pass checks that the venue still has it.
        exchange::stop_state t;
        t.symbol = row.symbol;
        t.position = row.side;
        t.kind = exchange::stop_kind::trailing;
        t.callback_pct = settings_.protection.trailing.callback_percent;
        pos.venue_trailing = t;
    }
    return pos;
}

}  // namespace tradebot::trading
