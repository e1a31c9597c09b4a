#include "tradebot/pipeline/signal_processor.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <utility>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::pipeline {

namespace asio = boost::asio;
using logging::kv;

namespace {

std::string iso(core::clock::time_point t) {
    const auto us = std::chrono::time_point_cast<std::chrono::microseconds>(t);
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::sys_time<std::chrono::microseconds>{us.time_since_epoch()});
}

}  // namespace

signal_processor::signal_processor(trading_port& trading, events::router& router, trading::trading_metrics& metrics,
                                   db::database& database, const config::settings& settings, const core::clock& clock,
                                   std::string instance)
    : settings_{settings},
      clock_{clock},
      instance_{std::move(instance)},
      log_{logging::get("signals")},
      repo_{database},
      schedule_{signals::wave_schedule::from_settings(settings.signals, settings.signals.immediate)},
      window_{settings.signals.max_wave_age_minutes},
      trading_{trading},
      metrics_{metrics},
      deferred_{window_},
      outcomes_{router, repo_, deferred_, window_, clock, instance_},
      lanes_{[this](core::exchange_id venue, std::vector<signals::signal> batch, venue_lanes::batch_context context) {
          return decide_lane(venue, std::move(batch), std::move(context));
      }} {}

void signal_processor::stop() {
    stopped_ = true;
    lanes_.stop();
    for (auto& [venue, d] : deciders_) {
        d->stop();
    }
    if (wave_timer_) {
        wave_timer_->cancel();
    }
}

asio::awaitable<bool> signal_processor::wait_for_venue(core::exchange_id venue,
                                                      const std::vector<signals::signal>& batch) {
    if (trading_.ready(venue)) {
        co_return false;
    }
    const auto why = std::string{core::to_string(venue)} + " is still reconciling at start (its rate limit or ban may hold it)";
    for (const auto& s : batch) {
        co_await outcomes_.defer(s, "venue_not_ready", why);
    }
    co_return true;
}

entry_decider& signal_processor::decider(core::exchange_id venue) {
    auto& d = deciders_[venue];
    if (!d) {
        d = std::make_unique<entry_decider>(trading_, outcomes_, metrics_, settings_, clock_, instance_);
        if (stopped_) {
            d->stop();
        }
    }
    return *d;
}

bool signal_processor::notified(db::signal_row row) {
    if (!immediate() || notified_.size() >= max_notified) {
        return false;
    }
    notified_.push_back(std::move(row));
    return true;
}

asio::awaitable<std::size_t> signal_processor::drain_immediate(bool read_table) {
    std::size_t n = 0;
    if (!immediate()) {
        co_return n;
    }
    if (!notified_.empty()) {
        // Nothing to read: the NOTIFY brought the rows. Each is claimed by the write that
        // records its decision, so a signal another instance took is left to it.
        const auto now = clock_.steady_now();
        const auto take = std::min(notified_.size(), batch_size);
        std::vector<db::signal_row> rows(std::make_move_iterator(notified_.begin()),
                                         std::make_move_iterator(notified_.begin() + static_cast<std::ptrdiff_t>(take)));
        notified_.erase(notified_.begin(), notified_.begin() + static_cast<std::ptrdiff_t>(take));
        n += take;
        std::erase_if(rows, [&](const db::signal_row& r) { return lanes_.holds(r.id); });
        co_await decide_now(std::move(rows), venue_lanes::read_times{now, now});
    }
    if (!deferred_.empty()) {
        co_await redecide_due(std::nullopt);
    }
    if (!read_table) {
        co_return n;
    }
    if (lanes_.queued() >= max_notified) {
        // A lane is far behind (its venue makes it wait): what it holds is bounded; the rows
        // stay unclaimed in the table, and the next poll reads them.
        co_return n;
    }
    if (claims_unsure_ && !co_await recover_own_claims()) {
        co_return n;
    }
    if (orphans_waiting_ && clock_.steady_now() - orphans_checked_ >= orphans_recheck) {
        co_await recover_claims();
    }
    const auto began = clock_.steady_now();
    auto rows = co_await repo_.claim_new(static_cast<int>(batch_size), instance_);
    const auto answered = clock_.steady_now();
    if (!rows) {
        logging::warn(log_, "cannot claim signals", kv("error", rows.error().describe()));
        // The server may have crashed and lost decisions committed asynchronously.
        claims_unsure_ = true;
        co_return n;
    }
    // Claimed here, decided here: a NOTIFY of the same row still waiting is dropped.
    std::erase_if(notified_, [&](const db::signal_row& waiting) {
        return std::any_of(rows->begin(), rows->end(), [&](const db::signal_row& r) { return r.id == waiting.id; });
    });
    n += rows->size();
    // A row a NOTIFY brought is in its lane already, unclaimed: that lane decides it (and its
    // decision's write claims it for us, as this read just did).
    std::erase_if(*rows, [&](const db::signal_row& r) { return lanes_.holds(r.id); });
    co_await decide_now(std::move(*rows), venue_lanes::read_times{began, answered});
    co_return n;
}

asio::awaitable<void> signal_processor::decide_now(std::vector<db::signal_row> rows, venue_lanes::read_times times) {
    auto valid = co_await outcomes_.validate_rows(std::move(rows));
    if (!valid.empty()) {
        const auto executor = co_await asio::this_coro::executor;
        lanes_.submit(executor, std::move(valid), venue_lanes::batch_context{times, std::nullopt});
    }
}

asio::awaitable<void> signal_processor::decide_lane(core::exchange_id venue, std::vector<signals::signal> batch,
                                                    venue_lanes::batch_context context) {
    if (context.wave && (!wave_ || wave_->at != context.wave->at)) {
        co_await wave_ended_in_lane(std::move(batch));
        co_return;
    }
    // Queued behind a venue that made the lane wait: the window may have closed meanwhile.
    const auto now = clock_.now();
    std::vector<signals::signal> open;
    for (auto& s : batch) {
        const auto judged = window_.judge(s, now);
        if (judged.verdict == signals::window_verdict::too_old) {
            const auto detail = judged.message + " (while its venue's lane was busy)";  // named: GCC 12, §8
            co_await outcomes_.mark(s.id, db::signal_status::expired, "expired", "too_old", detail);
        } else {
            open.push_back(std::move(s));
        }
    }
    if (open.empty() || stopped_) {
        co_return;
    }
    const bool waits = co_await wait_for_venue(venue, open);  // named: GCC 12, ARCHITECTURE.md §8
    if (waits) {
        co_return;
    }
    auto& d = decider(venue);
    d.read_at(context.times.began, context.times.answered);
    // The wave's limit counts per venue, and each venue's lane adds only to its own count: the
    // lanes share the wave's state. Held here, so a new wave dropping it leaves this batch its own.
    auto state = context.wave ? waves_.at(context.wave->at) : std::make_shared<wave_state>();
    co_await d.decide(std::move(open), context.wave, *state);
}

asio::awaitable<void> signal_processor::wave_ended_in_lane(std::vector<signals::signal> batch) {
    // Its wave's check window closed while the venue's lane was busy. Left new as a wave leaves
    // what it did not get to (a later wave of the same candle may read it); one deferred, and so
    // claimed by us, ends as the wave's other deferrals do.
    for (const auto& s : batch) {
        if (const auto* d = deferred_.find(s.id)) {
            co_await outcomes_.expire(*d, "its wave ended while its venue's lane was busy");
        } else {
            logging::info(log_, "signal left new: its wave ended while its venue's lane was busy", kv("id", s.id),
                          kv("exchange", core::to_string(s.exchange)));
        }
    }
}

asio::awaitable<void> signal_processor::run_waves() {
    wave_timer_ = std::make_unique<asio::steady_timer>(co_await asio::this_coro::executor);
    // A restart after a wave's window (§11 #57): that wave is checked once at start, unless its
    // candle is too old, instead of sleeping to the next wave.
    std::optional<signals::wave> missed;
    if (!schedule_.current_wave(clock_.now())) {
        missed = schedule_.catch_up_wave(clock_.now());
    }
    while (!stopped_) {
        const auto now = clock_.now();
        std::chrono::nanoseconds sleep = settings_.signals.wave_check_interval_ms;
        auto w = schedule_.current_wave(now);
        if (!w && missed) {
            logging::info(log_, "checking the wave missed while stopped", kv("wave", iso(missed->at)));
            w = missed;
        }
        missed.reset();
        if (w) {
            if (!wave_ || wave_->at != w->at) {
                logging::info(log_, "wave started", kv("wave", iso(w->at)), kv("candle", iso(w->candle_open)));
                wave_.reset();  // what the lanes still queue for the previous wave ends
                co_await expire_deferred("its wave ended");
                waves_.clear();  // one wave at a time: the previous one's window is over
                waves_.emplace(w->at, std::make_shared<wave_state>());
                wave_ = w;
                auto expired = co_await repo_.expire_older_than(now - settings_.signals.max_wave_age_minutes);
                if (expired && *expired > 0) {
                    logging::info(log_, "stale signals expired", kv("count", *expired));
                }
            }
            const auto began = clock_.steady_now();
            auto rows = co_await repo_.load_new_since(w->candle_open);
            const auto answered = clock_.steady_now();
            if (rows) {
                // What a lane holds is being decided (or waits for its venue): read again, not new.
                std::erase_if(*rows, [&](const db::signal_row& r) { return lanes_.holds(r.id); });
            }
            if (rows && !rows->empty()) {
                auto valid = co_await outcomes_.validate_rows(std::move(*rows));
                // Each venue's lane decides its own: a venue that makes its callers wait (a ban, a
                // hung call) holds neither the other's signals nor this loop's next checks (C3).
                const auto executor = co_await asio::this_coro::executor;
                lanes_.submit(executor, std::move(valid), venue_lanes::batch_context{{began, answered}, w});
            } else if (!rows) {
                logging::warn(log_, "cannot read the wave's signals", kv("error", rows.error().describe()));
            }
            co_await redecide_due(w);
        } else if (auto next = schedule_.next_wave(now)) {
            wave_.reset();
            co_await expire_deferred("its wave ended");
            sleep = next->at - now;
            logging::info(log_, "next wave", kv("at", iso(next->at)), kv("in_s", sleep.count() / 1'000'000'000));
        }
        wave_timer_->expires_after(sleep);
        boost::system::error_code ec;
        co_await wave_timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

asio::awaitable<void> signal_processor::recover_claims() {
    orphans_checked_ = clock_.steady_now();
    auto resolved = co_await repo_.resolve_orphaned_claims(instance_);
    if (!resolved) {
        // Not fatal: those rows stay claimed until the next start; nothing is traded twice.
        logging::warn(log_, "cannot resolve the claims of stopped instances", kv("error", resolved.error().describe()));
        co_return;
    }
    if (resolved->decided > 0 || resolved->released > 0 || resolved->waiting > 0) {
        logging::info(log_, "claims of stopped instances resolved", kv("ended_with_their_position", resolved->decided),
                      kv("decided_again", resolved->released), kv("waiting_for_their_entry", resolved->waiting));
    }
    // An entry row the reconciliation has not settled yet (it waits out the venue's receive
    // window): its signal is looked at again by the table reads until it is.
    orphans_waiting_ = resolved->waiting > 0;
}

asio::awaitable<bool> signal_processor::recover_own_claims() {
    // Only between decisions (one drain at a time): every claim of ours that is still new is
    // then either waiting in `deferred_` or lost its decision in the outage.
    std::vector<std::int64_t> waiting = lanes_.held();
    for (const auto& d : deferred_.all()) {
        waiting.push_back(d.sig.id);
    }
    auto resolved = co_await repo_.resolve_own_claims(instance_, std::move(waiting));
    if (!resolved) {
        logging::warn(log_, "cannot resolve own claims after a database outage", kv("error", resolved.error().describe()));
        co_return false;
    }
    claims_unsure_ = false;
    if (resolved->decided > 0 || resolved->released > 0) {
        logging::warn(log_, "own claims whose decision the database lost resolved",
                      kv("ended_with_their_position", resolved->decided), kv("decided_again", resolved->released));
    }
    co_return true;
}

asio::awaitable<void> signal_processor::redecide_due(std::optional<signals::wave> wave) {
    auto list = deferred_.due(clock_.now(), clock_.steady_now());
    for (const auto& d : list.closed) {
        if (!lanes_.holds(d.sig.id)) {  // one its lane is deciding again is the lane's
            co_await outcomes_.expire(d, "its window closed");
        }
    }
    if (list.due.empty()) {
        co_return;
    }
    const auto now = clock_.steady_now();
    const auto executor = co_await asio::this_coro::executor;
    lanes_.submit(executor, std::move(list.due), venue_lanes::batch_context{{now, now}, std::move(wave)});
}

asio::awaitable<void> signal_processor::expire_deferred(std::string_view why) {
    const auto waiting = deferred_.all();
    for (const auto& d : waiting) {
        if (!lanes_.holds(d.sig.id)) {  // its lane ends it (decide_lane)
            co_await outcomes_.expire(d, why);
        }
    }
}

}  // namespace tradebot::pipeline
