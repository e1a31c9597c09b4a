#include "trading/protection_driver.hpp"

#include <chrono>
#include <string>
#include <utility>
#include <variant>

#include "trading/position_closer.hpp"
#include "trading/position_recorder.hpp"
#include "trading/task_group.hpp"
#include "tradebot/logging/crash_point.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/trading/stop_loss_manager.hpp"
#include "tradebot/trading/trading_metrics.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

namespace {

// A `closing` row found at start waits this long before its age is decided again (the same pause
// as after a close that did not fill, position_closer).
constexpr std::chrono::seconds closing_recheck_pause{30};

}  // namespace

protection_driver::protection_driver(position_book& book, position_recorder& recorder, position_closer& closer,
                                     stop_loss_manager& stops, task_group& tasks, trading_metrics& metrics,
                                     const config::settings& settings, const core::clock& clock,
                                     std::shared_ptr<spdlog::logger> log)
    : book_{book},
      recorder_{recorder},
      closer_{closer},
      stops_{stops},
      tasks_{tasks},
      metrics_{metrics},
      settings_{settings},
      clock_{clock},
      log_{std::move(log)},
      aged_{settings.protection.aged, settings.trading.commission_percent} {}

void protection_driver::on_mark(const core::symbol& symbol, core::decimal price) {
    auto* found = book_.find(symbol);
    if (found == nullptr) {
        return;
    }
    auto& pos = *found;
    const auto now = clock_.now();
    if (pos.busy || (pos.retry_after && now < *pos.retry_after)) {
        return;
    }
    if (pos.state == db::position_state::closing) {
        // A close that did not fill (a ban refused it), or one a restart cut off: the row stays
        // `closing` and its venue stop in place; the age decides again after the retry pause
        // (issue 19, C5: such rows stayed `closing` with their venue positions open for good).
        if (!pos.retry_after) {
            // Found `closing` at start: its exit may have filled before the restart. The pause
            // gives the reconciliation time to find the venue flat before an exit is sent again.
            pos.retry_after = now + closing_recheck_pause;
            return;
        }
        (void)check_age(pos, price, now);
        return;
    }
    if (pos.state != db::position_state::protected_) {
        return;
    }
    bool save = false;
    if (pos.trailing && !pos.venue_trailing) {
        const auto decision = pos.trailing->on_price(price, now);
        if (const auto* move = std::get_if<protection::move_stop>(&decision)) {
            pos.busy = true;
            if (settings_.protection.trailing.venue_native && !pos.venue_trailing_refused) {
                tasks_.spawn(hand_over_trailing(symbol, move->new_trigger), "trailing hand-over");
            } else {
                tasks_.spawn(move_stop(symbol, move->new_trigger), "trailing move");
            }
            return;
        }
        if (std::holds_alternative<protection::close_now>(decision)) {
            pos.busy = true;
            tasks_.spawn(closer_.close_live(symbol, core::order_purpose::trailing, "trailing_exit"), "trailing exit");
            return;
        }
        save = std::holds_alternative<protection::save_peak>(decision);
    }
    if (check_age(pos, price, now)) {
        return;  // closing: the peak is moot
    }
    if (save) {
        // Busy while the row is written, like every other write of the position: a save that
        // ran beside the aged exit's `closing` write made one of them stale (C5, seed 4022).
        pos.busy = true;
        tasks_.spawn(save_trailing(symbol, pos.id), "trailing save");
    }
}

bool protection_driver::check_age(live_position& pos, core::decimal price, core::clock::time_point now) {
    protection::aged_inputs in;
    in.side = pos.side;
    in.entry_price = pos.entry_price;
    in.opened_at = pos.opened_at;
    in.now = now;
    in.mark_price = price;
    in.trailing_active =
        pos.venue_trailing || (pos.trailing && pos.trailing->phase() != protection::trailing_phase::inactive);
    const auto aged = aged_.evaluate(in);
    if (const auto* close = std::get_if<protection::aged_close>(&aged)) {
        pos.busy = true;
        tasks_.spawn(closer_.close_live(pos.symbol, core::order_purpose::aged_exit,
                                        std::string{protection::to_string(close->reason)}),
                     "aged exit");
        return true;
    }
    return false;
}

asio::awaitable<void> protection_driver::move_stop(core::symbol symbol, core::decimal trigger) {
    auto* pos = book_.find(symbol);
    if (pos == nullptr) {
        co_return;
    }
    if (!pos->stop) {
        // No known stop to replace: the reconcile pass restores one first.
        pos->trailing->reject_move();
        pos->busy = false;
        co_return;
    }
    const auto id = pos->id;
    auto target = target_of(*pos);
    auto current = *pos->stop;
    auto moved = co_await stops_.move(std::move(target), std::move(current), trigger);
    pos = book_.find(symbol, id);
    if (pos == nullptr) {
        co_return;
    }
    metrics_.stop_move(book_.venue(), static_cast<bool>(moved));
    if (!moved) {
        pos->busy = false;
        pos->trailing->reject_move();
        logging::warn(log_, "trailing move refused, the old stop stays", kv("position", id),
                      kv("symbol", symbol.str()), kv("reason", moved.reason));
        co_return;
    }
    pos->trailing->confirm_move(trigger, clock_.now());
    pos->stop = moved.placed->stop;
    auto moved_event = recorder_.event(events::position_event_kind::stop_moved, *pos, "trailing");
    moved_event.stop_price = trigger;
    recorder_.record(std::move(moved_event));
    logging::info(log_, "stop moved", kv("position", id), kv("symbol", symbol.str()), kv("stop", trigger.to_string()));
    // Still busy: the save is this move's last step (save_trailing releases the position).
    co_await save_trailing(symbol, id);
    logging::crash_point(log_, "trail_saved");
}

asio::awaitable<bool> protection_driver::place_venue_trailing(core::symbol symbol) {
    const auto* pos = book_.find(symbol);
    if (pos == nullptr) {
        co_return false;
    }
    const auto id = pos->id;
    auto target = target_of(*pos);
    auto placed = co_await stops_.place_trailing(std::move(target), settings_.protection.trailing.callback_percent);
    auto* after = book_.find(symbol, id);
    if (after == nullptr) {
        co_return false;
    }
    if (!placed) {
        // The fixed stop still protects it; the bot trails from here on.
        after->venue_trailing.reset();
        after->venue_trailing_refused = true;
        logging::warn(log_, "venue trailing stop refused, trailing here", kv("position", id),
                      kv("symbol", symbol.str()), kv("reason", placed.reason));
        co_return false;
    }
    after->venue_trailing = placed.placed->stop;
    co_return true;
}

asio::awaitable<void> protection_driver::hand_over_trailing(core::symbol symbol, core::decimal trigger) {
    const bool handed_over = co_await place_venue_trailing(symbol);
    if (!handed_over) {
        co_await move_stop(symbol, trigger);  // a position gone meanwhile is a no-op there
        co_return;
    }
    auto* pos = book_.find(symbol);
    if (pos == nullptr) {
        co_return;
    }
    if (pos->trailing) {
        pos->trailing->reject_move();  // the fixed stop stays where it is: the venue trails now
    }
    const auto callback = settings_.protection.trailing.callback_percent;
    auto handed = recorder_.event(events::position_event_kind::trailing_handed_over, *pos, "venue trailing stop");
    handed.callback_percent = callback;
    recorder_.record(std::move(handed));
    logging::info(log_, "trailing handed over to the venue", kv("position", pos->id), kv("symbol", symbol.str()),
                  kv("callback_percent", callback.to_string()));
    db::position_update u;
    u.trailing_activated = true;
    u.trailing_activated_at = clock_.now();
    u.trailing_peak_price = pos->last_mark;
    const auto id = pos->id;
    // Busy until the row is written: no other write of the position runs beside this one (C5).
    (void)co_await recorder_.save(*pos, db::position_state::protected_, std::move(u), "trailing hand-over");
    if (auto* after = book_.find(symbol, id)) {
        after->busy = false;
    }
}

asio::awaitable<void> protection_driver::save_trailing(core::symbol symbol, std::int64_t id) {
    auto* pos = book_.find(symbol, id);
    if (pos == nullptr) {
        co_return;
    }
    if (!pos->trailing) {
        pos->busy = false;
        co_return;
    }
    const auto snap = pos->trailing->snapshot();
    db::position_update u;
    u.trailing_activated = snap.trailing_activated;
    u.trailing_activated_at = snap.trailing_activated_at;
    u.trailing_peak_price = snap.trailing_peak_price;
    u.trailing_last_move_at = snap.trailing_last_move_at;
    u.stop_price = snap.stop_price;
    if (pos->stop) {
        if (!pos->stop->venue_id.empty()) {
            u.stop_order_id = pos->stop->venue_id;
        }
        if (pos->stop->client_id) {
            u.stop_client_order_id = pos->stop->client_id->str();
        }
    }
    (void)co_await recorder_.save(*pos, db::position_state::protected_, std::move(u), "trailing state");
    if (auto* after = book_.find(symbol, id)) {
        after->busy = false;
    }
}

}  // namespace tradebot::trading
