#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "app/trading_runtime.hpp"
#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/db/signal_repository.hpp"
#include "tradebot/signals/filter_chain.hpp"
#include "tradebot/signals/signal.hpp"
#include "tradebot/signals/signal_window.hpp"
#include "tradebot/signals/wave_schedule.hpp"
#include "tradebot/signals/wave_selector.hpp"
#include "tradebot/trading/risk_manager.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::app {

// From signal rows to entries (issue 6 "Signals" and "Risk"): validate every row (a bad one is
// marked rejected with the reason), select per exchange (newest candle, minimum scores, ranking),
// filter, size and risk-check, then open through the trading runtime and record on the row what
// happened: taken (with the position), skipped, rejected, failed or expired, always with a reason.
//
// Immediate mode (signals.immediate): every wake-up (NOTIFY or poll) claims the new rows with
// FOR UPDATE SKIP LOCKED and decides them at once. Wave mode: at each wave minute the rows of the
// wave's candle are read during the check window, and only the chosen ones are claimed.
// Runs on the trading strand.
class signal_processor {
public:
    signal_processor(trading_runtime& runtime, db::database& database, const config::settings& settings,
                     const core::clock& clock, std::string instance);
    ~signal_processor();

    // Rows claimed per read in immediate mode: a backlog is worked off in bounded steps.
    static constexpr std::size_t batch_size = 100;

    [[nodiscard]] bool immediate() const noexcept { return schedule_.immediate(); }
    // Immediate mode: a row its NOTIFY carried, decided by the next drain without reading it
    // back (the entry's statement or the outcome's claims it). False when not taken (wave mode,
    // or max_notified waiting): the row stays new in the table for a read to find.
    [[nodiscard]] bool notified(db::signal_row row);
    static constexpr std::size_t max_notified = 4 * batch_size;
    // Immediate mode: decides up to one batch of notified rows, then with `read_table` claims
    // and decides one batch from the table; returns how many rows it took.
    [[nodiscard]] boost::asio::awaitable<std::size_t> drain_immediate(bool read_table);
    // Wave mode: runs the wave schedule until stop().
    [[nodiscard]] boost::asio::awaitable<void> run_waves();
    // At start, before the first read: claims left by instances that stopped between claim and
    // decision are resolved (db::signal_repository::resolve_orphaned_claims).
    [[nodiscard]] boost::asio::awaitable<void> recover_claims();
    // Signals whose decision waits for a transient fault to pass (claimed by us, still new).
    [[nodiscard]] std::size_t deferred() const noexcept { return deferred_.size(); }
    void stop();

private:
    struct wave_state {
        std::map<core::exchange_id, int> opened;  // entries sent in this wave, per exchange
    };
    // A decision that failed for a transient reason (a balance, PnL or market datum could not be
    // read): the row stays new, claimed by us, and is decided again after a pause while its
    // window is open; then it expires with that reason. "skipped" is only for a rule that said no.
    struct deferred_signal {
        signals::signal sig;
        std::string reason;
        std::string message;
        int attempts = 0;
        std::chrono::steady_clock::time_point next_at;
    };
    static constexpr std::chrono::seconds defer_pause_max{30};

    boost::asio::awaitable<void> decide(std::vector<signals::signal> batch, std::optional<signals::wave> wave,
                                        wave_state& state);
    // Immediate mode: validates and decides `rows` as one batch outside any wave.
    boost::asio::awaitable<void> decide_now(std::vector<db::signal_row> rows);
    boost::asio::awaitable<signals::market_snapshot> snapshot_for(const std::vector<signals::signal>& batch);
    // Open interest, 1 h volume, 5 min change of the candidates, when an enabled filter needs them.
    boost::asio::awaitable<void> add_market_stats(const std::vector<signals::signal>& batch,
                                                  signals::market_snapshot& snap);
    [[nodiscard]] bool stats_wanted() const noexcept;
    boost::asio::awaitable<trading::portfolio> portfolio_now();
    // Today's realized PnL; reused within trading.account_cache_ms while no close of ours happened.
    boost::asio::awaitable<std::optional<core::decimal>> pnl_today();
    boost::asio::awaitable<bool> kill_switch();
    // Validates rows; invalid ones are marked rejected (the mark claims them if nobody had).
    boost::asio::awaitable<std::vector<signals::signal>> validate_rows(std::vector<db::signal_row> rows);
    // Defers `s` (claiming it first if needed), or expires it when its window has closed.
    boost::asio::awaitable<void> defer(const signals::signal& s, std::string_view reason, std::string message);
    // Decides again the deferred signals whose pause is over; expires those whose window closed.
    boost::asio::awaitable<void> redecide_due(std::optional<signals::wave> wave, wave_state& state);
    // Expires every deferred signal: its wave is over.
    boost::asio::awaitable<void> expire_deferred(std::string_view why);
    boost::asio::awaitable<void> expire(const deferred_signal& d, std::string_view why);
    void forget_deferred(std::int64_t id);
    boost::asio::awaitable<void> mark(std::int64_t id, db::signal_status status, std::string_view outcome,
                                      std::string_view reason, std::string_view message,
                                      std::optional<std::int64_t> position = std::nullopt);

    trading_runtime& runtime_;
    const config::settings& settings_;
    const core::clock& clock_;
    std::string instance_;
    std::shared_ptr<spdlog::logger> log_;
    db::signal_repository repo_;
    signals::wave_schedule schedule_;
    signals::wave_selector selector_;
    signals::filter_chain filters_;
    signals::signal_window window_;
    trading::risk_manager risk_;
    boost::asio::thread_pool files_{1};  // the kill-switch stat, off the event loop
    std::unique_ptr<boost::asio::steady_timer> wave_timer_;
    struct pnl_read {
        core::clock::time_point day;
        std::uint64_t generation = 0;
        std::chrono::steady_clock::time_point at;
        core::decimal value;
    };
    std::optional<pnl_read> pnl_;
    static constexpr std::chrono::seconds kill_switch_recheck{1};
    std::optional<std::chrono::steady_clock::time_point> kill_checked_;
    bool kill_active_ = false;
    // When the current read began (drain or wave check): the start of the signal -> entry metric.
    std::chrono::steady_clock::time_point woke_{};
    // When the read answered, then when the previous entry of the batch was handed over: the
    // start of a signal's decide step (tradebot_signal_path_seconds).
    std::chrono::steady_clock::time_point read_done_{};
    std::chrono::steady_clock::time_point step_from_{};
    std::vector<db::signal_row> notified_;
    std::vector<deferred_signal> deferred_;
    bool stopped_ = false;
};

}  // namespace tradebot::app
