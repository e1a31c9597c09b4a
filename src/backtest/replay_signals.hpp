#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "tradebot/backtest/runner.hpp"
#include "tradebot/backtest/signal_file.hpp"
#include "tradebot/pipeline/entry_decider.hpp"
#include "tradebot/signals/signal_window.hpp"
#include "tradebot/signals/wave_schedule.hpp"

namespace tradebot::backtest {

// The signals' side of the replay: which signals are visible at a time, the wave (or, immediate,
// the minute) that reads them, the live entry_decider deciding them, and what became of each.
// Runs on the replay's strand.
class replay_signals final : private pipeline::decision_sink {
public:
    using time_point = core::clock::time_point;
    using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;

    // `settle` runs every handler that is ready (the replay's loop), after a decision is started.
    replay_signals(const std::vector<signal_line>& signals, pipeline::trading_port& port,
                   trading::trading_metrics& metrics, const config::settings& settings, const core::clock& clock,
                   strand_type strand, std::function<void()> settle);
    ~replay_signals() override = default;
    replay_signals(const replay_signals&) = delete;
    replay_signals& operator=(const replay_signals&) = delete;

    // A decision is still running (it may be waiting for the clock or a hop to another thread).
    [[nodiscard]] bool deciding() const noexcept { return deciding_; }
    // Whether decide(now) may hand a batch to the decider: signals visible and undecided, in a
    // wave's check window (any minute in immediate mode), or a decision still running.
    [[nodiscard]] bool may_decide(time_point now) const;
    // The signals a wave (or, immediate, the minute) reads, decided by the live entry_decider.
    void decide(time_point now);
    // After the last bar: what no wave decided expires; the outcomes by id.
    [[nodiscard]] std::vector<signal_outcome> finish();

private:
    boost::asio::awaitable<bool> claim(const signals::signal& s) override;
    boost::asio::awaitable<void> decided(const signals::signal& s, const pipeline::decision& d) override;
    void outcome(std::int64_t id, std::string what, std::string reason, std::string detail);

    const std::vector<signal_line>& signals_;
    strand_type strand_;
    std::function<void()> settle_;
    pipeline::entry_decider decider_;
    signals::wave_schedule schedule_;
    signals::signal_window window_;
    std::vector<std::size_t> by_time_;  // signal indexes by visible_at
    std::size_t next_ = 0;              // by_time_[next_] is the first not yet visible
    std::map<std::int64_t, std::size_t> pending_;  // visible, undecided: id -> index
    std::map<std::int64_t, int> line_of_;
    std::map<std::int64_t, signal_outcome> outcomes_;
    std::optional<signals::wave> wave_;
    pipeline::wave_state state_;
    bool deciding_ = false;
};

}  // namespace tradebot::backtest
