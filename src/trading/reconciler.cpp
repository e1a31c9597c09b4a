#include "trading/reconciler.hpp"

#include <set>
#include <utility>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "trading/position_recorder.hpp"
#include "trading/stop_keeper.hpp"
#include "trading/task_group.hpp"
#include "trading/zombie_sweeper.hpp"
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

}  // namespace

reconciler::reconciler(exchange::venue_client& venue, position_book& book, position_recorder& recorder,
                       stop_keeper& keeper, zombie_sweeper& sweeper, stop_loss_manager& stops, task_group& tasks,
                       const config::settings& settings, const core::clock& clock, std::shared_ptr<spdlog::logger> log)
    : venue_{venue},
      book_{book},
      recorder_{recorder},
      keeper_{keeper},
      sweeper_{sweeper},
      stops_{stops},
      tasks_{tasks},
      settings_{settings},
      clock_{clock},
      log_{std::move(log)} {}

asio::awaitable<void> reconciler::start_up() {
    co_await reconcile();
    bool again = false;
    for (const auto& [_, p] : book_.live()) {
        again = again || p.absent_reads > 0;
    }
    if (!again) {
        co_return;
    }
    // Named results, not `if (co_await ...)`: GCC 12 (ARCHITECTURE.md §8).
    const bool awake = co_await tasks_.pause(std::chrono::seconds{1});
    if (awake) {
        co_await reconcile();
    }
}

asio::awaitable<void> reconciler::run_periodic() {
    for (;;) {
        const bool awake = co_await tasks_.pause(settings_.trading.reconcile_interval_seconds);
        if (!awake) {
            co_return;
        }
        co_await reconcile();
    }
}

asio::awaitable<void> reconciler::reconcile() {
    if (reconciling_) {
        co_return;
    }
    reconciling_ = true;
    auto read = co_await venue_.positions(exchange::request_priority::background);
    if (!read) {
        logging::warn(log_, "reconcile skipped: positions unavailable", kv("exchange", core::to_string(book_.venue())),
                      kv("error", read.error().describe()));
        reconciling_ = false;
        co_return;
    }
    auto stops = co_await venue_.open_stops(std::nullopt);
    if (!stops) {
        logging::warn(log_, "reconcile: stops unavailable, not checking protection",
                      kv("error", stops.error().describe()));
    }
    const auto* stop_list = stops ? &*stops : nullptr;
    venue_positions on_venue;
    for (auto& p : *read) {
        auto symbol = p.symbol;
        on_venue.insert_or_assign(std::move(symbol), std::move(p));
    }
    std::vector<core::symbol> symbols;
    for (const auto& [s, _] : book_.live()) {
        symbols.push_back(s);
    }
    // A position the book held when the venue was read may be closed by its check (a stop that
    // cannot be restored): the listing still shows it, and adopting it would track a ghost. A
    // position the venue really holds there is adopted by the next pass.
    const std::set<core::symbol> held(symbols.begin(), symbols.end());
    for (auto symbol : symbols) {
        co_await check(std::move(symbol), on_venue, stop_list);
    }

    // A cold start may find hundreds of positions: adopt and protect several at once, so that
    // their REST and database round trips overlap instead of adding up.
    // Named std::function, not a temporary in the co_await (GCC 12, ARCHITECTURE.md §8).
    std::vector<core::symbol> unknown;
    for (const auto& [symbol, vp] : on_venue) {
        if (!book_.busy_with(symbol) && !held.contains(symbol)) {
            unknown.push_back(symbol);
        }
    }
    const std::function<asio::awaitable<void>(core::symbol)> adopt_one = [&](core::symbol symbol) -> asio::awaitable<void> {
        if (!book_.busy_with(symbol)) {
            auto vp = on_venue.at(symbol);
            co_await adopt(std::move(vp));
        }
    };
    co_await for_each_concurrently(std::move(unknown), adopt_one);
    if (stop_list != nullptr) {
        // Adopted positions get their stop in the same pass.
        std::vector<core::symbol> unprotected;
        for (const auto& [symbol, pos] : book_.live()) {
            if (!pos.busy && !pos.stop && on_venue.contains(symbol)) {
                unprotected.push_back(symbol);
            }
        }
        const std::function<asio::awaitable<void>(core::symbol)> protect_one =
            [&](core::symbol symbol) -> asio::awaitable<void> {
            // Looked up again: the book may have changed while another one was protected.
            if (const auto* p = book_.find(symbol); p != nullptr && !p->busy && !p->stop) {
                const std::optional<core::decimal> venue_mark = on_venue.at(symbol).mark_price;
                co_await keeper_.protect(symbol, *stop_list, venue_mark);
            }
        };
        co_await for_each_concurrently(std::move(unprotected), protect_one);
    }
    co_await sweeper_.sweep(on_venue, stop_list);
    book_.publish_counts();
    reconciling_ = false;
}

asio::awaitable<void> reconciler::check(core::symbol symbol, const venue_positions& on_venue,
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

asio::awaitable<void> reconciler::settle_absent_entry(core::symbol symbol) {
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
            tasks_.spawn(recheck_after(final_at - now), "entry lookup after the receive window");
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

asio::awaitable<void> reconciler::recheck_after(std::chrono::steady_clock::duration d) {
    const bool awake = co_await tasks_.pause(d);
    if (awake) {
        co_await reconcile();
    }
}

asio::awaitable<void> reconciler::follow_venue(core::symbol symbol, const exchange::position_state& vp) {
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

asio::awaitable<void> reconciler::record_gone(core::symbol symbol) {
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

asio::awaitable<void> reconciler::adopt(exchange::position_state vp) {
    auto pos = co_await recorder_.create_found(vp, settings_.app.mode);
    if (!pos) {
        co_return;
    }
    book_.make_trailing(*pos, std::nullopt);
    auto adopted = recorder_.event(events::position_event_kind::adopted, *pos,
                                   "found on the venue, unknown to the database");
    adopted.quantity = vp.quantity;
    recorder_.record(std::move(adopted));
    logging::warn(log_, "adopted a position found on the venue", kv("position", pos->id),
                  kv("symbol", vp.symbol.str()), kv("side", core::to_string(vp.side)),
                  kv("qty", vp.quantity.to_string()));
    book_.track(std::move(*pos));
}

asio::awaitable<void> reconciler::follow_up(core::symbol symbol) {
    for (auto delay = std::chrono::seconds{1}; delay <= std::chrono::seconds{8}; delay *= 2) {
        const bool awake = co_await tasks_.pause(delay);
        if (!awake) {
            co_return;
        }
        logging::info(log_, "reconciling an unresolved entry", kv("exchange", core::to_string(book_.venue())),
                      kv("symbol", symbol.str()), kv("after_s", delay.count()));
        co_await reconcile();
        const auto* pos = book_.find(symbol);
        if (pos == nullptr || pos->stop) {
            co_return;
        }
    }
}

void reconciler::on_position(const events::position_update& u) {
    if (!u.quantity.is_zero() || confirming_) {
        return;
    }
    auto* pos = book_.find(u.symbol);
    if (pos == nullptr || pos->busy) {
        return;
    }
    pos->reported_flat = true;
    confirming_ = true;
    tasks_.spawn(confirm_gone(), "confirm close");
}

void reconciler::on_stream(const events::stream_state& s) {
    if (s.status != events::stream_status::connected) {
        streams_down_.insert(s.stream);
        return;
    }
    if (streams_down_.erase(s.stream) == 0) {
        return;
    }
    // Events may have been missed while the stream was away (rule 7): the venue's REST state is
    // read again before the stream is trusted.
    logging::info(log_, "stream back, refilling state over REST", kv("exchange", core::to_string(book_.venue())),
                  kv("stream", s.stream));
    tasks_.spawn(reconcile(), "refill after stream gap");
}

asio::awaitable<void> reconciler::confirm_gone() {
    co_await reconcile();
    const bool awake = co_await tasks_.pause(std::chrono::seconds{1});
    if (awake) {
        co_await reconcile();
    }
    confirming_ = false;
}

asio::awaitable<void> reconciler::for_each_concurrently(
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

}  // namespace tradebot::trading
