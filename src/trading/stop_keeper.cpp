#include "trading/stop_keeper.hpp"

#include <utility>

#include "trading/position_closer.hpp"
#include "trading/position_recorder.hpp"
#include "trading/protection_driver.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/trading/stop_loss_manager.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

namespace {

// A stop with a fixed trigger: a fixed stop order, or a Bybit position entry, which lists its stop
// loss and its trailing stop as one (no venue id). A trailing order's trigger, where a venue
// reports one, moves with the price: it is never taken for the floor.
// Ours, or position-attached (Bybit: no order id, no client id, one per position). A separate stop
// order without our client id (Binance: a person's or another tool's algo order) is never taken
// for the position's stop, nor kept over ours (§11 #14).
bool ours_or_attached(const exchange::stop_state& st) { return st.venue_id.empty() || st.client_id.has_value(); }

bool is_fixed(const exchange::stop_state& st, const core::symbol& s, core::position_side side) {
    return ours_or_attached(st) && st.symbol == s && st.position == side && st.trigger_price.has_value() &&
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

stop_keeper::stop_keeper(exchange::venue_client& venue, position_book& book, position_recorder& recorder,
                         position_closer& closer, protection_driver& driver, stop_loss_manager& stops,
                         std::shared_ptr<spdlog::logger> log)
    : venue_{venue},
      book_{book},
      recorder_{recorder},
      closer_{closer},
      driver_{driver},
      stops_{stops},
      log_{std::move(log)} {}

asio::awaitable<void> stop_keeper::protect(core::symbol symbol, const std::vector<exchange::stop_state>& stops,
                                           std::optional<core::decimal> venue_mark) {
    auto* pos = book_.find(symbol);
    if (pos == nullptr || pos->busy) {
        co_return;
    }
    if (const auto* live = stop_for(stops, symbol, pos->side)) {
        co_await adopt_stop(*pos, *live);
    } else {
        co_await restore(*pos, venue_mark);
    }
}

asio::awaitable<void> stop_keeper::adopt_stop(live_position& pos, const exchange::stop_state& live) {
    const bool as_recorded = pos.stop && pos.stop->trigger_price == live.trigger_price;
    pos.stop = live;
    book_.publish_counts();
    if ((pos.state == db::position_state::protected_ && as_recorded) || !live.trigger_price) {
        co_return;
    }
    // Reported like any other stop that became live: an alert that said the position had no stop
    // is resolved by it (the audit row says where the stop came from).
    auto found = recorder_.event(events::position_event_kind::stop_adopted, pos, "stop found on the venue");
    found.stop_price = live.trigger_price;
    recorder_.record(std::move(found));
    db::position_update u;
    u.stop_price = *live.trigger_price;
    u.async_commit = true;  // the venue lists this stop: a restart finds it again
    (void)co_await recorder_.save(pos, db::position_state::protected_, std::move(u), "stop found on the venue");
}

asio::awaitable<void> stop_keeper::restore(live_position& pos, std::optional<core::decimal> venue_mark) {
    const auto symbol = pos.symbol;
    const auto id = pos.id;
    const auto* rule = book_.rules(symbol);
    if (rule == nullptr || !pos.entry_price.is_positive()) {
        logging::critical(log_, "position without a stop and without the data to place one", kv("position", id),
                          kv("symbol", symbol.str()));
        recorder_.record(recorder_.event(events::position_event_kind::unprotected, pos,
                                         "no stop on the venue, and no entry price or instrument rules to place one"));
        co_return;
    }
    logging::warn(log_, "stop missing on the venue, restoring", kv("position", id), kv("symbol", symbol.str()));
    pos.busy = true;
    auto target = target_of(pos);
    if (venue_mark && venue_mark->is_positive()) {
        target.known_mark = venue_mark;
    }
    auto rules_copy = *rule;
    if (pos.stop) {  // a recorded stop the venue no longer lists (an adopted position has none)
        co_await recorder_.end_stops(id, db::order_status::canceled, "not on the venue at reconcile");
    }
    // `pos` may be gone after any co_await: it is looked up again below.
    auto restored = co_await stops_.restore(std::move(target), std::move(rules_copy));
    auto* p = book_.find(symbol, id);
    if (p == nullptr) {
        co_return;
    }
    if (!restored) {
        // Rule 3: a position that cannot be protected is closed; so is one whose recorded stop the
        // mark has crossed while it was missing: that stop would have closed it.
        const bool crossed = restored.refusal == protection::stop_refusal::crossed;
        logging::critical(log_, crossed ? "recorded stop crossed while missing, closing" : "stop cannot be restored, closing",
                          kv("position", id), kv("symbol", symbol.str()), kv("reason", restored.reason));
        auto failed = recorder_.event(events::position_event_kind::stop_failed, *p,
                                      (crossed ? "stop missing on the venue and its price crossed, closing at market: "
                                               : "stop missing on the venue and cannot be placed again, closing at market: ") +
                                          restored.reason);
        failed.stop_price = p->stop ? p->stop->trigger_price : std::nullopt;
        recorder_.record(std::move(failed));
        p->busy = true;
        co_await closer_.close_live(symbol, core::order_purpose::exit, crossed ? "stop_crossed" : "stop_failed");
        co_return;
    }
    p->stop = restored.placed->stop;
    book_.publish_counts();
    auto event = recorder_.event(events::position_event_kind::stop_restored, *p, "stop missing on the venue");
    event.stop_price = restored.placed->trigger;
    recorder_.record(std::move(event));
    db::position_update u;
    u.stop_price = restored.placed->trigger;
    if (!p->stop->venue_id.empty()) {
        u.stop_order_id = p->stop->venue_id;
    }
    if (p->stop->client_id) {
        u.stop_client_order_id = p->stop->client_id->str();
    }
    // The stop is live on the venue under our client id: if a crash loses this write, the restart's
    // reconciliation finds the stop and records it again, so the row need not wait for an fsync.
    u.async_commit = true;
    // Busy until the row is saved: a close or a trailing move started on a mark meanwhile would
    // write with the version this save is replacing and be refused as stale (found by
    // tests/integration/chaos, seeds 4022 and 4040: an aged exit right after a restore).
    const bool saved = co_await recorder_.save(*p, db::position_state::protected_, std::move(u), "restored stop");
    auto* now = book_.find(symbol, id);
    if (now == nullptr) {
        co_return;
    }
    now->busy = false;
    if (saved && now->trailing) {
        // The trailing stop follows the stop that is really live now.
        book_.make_trailing(*now, now->trailing->snapshot());
    }
}

asio::awaitable<void> stop_keeper::keep_venue_trailing(core::symbol symbol,
                                                       const std::vector<exchange::stop_state>& stops) {
    auto* pos = book_.find(symbol);
    if (pos == nullptr || !pos->venue_trailing || pos->busy || pos->state != db::position_state::protected_ ||
        has_trailing(stops, symbol, pos->side)) {
        co_return;
    }
    const auto id = pos->id;
    logging::warn(log_, "venue trailing stop missing, placing it again", kv("position", id),
                  kv("symbol", symbol.str()));
    pos->busy = true;
    const bool placed = co_await driver_.place_venue_trailing(symbol);
    pos = book_.find(symbol, id);
    if (pos == nullptr) {
        co_return;
    }
    pos->busy = false;
    if (placed) {
        recorder_.record(recorder_.event(events::position_event_kind::trailing_restored, *pos,
                                         "venue trailing stop missing"));
    }
}

asio::awaitable<void> stop_keeper::cancel_duplicates(core::symbol symbol,
                                                     const std::vector<exchange::stop_state>& stops) {
    auto* pos = book_.find(symbol);
    if (pos == nullptr || pos->busy || pos->state != db::position_state::protected_) {
        co_return;
    }
    // Ours only (a person's stop is theirs to keep), and only venues that list stops as separate
    // orders: a Bybit position has one stop loss by construction.
    const auto side = pos->side;
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
    const auto id = pos->id;
    pos->busy = true;
    for (auto& st : extra) {
        (void)co_await stops_.cancel_duplicate(std::move(st));
    }
    if (auto* again = book_.find(symbol, id)) {
        again->busy = false;
    }
}

asio::awaitable<void> stop_keeper::cancel_inherited(core::symbol symbol, std::int64_t position_id) {
    auto stops = co_await venue_.open_stops(symbol);
    if (!stops) {
        co_return;  // the reconcile pass lists them again
    }
    for (const auto& st : *stops) {
        if (st.client_id && st.client_id->position_id != position_id && !st.venue_id.empty()) {
            logging::warn(log_, "stop of an earlier position found, cancelling", kv("symbol", symbol.str()),
                          kv("position", position_id), kv("stop_of", st.client_id->position_id));
            co_await stops_.cancel_duplicate(st);
        }
    }
}

}  // namespace tradebot::trading
