#include "trading/reconciler.hpp"

#include <set>
#include <utility>

#include "trading/fill_recorder.hpp"
#include "trading/for_each_concurrently.hpp"
#include "trading/journal_backlog.hpp"
#include "trading/stop_keeper.hpp"
#include "trading/task_group.hpp"
#include "trading/zombie_sweeper.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

reconciler::reconciler(exchange::venue_client& venue, position_book& book, position_recorder& recorder,
                       stop_keeper& keeper, zombie_sweeper& sweeper, stop_loss_manager& stops, journal_backlog& backlog,
                       fill_recorder& fills, task_group& tasks, const config::settings& settings, const core::clock& clock,
                       std::shared_ptr<spdlog::logger> log)
    : venue_{venue},
      book_{book},
      keeper_{keeper},
      sweeper_{sweeper},
      backlog_{backlog},
      fills_{fills},
      tasks_{tasks},
      settings_{settings},
      log_{log},
      checker_{venue, book, recorder, keeper, stops, settings, clock, log,
               [this](std::chrono::steady_clock::duration d) {
                   tasks_.spawn(recheck_after(d), "entry lookup after the receive window");
               }},
      adopter_{venue, book, recorder, backlog, settings, log},
      outage_{book, recorder, backlog, fills, adopter_, settings, clock, std::move(log)} {}

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
    const bool reloaded = co_await outage_.reload();
    verify_journal_ = verify_journal_ || reloaded;
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
    position_checker::venue_positions on_venue;
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
        co_await checker_.check(std::move(symbol), on_venue, stop_list);
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
            co_await adopter_.adopt(std::move(vp));
        }
    };
    co_await for_each_concurrently(std::move(unknown), reconcile_concurrency, adopt_one);
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
        co_await for_each_concurrently(std::move(unprotected), reconcile_concurrency, protect_one);
    }
    co_await sweeper_.sweep(on_venue, stop_list);
    if (verify_journal_ && stop_list != nullptr) {
        co_await adopter_.journal_missing(std::nullopt);
        verify_journal_ = false;
    } else if (!adopter_.adopted().empty() && stop_list != nullptr) {
        // An adopted position's entry and stop may be ours, from a run whose rows were lost.
        const std::set<core::symbol> adopted = adopter_.adopted();
        co_await adopter_.journal_missing(adopted);
    }
    adopter_.end_pass();
    if (!verify_journal_) {
        // Adopted and journaled, or the venue no longer holds the position: nothing left to do.
        adopter_.forget_lost();
    }
    book_.publish_counts();
    reconciling_ = false;
}

asio::awaitable<void> reconciler::recheck_after(std::chrono::steady_clock::duration d) {
    const bool awake = co_await tasks_.pause(d);
    if (awake) {
        co_await reconcile();
    }
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

asio::awaitable<void> reconciler::recover() {
    if (recovering_) {
        co_return;
    }
    recovering_ = true;
    for (auto delay = std::chrono::seconds{0}; delay <= std::chrono::seconds{16};
         delay = delay.count() == 0 ? std::chrono::seconds{1} : delay * 2) {
        if (delay.count() > 0) {
            const bool awake = co_await tasks_.pause(delay);
            if (!awake) {
                break;
            }
        }
        co_await reconcile();
        if (!book_.database_outage() && backlog_.waiting() == 0 && fills_.waiting() == 0 && !verify_journal_) {
            break;
        }
    }
    recovering_ = false;
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

}  // namespace tradebot::trading