#include "trading/position_checker.hpp"

#include <utility>

#include "trading/position_recorder.hpp"
#include "trading/stop_keeper.hpp"
#include "tradebot/core/ids.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/trading/stop_loss_manager.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

namespace {

// Reads the venue needs to agree on before a position is declared gone.
constexpr int absent_reads_to_close = 2;

// Beyond the receive window: our clock against the venue's (the time sync keeps it within a
// second or so; a signed timestamp more than the window old is refused).
constexpr std::chrono::seconds recv_window_margin{5};
// A venue without exchange settings (the backtest's): the venues' default receive window.
constexpr std::chrono::milliseconds exchange_settings_default_window{10000};

}  // namespace

position_checker::position_checker(exchange::venue_client& venue, position_book& book, position_recorder& recorder,
                                   stop_keeper& keeper, stop_loss_manager& stops, const config::settings& settings,
                                   const core::clock& clock, std::shared_ptr<spdlog::logger> log, recheck_hook recheck)
    : venue_{venue},
      book_{book},
      recorder_{recorder},
      keeper_{keeper},
      stops_{stops},
      settings_{settings},
      clock_{clock},
      log_{std::move(log)},
      recheck_{std::move(recheck)} {}

asio::awaitable<void> position_checker::check(core::symbol symbol, const venue_positions& on_venue,
                                        const std::vector<exchange::stop_state>* stops) {
    auto* pos = book_.find(symbol);
    if (pos == nullptr || pos->busy) {
        co_return;
    }
    const auto venue_it = on_venue.find(symbol);
    if (venue_it != on_venue.end() && venue_it->second.side == pos->side) {
        pos->absent_reads = 0;
        entry_absent_since_.erase(pos->id);
        pos->reported_flat = false;
        co_await follow_venue(symbol, venue_it->second);
        if (stops != nullptr) {
            const std::optional<core::decimal> venue_mark = venue_it->second.mark_price;
            co_await keeper_.protect(symbol, *stops, venue_mark);
            co_await keeper_.keep_venue_trailing(symbol, *stops);
            co_await keeper_.cancel_duplicates(symbol, *stops);
        }
        co_return;
    }
    if (pos->state != db::position_state::pending_entry && !pos->reported_flat &&
        clock_.now() - pos->opened_at < settings_.trading.position_visibility_grace_seconds) {
        // Too young to be missing: Bybit lists a new position seconds after its fill (§11 #16).
        logging::info(log_, "new position not listed by the venue yet", kv("position", pos->id),
                      kv("symbol", symbol.str()));
        co_return;
    }
    if (++pos->absent_reads < absent_reads_to_close) {
        logging::info(log_, "position not on the venue, checking again before closing", kv("position", pos->id),
                      kv("symbol", symbol.str()));
        co_return;
    }
    if (pos->state == db::position_state::pending_entry) {
        co_await settle_absent_entry(std::move(symbol));
        co_return;
    }
    co_await record_gone(std::move(symbol));
}

asio::awaitable<void> position_checker::settle_absent_entry(core::symbol symbol) {
    auto* pos = book_.find(symbol);
    const auto id = pos->id;
    const auto now = clock_.steady_now();
    // Any request for this entry was signed before now: by a process that has stopped (a row
    // loaded at start), or by this one's opener before it handed the entry over unresolved.
    const auto [since, first] = entry_absent_since_.try_emplace(id, now);
    const auto window = book_.venue() == core::exchange_id::paper ? exchange_settings_default_window
                                                                  : settings_.exchange(book_.venue()).recv_window_ms;
    const auto final_at = since->second + window + recv_window_margin;
    if (now < final_at) {
        pos->absent_reads = absent_reads_to_close - 1;  // the next pass looks again
        if (first) {
            logging::info(log_, "entry not on the venue; looking it up once its receive window has passed",
                          kv("position", id), kv("symbol", symbol.str()),
                          kv("in_ms", std::chrono::duration_cast<std::chrono::milliseconds>(final_at - now).count()));
            recheck_(final_at - now);
        }
        co_return;
    }
    const core::client_order_id entry{id, core::order_purpose::entry, 0, settings_.app.mode == core::mode::test};
    auto found = co_await venue_.query_order(symbol, entry);
    pos = book_.find(symbol, id);
    if (pos == nullptr || pos->busy) {
        co_return;  // settled by another path meanwhile
    }
    if (!found && found.error().kind != exchange::error_kind::unknown_order) {
        logging::warn(log_, "entry lookup failed, trying again on the next pass", kv("position", id),
                      kv("client_id", entry.str()), kv("error", found.error().describe()));
        pos->absent_reads = absent_reads_to_close - 1;
        co_return;
    }
    entry_absent_since_.erase(id);
    auto gone = book_.untrack(symbol);
    if (!gone) {
        co_return;
    }
    db::position_update u;
    u.closed_at = clock_.now();
    if (!found) {
        // Not traded: the signal it came from may be decided again (signal_repository).
        u.quantity = core::decimal{};
        u.close_reason = "not_opened: the entry never reached the venue (no order " + entry.str() +
                         " after the receive window)";
        logging::warn(log_, "entry never reached the venue", kv("position", id), kv("symbol", symbol.str()),
                      kv("client_id", entry.str()));
        (void)co_await recorder_.save(*gone, db::position_state::failed, std::move(u), "entry never sent");
        co_return;
    }
    u.close_reason = "entry not found on the venue";
    (void)co_await recorder_.save(*gone, db::position_state::failed, std::move(u), "entry not found");
}

asio::awaitable<void> position_checker::follow_venue(core::symbol symbol, const exchange::position_state& vp) {
    auto* pos = book_.find(symbol);
    if (pos == nullptr || (pos->quantity == vp.quantity && pos->entry_price.is_positive())) {
        co_return;
    }
    // The venue's numbers win (partial fills, an open finished after a restart).
    pos->quantity = vp.quantity;
    if (!pos->entry_price.is_positive()) {
        pos->entry_price = vp.entry_price;
        book_.make_trailing(*pos, std::nullopt);
    }
    db::position_update u;
    u.quantity = pos->quantity;
    u.entry_price = pos->entry_price;
    if (pos->state == db::position_state::pending_entry) {
        u.opened_at = pos->opened_at;
    }
    const auto next = pos->state == db::position_state::pending_entry ? db::position_state::entry_placed : pos->state;
    (void)co_await recorder_.save(*pos, next, std::move(u), "venue's numbers");
}

asio::awaitable<void> position_checker::record_gone(core::symbol symbol) {
    // Read before untrack(), which forgets the symbol's exit fill with its position.
    const auto exit_fill = book_.exit_fill(symbol);
    auto gone = book_.untrack(symbol);
    if (!gone) {
        co_return;
    }
    // Closed by the venue: our stop fired (the usual case), a liquidation or a person. The closing
    // fill from the stream is the exit; without it the stop's trigger is the estimate.
    auto exit = exit_fill ? exit_fill : gone->stop ? gone->stop->trigger_price : gone->last_mark;
    co_await stops_.cancel_all(symbol);
    co_await recorder_.record_closed(std::move(*gone), exit, "closed_on_venue");
}

}  // namespace tradebot::trading
