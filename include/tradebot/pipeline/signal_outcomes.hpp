#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/core/clock.hpp"
#include "tradebot/db/signal_repository.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/events/signal_event.hpp"
#include "tradebot/pipeline/deferred_signals.hpp"
#include "tradebot/pipeline/entry_decider.hpp"
#include "tradebot/signals/signal.hpp"
#include "tradebot/signals/signal_window.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::pipeline {

// The signals table's side of signal_processor (issue 6 "Signals"): validates rows, and records
// on each row what became of it (taken with the position, skipped, rejected, failed, expired or
// deferred), always with a reason, publishing it on the signal_event topic. It is the
// entry_deciders' decision_sink; the deferred list it fills is its owner's, which hands the due
// ones to the lanes again.
class signal_outcomes final : public decision_sink {
public:
    signal_outcomes(events::router& router, db::signal_repository& repo, deferred_signals& deferred,
                    signals::signal_window window, const core::clock& clock, std::string instance);

    // decision_sink
    boost::asio::awaitable<bool> claim(const signals::signal& s) override;
    boost::asio::awaitable<void> decided(const signals::signal& s, const decision& d) override;

    // Validates rows; invalid ones are marked rejected (the mark claims them if nobody had).
    [[nodiscard]] boost::asio::awaitable<std::vector<signals::signal>> validate_rows(std::vector<db::signal_row> rows);
    // Defers `s` (claiming it first if needed), or expires it when its window has closed.
    boost::asio::awaitable<void> defer(const signals::signal& s, std::string_view reason, std::string message);
    boost::asio::awaitable<void> expire(const deferred_signals::entry& d, std::string_view why);
    boost::asio::awaitable<void> mark(std::int64_t id, db::signal_status status, std::string_view outcome,
                                      std::string_view reason, std::string_view message,
                                      std::optional<std::int64_t> position = std::nullopt);
    void publish(std::int64_t id, std::string_view outcome, std::string_view reason, std::string_view detail = {},
                 std::optional<std::int64_t> position = std::nullopt);

private:
    events::topic<events::signal_event>& events_;
    db::signal_repository& repo_;
    deferred_signals& deferred_;
    signals::signal_window window_;
    const core::clock& clock_;
    std::string instance_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace tradebot::pipeline
