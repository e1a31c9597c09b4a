// The reconcile pass of position_manager (DESIGN.md rules 5 and 6): the venue is read, never
// assumed; an empty or failed answer destroys nothing; a position missing from the venue is
// recorded closed only after two consecutive reads say so.

#include <functional>
#include <map>
#include <utility>
#include <vector>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "tradebot/db/position_repository.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/trading/position_manager.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

namespace {

// Reads the venue needs to agree on before a position is declared gone.
constexpr int absent_reads_to_close = 2;

// Adoptions and stop restorations in flight at once: each is a few REST and database round trips,
// which overlap; the venue's order rate limit still paces the stops.
constexpr int reconcile_concurrency = 16;

// Runs `n` copies of `worker` at once and returns when all have.
asio::awaitable<void> run_workers(int n, const std::function<asio::awaitable<void>()>& worker) {
    if (n <= 1) {
        co_await worker();
        co_return;
    }
    using namespace asio::experimental::awaitable_operators;
    auto left = run_workers(n / 2, worker);
    auto right = run_workers(n - n / 2, worker);
    co_await (std::move(left) && std::move(right));
}

// A stop with a fixed trigger: a fixed stop order, or a Bybit position entry, which lists its stop
// loss and its trailing stop as one (no venue id). A trailing order's trigger, where a venue
// reports one, moves with the price: it is never taken for the floor.
bool is_fixed(const exchange::stop_state& st, const core::symbol& s, core::position_side side) {
    return st.symbol == s && st.position == side && st.trigger_price.has_value() &&
           (st.kind == exchange::stop_kind::fixed || st.venue_id.empty());
}

// The fixed stop of the position; of several, the most protective one, which is the one kept.
const exchange::stop_state* stop_for(const std::vector<exchange::stop_state>& stops, const core::symbol& s,
                                     core::position_side side) {
    const exchange::stop_state* best = nullptr;
    for (const auto& st : stops) {
        if (!is_fixed(st, s, side)) {
            continue;
        }
        const bool better = best == nullptr || (side == core::position_side::long_
                                                    ? *st.trigger_price > *best->trigger_price
                                                    : *st.trigger_price < *best->trigger_price);
        if (better) {
            best = &st;
        }
    }
    return best;
}

bool has_trailing(const std::vector<exchange::stop_state>& stops, const core::symbol& s, core::position_side side) {
    for (const auto& st : stops) {
        if (st.symbol == s && st.position == side && st.kind == exchange::stop_kind::trailing) {
            return true;
        }
    }
    return false;
}

}  // namespace

asio::awaitable<void> position_manager::reconcile() {
    if (reconciling_) {
        co_return;
    }
    reconciling_ = true;
    auto venue_positions = co_await venue_.positions(exchange::request_priority::background);
    if (!venue_positions) {
        logging::warn(log_, "reconcile skipped: positions unavailable", kv("exchange", core::to_string(venue())),
                      kv("error", venue_positions.error().describe()));
        reconciling_ = false;
        co_return;
    }
    auto stops = co_await venue_.open_stops(std::nullopt);
    if (!stops) {
        logging::warn(log_, "reconcile: stops unavailable, not checking protection",
                      kv("error", stops.error().describe()));
    }
    std::map<core::symbol, exchange::position_state> on_venue;
    for (auto& p : *venue_positions) {
        auto symbol = p.symbol;
        on_venue.insert_or_assign(symbol, std::move(p));
    }

    std::vector<core::symbol> symbols;
    for (const auto& [s, _] : live_) {
        symbols.push_back(s);
    }
    for (const auto& symbol : symbols) {
        auto it = live_.find(symbol);
        if (it == live_.end() || it->second.busy) {
            continue;
        }
        auto& pos = it->second;
        const auto venue_it = on_venue.find(symbol);
        if (venue_it != on_venue.end() && venue_it->second.side == pos.side) {
            pos.absent_reads = 0;
            pos.reported_flat = false;
            const auto& vp = venue_it->second;
            if (pos.quantity != vp.quantity || !pos.entry_price.is_positive()) {
                // The venue's numbers win (partial fills, an open finished after a restart).
                pos.quantity = vp.quantity;
                if (!pos.entry_price.is_positive()) {
                    pos.entry_price = vp.entry_price;
                    make_trailing(pos, std::nullopt);
                }
                db::position_update u;
                u.quantity = pos.quantity;
                u.entry_price = pos.entry_price;
                if (pos.state == db::position_state::pending_entry) {
                    u.opened_at = pos.opened_at;
                }
                const auto next = pos.state == db::position_state::pending_entry ? db::position_state::entry_placed
                                                                                 : pos.state;
                auto saved = co_await positions_.transition(pos.id, pos.version, next, std::move(u));
                it = live_.find(symbol);
                if (it == live_.end()) {
                    continue;
                }
                if (saved) {
                    it->second.version = *saved;
                    it->second.state = next;
                }
            }
            if (stops) {
                const std::optional<core::decimal> venue_mark = venue_it->second.mark_price;
                co_await protect(it->second, *stops, venue_mark);
                co_await keep_venue_trailing(symbol, *stops);
                co_await cancel_duplicate_stops(symbol, *stops);
            }
            continue;
        }
        if (pos.state != db::position_state::pending_entry && !pos.reported_flat &&
            clock_.now() - pos.opened_at < settings_.trading.position_visibility_grace_seconds) {
            // Too young to be missing: Bybit lists a new position seconds after its fill (§11 #16).
            logging::info(log_, "new position not listed by the venue yet", kv("position", pos.id),
                          kv("symbol", symbol.str()));
            continue;
        }
        if (++pos.absent_reads < absent_reads_to_close) {
            logging::info(log_, "position not on the venue, checking again before closing", kv("position", pos.id),
                          kv("symbol", symbol.str()));
            continue;
        }
        // Read before untrack(), which forgets the symbol's exit fill with its position.
        std::optional<core::decimal> exit_fill;
        if (const auto fill = exit_fills_.find(symbol); fill != exit_fills_.end()) {
            exit_fill = fill->second;
        }
        auto gone = untrack(it);
        if (gone.state == db::position_state::pending_entry) {
            db::position_update u;
            u.closed_at = clock_.now();
            u.close_reason = "entry not found on the venue";
            auto saved = co_await positions_.transition(gone.id, gone.version, db::position_state::failed, std::move(u));
            if (!saved) {
                logging::error(log_, "cannot mark position failed", kv("position", gone.id),
                               kv("error", saved.error().describe()));
            }
            continue;
        }
        // Closed by the venue: our stop fired (the usual case), a liquidation or a person. The
        // closing fill from the stream is the exit; without it the stop's trigger is the estimate.
        std::optional<core::decimal> exit = gone.stop ? gone.stop->trigger_price : gone.last_mark;
        if (exit_fill) {
            exit = exit_fill;
        }
        co_await stops_.cancel_all(symbol);
        co_await record_closed(std::move(gone), exit, "closed_on_venue");
    }

    std::vector<core::symbol> unknown;
    for (const auto& [symbol, vp] : on_venue) {
        if (!live_.contains(symbol) && !opening_.contains(symbol)) {
            unknown.push_back(symbol);
        }
    }
    // A cold start may find hundreds of positions: adopt and protect several at once, so that
    // their REST and database round trips overlap instead of adding up.
    // Named std::function, not a temporary in the co_await (GCC 12, ARCHITECTURE.md §8).
    const std::function<asio::awaitable<void>(core::symbol)> adopt_one = [&](core::symbol symbol) -> asio::awaitable<void> {
        if (!live_.contains(symbol) && !opening_.contains(symbol)) {
            auto vp = on_venue.at(symbol);
            co_await adopt(std::move(vp));
        }
    };
    co_await for_each_concurrently(std::move(unknown), adopt_one);
    if (stops) {
        // Adopted positions get their stop in the same pass.
        std::vector<core::symbol> unprotected;
        for (const auto& [symbol, pos] : live_) {
            if (!pos.busy && !pos.stop && on_venue.contains(symbol)) {
                unprotected.push_back(symbol);
            }
        }
        const std::function<asio::awaitable<void>(core::symbol)> protect_one =
            [&](core::symbol symbol) -> asio::awaitable<void> {
            // Looked up again: the map may have changed while another one was protected.
            if (auto it = live_.find(symbol); it != live_.end() && !it->second.busy && !it->second.stop) {
                const std::optional<core::decimal> venue_mark = on_venue.at(symbol).mark_price;
                co_await protect(it->second, *stops, venue_mark);
            }
        };
        co_await for_each_concurrently(std::move(unprotected), protect_one);
    }
    co_await clean_zombies(on_venue, stops ? &*stops : nullptr);
    reconciling_ = false;
}

asio::awaitable<void> position_manager::clean_zombies(const std::map<core::symbol, exchange::position_state>& on_venue,
                                                      const std::vector<exchange::stop_state>* stops) {
    // A zombie is an order or stop of ours on a symbol that has no position and no open in
    // progress: left over from a closed position it could open a new one the other way (§11).
    // Cancelling is destructive, so it needs two consistent passes (rule 6); other people's orders
    // are never touched.
    auto is_free = [&](const core::symbol& s) {
        return !on_venue.contains(s) && !live_.contains(s) && !opening_.contains(s);
    };
    std::set<std::string> seen;
    auto orders = co_await venue_.open_orders(std::nullopt);
    if (orders) {
        for (const auto& o : *orders) {
            if (!o.client_id || !is_free(o.symbol)) {
                continue;
            }
            const auto key = "order:" + o.raw_client_id;
            seen.insert(key);
            if (!zombies_seen_.contains(key)) {
                continue;
            }
            auto done = co_await venue_.cancel_order(o.symbol, *o.client_id, exchange::request_priority::background);
            logging::warn(log_, "zombie order cancelled", kv("symbol", o.symbol.str()), kv("client_id", o.raw_client_id),
                          kv("ok", static_cast<bool>(done)));
        }
    }
    if (stops != nullptr) {
        for (const auto& st : *stops) {
            if (!is_free(st.symbol)) {
                continue;
            }
            const auto key = "stop:" + st.symbol.str() + ":" + st.venue_id;
            seen.insert(key);
            if (!zombies_seen_.contains(key)) {
                continue;
            }
            auto done = co_await venue_.cancel_stop(st);
            logging::warn(log_, "orphan stop cancelled", kv("symbol", st.symbol.str()), kv("venue_id", st.venue_id),
                          kv("ok", static_cast<bool>(done)));
        }
    }
    zombies_seen_ = std::move(seen);
}

asio::awaitable<void> position_manager::for_each_concurrently(
    std::vector<core::symbol> symbols, const std::function<asio::awaitable<void>(core::symbol)>& work) {
    // Workers on this strand take the next symbol in turn; they interleave only at their co_await
    // points, so the shared index needs no lock.
    std::size_t next = 0;
    const std::function<asio::awaitable<void>()> worker = [&]() -> asio::awaitable<void> {
        while (next < symbols.size()) {
            auto symbol = symbols[next++];
            co_await work(std::move(symbol));
        }
    };
    co_await run_workers(reconcile_concurrency, worker);
}

asio::awaitable<void> position_manager::protect(live_position& pos, const std::vector<exchange::stop_state>& stops,
                                                std::optional<core::decimal> venue_mark) {
    const auto symbol = pos.symbol;
    if (const auto* live = stop_for(stops, symbol, pos.side)) {
        const bool as_recorded = pos.stop && pos.stop->trigger_price == live->trigger_price;
        pos.stop = *live;
        if ((pos.state == db::position_state::protected_ && as_recorded) || !live->trigger_price) {
            co_return;
        }
        db::position_update u;
        u.stop_price = *live->trigger_price;
        auto saved = co_await positions_.transition(pos.id, pos.version, db::position_state::protected_, std::move(u));
        auto it = live_.find(symbol);
        if (saved && it != live_.end()) {
            it->second.version = *saved;
            it->second.state = db::position_state::protected_;
        }
        co_return;
    }
    const auto* rule = rules(symbol);
    if (rule == nullptr || !pos.entry_price.is_positive()) {
        logging::critical(log_, "position without a stop and without the data to place one", kv("position", pos.id),
                          kv("symbol", symbol.str()));
        co_return;
    }
    logging::warn(log_, "stop missing on the venue, restoring", kv("position", pos.id), kv("symbol", symbol.str()));
    pos.busy = true;
    auto target = target_of(pos);
    if (venue_mark && venue_mark->is_positive()) {
        target.known_mark = venue_mark;
    }
    auto rules_copy = *rule;
    if (pos.stop) {  // a recorded stop the venue no longer lists (an adopted position has none)
        const auto position_id = pos.id;
        co_await journal_ended_stops(position_id, db::order_status::canceled, "not on the venue at reconcile");
    }
    // `pos` may be gone after any co_await: it is looked up again below.
    auto restored = co_await stops_.restore(std::move(target), std::move(rules_copy));
    auto it = live_.find(symbol);
    if (it == live_.end()) {
        co_return;
    }
    auto& p = it->second;
    p.busy = false;
    if (!restored) {
        // Rule 3: a position that cannot be protected is closed; so is one whose recorded stop the
        // mark has crossed while it was missing: that stop would have closed it.
        const bool crossed = restored.refusal == protection::stop_refusal::crossed;
        logging::critical(log_, crossed ? "recorded stop crossed while missing, closing" : "stop cannot be restored, closing",
                          kv("position", p.id), kv("symbol", symbol.str()), kv("reason", restored.reason));
        p.busy = true;
        co_await close_live(symbol, core::order_purpose::exit, crossed ? "stop_crossed" : "stop_failed");
        co_return;
    }
    metrics_.stop_restored(venue());
    p.stop = restored.placed->stop;
    audit("stop_restored", p, "stop missing on the venue", {{"stop", restored.placed->trigger.to_string()}});
    db::position_update u;
    u.stop_price = restored.placed->trigger;
    if (!p.stop->venue_id.empty()) {
        u.stop_order_id = p.stop->venue_id;
    }
    if (p.stop->client_id) {
        u.stop_client_order_id = p.stop->client_id->str();
    }
    auto saved = co_await positions_.transition(p.id, p.version, db::position_state::protected_, std::move(u));
    it = live_.find(symbol);
    if (saved && it != live_.end()) {
        it->second.version = *saved;
        it->second.state = db::position_state::protected_;
        if (it->second.trailing) {
            // The trailing stop follows the stop that is really live now.
            make_trailing(it->second, it->second.trailing->snapshot());
        }
    }
}

asio::awaitable<void> position_manager::keep_venue_trailing(core::symbol symbol,
                                                           const std::vector<exchange::stop_state>& stops) {
    auto it = live_.find(symbol);
    if (it == live_.end() || !it->second.venue_trailing || it->second.busy ||
        it->second.state != db::position_state::protected_ || has_trailing(stops, symbol, it->second.side)) {
        co_return;
    }
    auto& pos = it->second;
    logging::warn(log_, "venue trailing stop missing, placing it again", kv("position", pos.id),
                  kv("symbol", symbol.str()));
    pos.busy = true;
    const bool placed = co_await place_venue_trailing(symbol);
    it = live_.find(symbol);
    if (it == live_.end()) {
        co_return;
    }
    it->second.busy = false;
    if (placed) {
        audit("trailing_restored", it->second, "venue trailing stop missing");
    }
}

asio::awaitable<void> position_manager::cancel_duplicate_stops(core::symbol symbol,
                                                              const std::vector<exchange::stop_state>& stops) {
    auto it = live_.find(symbol);
    if (it == live_.end() || it->second.busy || it->second.state != db::position_state::protected_) {
        co_return;
    }
    // Ours only (a person's stop is theirs to keep), and only venues that list stops as separate
    // orders: a Bybit position has one stop loss by construction.
    const auto side = it->second.side;
    const auto* keep = stop_for(stops, symbol, side);
    std::vector<exchange::stop_state> extra;
    bool trailing_seen = false;
    for (const auto& st : stops) {
        if (&st == keep || st.symbol != symbol || st.position != side || !st.client_id || st.venue_id.empty()) {
            continue;
        }
        if (st.kind == exchange::stop_kind::trailing) {
            if (!trailing_seen) {
                trailing_seen = true;  // the first venue trailing stop is the one kept
                continue;
            }
        } else if (keep == nullptr) {
            continue;
        }
        extra.push_back(st);
    }
    if (extra.empty()) {
        co_return;
    }
    it->second.busy = true;
    for (auto& st : extra) {
        (void)co_await stops_.cancel_duplicate(std::move(st));
    }
    if (auto again = live_.find(symbol); again != live_.end()) {
        again->second.busy = false;
    }
}

asio::awaitable<void> position_manager::adopt(exchange::position_state vp) {
    // A position on the venue the database does not know (opened by hand, or by a run that lost
    // its rows): take it under protection rather than ignore it (original-bot.md §4.4).
    db::new_position row;
    row.exchange = venue();
    row.symbol = vp.symbol;
    row.side = vp.side;
    row.mode = settings_.app.mode;
    row.leverage = vp.leverage.is_positive() ? vp.leverage : core::decimal::from_int(1);
    db::position_update u;
    u.quantity = vp.quantity;
    u.entry_price = vp.entry_price;
    u.opened_at = clock_.now();
    auto created = co_await positions_.create_found(std::move(row), db::position_state::entry_placed, std::move(u));
    if (!created) {
        logging::error(log_, "cannot adopt venue position", kv("symbol", vp.symbol.str()),
                       kv("error", created.error().describe()));
        co_return;
    }
    live_position pos;
    pos.id = created->first;
    pos.version = created->second;
    pos.state = db::position_state::entry_placed;
    pos.symbol = vp.symbol;
    pos.side = vp.side;
    pos.quantity = vp.quantity;
    pos.entry_price = vp.entry_price;
    pos.opened_at = clock_.now();
    make_trailing(pos, std::nullopt);
    audit("position_adopted", pos, "found on the venue, unknown to the database", {{"qty", vp.quantity.to_string()}});
    logging::warn(log_, "adopted a position found on the venue", kv("position", pos.id),
                  kv("symbol", vp.symbol.str()), kv("side", core::to_string(vp.side)),
                  kv("qty", vp.quantity.to_string()));
    track(std::move(pos));
}

}  // namespace tradebot::trading
