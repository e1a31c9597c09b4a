#include "backtest/replay_signals.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/co_spawn.hpp>

namespace tradebot::backtest {

namespace asio = boost::asio;

replay_signals::replay_signals(const std::vector<signal_line>& signals, pipeline::trading_port& port,
                               trading::trading_metrics& metrics, const config::settings& settings,
                               const core::clock& clock, strand_type strand, std::function<void()> settle)
    : signals_{signals},
      strand_{std::move(strand)},
      settle_{std::move(settle)},
      decider_{port, *this, metrics, settings, clock, "backtest"},
      schedule_{signals::wave_schedule::from_settings(settings.signals, settings.signals.immediate)},
      window_{settings.signals.max_wave_age_minutes} {
    for (std::size_t i = 0; i < signals_.size(); ++i) {
        by_time_.push_back(i);
        line_of_[signals_[i].raw.id] = signals_[i].line;
    }
    std::stable_sort(by_time_.begin(), by_time_.end(),
                     [&](std::size_t a, std::size_t b) { return signals_[a].visible_at < signals_[b].visible_at; });
}

bool replay_signals::may_decide(time_point now) const {
    if (deciding_) return true;
    const bool visible = !pending_.empty() || (next_ < by_time_.size() && signals_[by_time_[next_]].visible_at <= now);
    return visible && (schedule_.immediate() || schedule_.current_wave(now).has_value());
}

void replay_signals::decide(time_point now) {
    while (next_ < by_time_.size() && signals_[by_time_[next_]].visible_at <= now) {
        pending_.insert({signals_[by_time_[next_]].raw.id, by_time_[next_]});
        ++next_;
    }
    if (deciding_ || pending_.empty()) return;
    std::optional<signals::wave> w;
    if (!schedule_.immediate()) {
        w = schedule_.current_wave(now);
        if (!w) return;
        if (!wave_ || wave_->at != w->at) {
            wave_ = w;
            state_ = pipeline::wave_state{};
            // load_new_since(candle_open) never reads an older row again: live, it expires.
            for (auto it = pending_.begin(); it != pending_.end();) {
                if (signals_[it->second].visible_at < w->candle_open) {
                    outcome(it->first, "expired", "too_old", "no wave read it before its window passed");
                    it = pending_.erase(it);
                } else {
                    ++it;
                }
            }
        }
    }
    std::vector<signals::signal> batch;
    for (auto it = pending_.begin(); it != pending_.end();) {
        auto v = signals::validate(signals_[it->second].raw);
        if (!v) {  // load_signals() refused these already; kept honest if that ever changes
            outcome(it->first, "rejected", std::string{signals::to_string(v.error().reason)}, v.error().message);
            it = pending_.erase(it);
            continue;
        }
        const auto judged = window_.judge(*v, now);
        if (judged.verdict == signals::window_verdict::too_old) {
            outcome(it->first, "expired", "too_old", judged.message);
            it = pending_.erase(it);
        } else if (judged.verdict == signals::window_verdict::future) {
            ++it;  // not yet: a later check reads it
        } else {
            batch.push_back(std::move(*v));
            ++it;
        }
    }
    if (batch.empty()) return;
    deciding_ = true;
    asio::co_spawn(strand_, decider_.decide(std::move(batch), w, state_),
                   [this](const std::exception_ptr&) { deciding_ = false; });
    settle_();
}

asio::awaitable<bool> replay_signals::claim(const signals::signal& s) { co_return pending_.contains(s.id); }

asio::awaitable<void> replay_signals::decided(const signals::signal& s, const pipeline::decision& d) {
    switch (d.kind) {
        case pipeline::verdict::deferred:
            co_return;  // stays pending: the next check decides it again, as live
        case pipeline::verdict::taken: outcome(s.id, "taken", d.reason, d.message); break;
        case pipeline::verdict::failed: outcome(s.id, "failed", d.reason, d.message); break;
        case pipeline::verdict::skipped:
        case pipeline::verdict::elsewhere: outcome(s.id, "skipped", d.reason, d.message); break;
    }
    pending_.erase(s.id);
    co_return;
}

void replay_signals::outcome(std::int64_t id, std::string what, std::string reason, std::string detail) {
    outcomes_[id] = signal_outcome{id, line_of_[id], std::move(what), std::move(reason), std::move(detail)};
}

std::vector<signal_outcome> replay_signals::finish() {
    for (auto& [id, idx] : pending_) {
        outcome(id, "expired", "not_decided", "no wave decided it before the price data ended");
    }
    for (std::size_t i = next_; i < by_time_.size(); ++i) {
        outcome(signals_[by_time_[i]].raw.id, "expired", "not_decided", "visible after the last bar");
    }
    std::vector<signal_outcome> out;
    for (auto& [id, o] : outcomes_) out.push_back(std::move(o));
    return out;
}

}  // namespace tradebot::backtest
