#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/db/signal_repository.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/events/signal_event.hpp"
#include "tradebot/pipeline/deferred_signals.hpp"
#include "tradebot/pipeline/entry_decider.hpp"
#include "tradebot/pipeline/signal_outcomes.hpp"
#include "tradebot/pipeline/trading_port.hpp"
#include "tradebot/pipeline/venue_lanes.hpp"
#include "tradebot/signals/signal.hpp"
#include "tradebot/signals/signal_window.hpp"
#include "tradebot/signals/wave_schedule.hpp"
#include "tradebot/trading/trading_metrics.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::pipeline {

// From signal rows to entries (issue 6 "Signals" and "Risk"): validate every row (a bad one is
// marked rejected with the reason), hand the valid ones to the entry_decider, and record on the
// row what it decided: taken (with the position), skipped, rejected, failed or expired, always
// with a reason (signal_outcomes validates and records); a decision that waits for a transient
// fault goes to the deferred list.
//
// Immediate mode (signals.immediate): every wake-up (NOTIFY or poll) claims the new rows with
// FOR UPDATE SKIP LOCKED and hands them to their venue's lane (venue_lanes), which decides them
// at once unless that venue is still busy with earlier ones: one venue that makes its callers
// wait (a ban, a hung call) never holds another venue's decisions (issue 19, C3). Each venue has
// its own entry_decider. Wave mode: at each wave minute the rows of the wave's candle are read
// during the check window, and only the chosen ones are claimed; each check hands its rows to the
// same lanes, so a venue that waits holds neither the other venue's signals nor the next checks.
// Runs on the trading strand.
class signal_processor final {
public:
    // Each row's outcome is published on `router`'s signal_event topic (pipeline::signal_metrics
    // counts them).
    signal_processor(trading_port& trading, events::router& router, trading::trading_metrics& metrics,
                     db::database& database, const config::settings& settings, const core::clock& clock,
                     std::string instance);

    // Rows claimed per read in immediate mode: a backlog is worked off in bounded steps.
    static constexpr std::size_t batch_size = 100;

    [[nodiscard]] bool immediate() const noexcept { return schedule_.immediate(); }
    // Immediate mode: a row its NOTIFY carried, decided by the next drain without reading it
    // back (the entry's statement or the outcome's claims it). False when not taken (wave mode,
    // or max_notified waiting): the row stays new in the table for a read to find.
    [[nodiscard]] bool notified(db::signal_row row);
    static constexpr std::size_t max_notified = 4 * batch_size;
    // Immediate mode: hands up to one batch of notified rows to the lanes, then with
    // `read_table` claims one batch from the table and hands it over; returns how many rows it
    // took. Wave mode reads on its own schedule: 0.
    [[nodiscard]] boost::asio::awaitable<std::size_t> drain_immediate(bool read_table);
    // Wave mode: runs the wave schedule until stop().
    [[nodiscard]] boost::asio::awaitable<void> run_waves();
    // At start, before the first read: claims left by instances that stopped between claim and
    // decision are resolved (db::signal_repository::resolve_orphaned_claims).
    [[nodiscard]] boost::asio::awaitable<void> recover_claims();
    void stop();
    // No lane is deciding (shutdown waits for it).
    [[nodiscard]] bool idle() const noexcept { return lanes_.idle(); }

private:
    boost::asio::awaitable<bool> recover_own_claims();

    // Immediate mode: validates `rows` and hands them to their venues' lanes.
    boost::asio::awaitable<void> decide_now(std::vector<db::signal_row> rows, venue_lanes::read_times times);
    // A lane's batch: signals whose window closed while they waited in the lane expire, the
    // rest go to the venue's decider (with their wave's state in wave mode). A batch whose wave
    // is over by then is not decided (wave_ended_in_lane).
    boost::asio::awaitable<void> decide_lane(core::exchange_id venue, std::vector<signals::signal> batch,
                                             venue_lanes::batch_context context);
    boost::asio::awaitable<void> wave_ended_in_lane(std::vector<signals::signal> batch);
    entry_decider& decider(core::exchange_id venue);
    // A venue not reconciled yet (trading_port::ready): `batch` is deferred; true then.
    boost::asio::awaitable<bool> wait_for_venue(core::exchange_id venue, const std::vector<signals::signal>& batch);
    // Hands the deferred signals whose pause is over to their lanes again (of `wave` in wave
    // mode); expires those whose window closed.
    boost::asio::awaitable<void> redecide_due(std::optional<signals::wave> wave);
    // Expires every deferred signal: its wave is over.
    boost::asio::awaitable<void> expire_deferred(std::string_view why);

    const config::settings& settings_;
    const core::clock& clock_;
    std::string instance_;
    std::shared_ptr<spdlog::logger> log_;
    db::signal_repository repo_;
    signals::wave_schedule schedule_;
    signals::signal_window window_;
    trading_port& trading_;
    trading::trading_metrics& metrics_;
    std::map<core::exchange_id, std::unique_ptr<entry_decider>> deciders_;
    deferred_signals deferred_;
    signal_outcomes outcomes_;
    venue_lanes lanes_;
    // Wave mode: the wave being checked (none between waves) and its entries sent per venue.
    std::optional<signals::wave> wave_;
    std::map<core::clock::time_point, std::shared_ptr<wave_state>> waves_;
    std::unique_ptr<boost::asio::steady_timer> wave_timer_;
    std::vector<db::signal_row> notified_;
    bool stopped_ = false;
    // A read of the signals table failed: once the database answers again, our own claims are
    // checked for decisions the outage lost (recover_own_claims).
    bool claims_unsure_ = false;
    // recover_claims() left claims whose entry row was not settled yet: tried again, at most
    // every orphans_recheck, by the table reads.
    bool orphans_waiting_ = false;
    std::chrono::steady_clock::time_point orphans_checked_{};
    static constexpr std::chrono::seconds orphans_recheck{2};
};

}  // namespace tradebot::pipeline
