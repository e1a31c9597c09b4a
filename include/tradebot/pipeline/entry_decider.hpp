#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/pipeline/portfolio_reader.hpp"
#include "tradebot/pipeline/trading_port.hpp"
#include "tradebot/signals/filter_chain.hpp"
#include "tradebot/signals/signal.hpp"
#include "tradebot/signals/wave_schedule.hpp"
#include "tradebot/signals/wave_selector.hpp"
#include "tradebot/trading/risk_manager.hpp"
#include "tradebot/trading/trading_metrics.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::pipeline {

// How the decider ended one signal.
enum class verdict : std::uint8_t {
    taken,      // opened and protected: `position`
    skipped,    // a rule said no, or the venue had the position already
    failed,     // the entry went wrong; `position` when it left one
    deferred,   // a datum could not be read: decide again later
    elsewhere,  // another claimer has it: not ours to record
};

struct decision {
    verdict kind = verdict::skipped;
    std::string reason;   // one word: a signals::skip_reason, trading::risk_reason, open_result_kind ...
    std::string message;  // for people
    std::optional<std::int64_t> position;
};

// The signals table's side of a decision, which the decider leaves to its owner.
class decision_sink {
public:
    virtual ~decision_sink() = default;
    // Wave mode: claims a chosen signal right before its entry; false: another instance has it,
    // or it was decided meanwhile, and the decider goes on without it.
    [[nodiscard]] virtual boost::asio::awaitable<bool> claim(const signals::signal& s) = 0;
    [[nodiscard]] virtual boost::asio::awaitable<void> decided(const signals::signal& s, const decision& d) = 0;
};

// Entries sent in one wave, per exchange (signals.max_trades_per_wave).
struct wave_state {
    std::map<core::exchange_id, int> opened;
};

// Decides one batch of valid signals (issue 6 "Signals" and "Risk"): one market snapshot for the
// batch, the filter chain once per signal (market stats read in between, only for the signals
// the listing steps let through), the per-exchange selection and ranking, then for each chosen
// signal in rank order: the wave's limit, the positions again (earlier entries of the batch
// changed them), the spread, sizing, the risk check, the entry. Every signal ends with one decision handed
// to the sink. Runs on the trading strand.
class entry_decider {
public:
    entry_decider(trading_port& port, decision_sink& sink, trading::trading_metrics& metrics,
                  const config::settings& settings, const core::clock& clock, std::string instance);

    // `wave`: the wave the batch belongs to (its candle; a claim before each entry); nullopt in
    // immediate mode, where the rows are claimed already or claimed by the decision's write.
    [[nodiscard]] boost::asio::awaitable<void> decide(std::vector<signals::signal> batch,
                                                      std::optional<signals::wave> wave, wave_state& state);

    // The signal -> entry metrics start at the read that found the batch.
    void read_began() noexcept;
    void read_answered() noexcept;
    // The same, for a batch a venue lane decides after the read that found it.
    void read_at(std::chrono::steady_clock::time_point began, std::chrono::steady_clock::time_point answered) noexcept;
    // Decisions in progress stop before their next entry.
    void stop() noexcept { stopped_ = true; }

private:
    using verdicts = std::map<std::int64_t, std::optional<signals::skip>>;

    [[nodiscard]] boost::asio::awaitable<signals::market_snapshot> snapshot_for(
        const std::vector<signals::signal>& batch);
    // The filter chain's verdict on every signal of the batch that the wave trades, each run once.
    [[nodiscard]] boost::asio::awaitable<verdicts> filter(const std::vector<signals::signal>& batch,
                                                          const std::optional<signals::wave>& wave,
                                                          signals::market_snapshot& snap);
    // Open interest, 1 h volume, 5 min change of `wanted` (the key's newest candle).
    [[nodiscard]] boost::asio::awaitable<void> add_market_stats(
        const std::map<signals::instrument_key, core::clock::time_point>& wanted, signals::market_snapshot& snap);
    [[nodiscard]] bool stats_wanted() const noexcept;
    // One chosen signal, from the wave's limit to its entry.
    [[nodiscard]] boost::asio::awaitable<void> decide_selected(const signals::signal& s,
                                                               const signals::exchange_selection& ex,
                                                               const std::optional<signals::wave>& wave,
                                                               wave_state& state, signals::market_snapshot& snap,
                                                               std::optional<trading::portfolio>& portfolio);
    // trading.max_spread_percent / block_on_spread: the best bid/ask read just before the entry.
    // nullopt: go ahead. A wide spread is logged and counted; with block_on_spread it skips the
    // signal (spread_too_wide). An unreadable book defers it with block_on_spread (fail closed),
    // else it is logged and the entry goes ahead, as the original's log-only check would.
    [[nodiscard]] boost::asio::awaitable<std::optional<decision>> check_spread(const signals::signal& s);
    // The entry and what became of it.
    [[nodiscard]] boost::asio::awaitable<void> enter(const signals::signal& s, trading::entry_intent intent,
                                                     const signals::exchange_selection& ex, wave_state& state,
                                                     std::optional<trading::portfolio>& portfolio);

    trading_port& port_;
    decision_sink& sink_;
    trading::trading_metrics& metrics_;
    const config::settings& settings_;
    const core::clock& clock_;
    std::string instance_;
    std::shared_ptr<spdlog::logger> log_;
    signals::wave_selector selector_;
    signals::filter_chain filters_;
    trading::risk_manager risk_;
    portfolio_reader account_;
    // When the current read began (drain or wave check): the start of the signal -> entry metric.
    std::chrono::steady_clock::time_point woke_{};
    // When the read answered, then when the previous entry of the batch was handed over: the
    // start of a signal's decide step (tradebot_signal_path_seconds).
    std::chrono::steady_clock::time_point read_done_{};
    std::chrono::steady_clock::time_point step_from_{};
    // When the current batch's decision began (tradebot_signal_to_order_seconds).
    std::chrono::steady_clock::time_point batch_started_{};
    bool stopped_ = false;
};

}  // namespace tradebot::pipeline
