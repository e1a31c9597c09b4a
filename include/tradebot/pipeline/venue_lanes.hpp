#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "tradebot/core/types.hpp"
#include "tradebot/signals/signal.hpp"
#include "tradebot/signals/wave_schedule.hpp"

namespace tradebot::pipeline {

// The signal decisions, one lane per venue (issue 19, finding C3), in immediate and wave mode: a
// venue that makes its callers wait (Bybit's 403 is an IP ban of ten minutes and more, which the
// rate limiter waits out; a hung call) holds only its own signals. Each lane decides its queue in
// order, one batch at a time; lanes of different venues run side by side on the same strand.
// Signals of different waves never share a batch. The lanes only keep order and time: claims,
// decisions and marks are the owner's `decide` function's.
class venue_lanes {
public:
    // When the read that found a batch began and answered (the signal -> entry metrics).
    struct read_times {
        std::chrono::steady_clock::time_point began;
        std::chrono::steady_clock::time_point answered;
    };
    // What a batch belongs to: the read that found it and, in wave mode, its wave.
    struct batch_context {
        read_times times;
        std::optional<signals::wave> wave;
    };
    // Decides one batch of a venue's signals; every signal of it is the lane's until it returns.
    using decide_function =
        std::function<boost::asio::awaitable<void>(core::exchange_id, std::vector<signals::signal>, batch_context)>;

    explicit venue_lanes(decide_function decide) : decide_{std::move(decide)} {}

    // Queues each signal of `batch` that no lane holds yet on its venue's lane (with the batch
    // queued last there when it has the same wave, else as a batch of its own) and starts, on
    // `executor`, the lanes that were idle. Returns how many were queued.
    std::size_t submit(const boost::asio::any_io_executor& executor, std::vector<signals::signal> batch,
                       batch_context context);
    // Queued or being decided.
    [[nodiscard]] bool holds(std::int64_t id) const;
    [[nodiscard]] std::vector<std::int64_t> held() const;
    // Queued, not started yet (all lanes).
    [[nodiscard]] std::size_t queued() const noexcept;
    [[nodiscard]] bool busy(core::exchange_id venue) const;
    [[nodiscard]] bool idle() const noexcept;
    // No new batch starts; queued signals are dropped (they stay new, claimed or not, for the
    // next start to resolve). A batch being decided finishes.
    void stop() noexcept;

private:
    struct pending {
        batch_context context;  // times: of the oldest read queued in it
        std::vector<signals::signal> signals;
    };
    struct lane {
        std::deque<pending> queue;
        std::vector<std::int64_t> deciding;
        bool running = false;
    };
    boost::asio::awaitable<void> run(core::exchange_id venue);

    decide_function decide_;
    std::map<core::exchange_id, lane> lanes_;
    bool stopped_ = false;
};

}  // namespace tradebot::pipeline
