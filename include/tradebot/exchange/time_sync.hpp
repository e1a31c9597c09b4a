#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "tradebot/core/clock.hpp"

namespace tradebot::exchange {

struct time_sync_options {
    std::size_t window = 8;  // samples kept; the best of them is used
    // Samples slower than this say little about the offset and are dropped.
    std::chrono::milliseconds max_rtt{2'000};
    // How fast the local steady clock may drift against the venue's clock, in parts per million.
    // A sample's error bound grows by age x drift, so a fresh slow sample can beat an old fast one.
    std::int64_t max_drift_ppm = 100;
    // needs_resync() turns true when the best estimate's error bound exceeds this ...
    std::chrono::milliseconds max_uncertainty{500};
    // ... or when the newest sample is older than this.
    std::chrono::milliseconds resync_interval{std::chrono::minutes{30}};
};

// Server-time offset estimate for signing (Binance timestamp §A2, Bybit X-BAPI-TIMESTAMP §B2).
// Both venues reject a timestamp more than 1000 ms ahead of their clock or older than recvWindow,
// so the bot must know the venue's time to well under a second.
//
// A sample is (steady time the request was sent, the venue's time in its answer, steady time the
// answer arrived). The venue read its clock somewhere in between, so the midpoint estimate is
// wrong by at most rtt/2; from there the error grows with local drift. Of the last `window`
// samples the one with the smallest bound (rtt/2 + age x drift) wins. The estimate is kept
// against the steady clock, not the local wall clock, so an NTP step of the host's wall clock does
// not move venue_now(). Pure logic: the adapter fetches /fapi/v1/time or /v5/market/time.
class time_sync {
public:
    explicit time_sync(const core::clock& clock, time_sync_options options = {});

    // Returns false (and keeps the sample out) when the RTT is negative or above max_rtt.
    bool add_sample(std::chrono::steady_clock::time_point sent, std::int64_t server_ms,
                    std::chrono::steady_clock::time_point received);

    // True once a sample has been accepted.
    [[nodiscard]] bool synced() const noexcept { return !samples_.empty(); }

    // The venue's current time in ms since the epoch, for signing. Before any sample, the local
    // wall clock (the venue then says -1021/10002 if it is off, which triggers a re-sync).
    [[nodiscard]] std::int64_t venue_now_ms() const;

    // Venue time minus local wall time, for logs and the clock-offset metric.
    [[nodiscard]] std::chrono::milliseconds wall_offset() const;

    // Error bound of venue_now_ms() (rtt/2 + age x drift of the best sample); nullopt before sync.
    [[nodiscard]] std::optional<std::chrono::milliseconds> uncertainty() const;

    // The venue said our timestamp was outside its window: the estimate is not to be trusted.
    // Samples taken before this call are dropped, so needs_resync() stays true until a new one.
    void on_clock_skew();

    // Fetch the server time now: never synced, a clock-skew error since the last sample, the error
    // bound above max_uncertainty, or the newest sample older than resync_interval.
    [[nodiscard]] bool needs_resync() const;

    [[nodiscard]] std::size_t sample_count() const noexcept { return samples_.size(); }
    [[nodiscard]] std::uint64_t rejected_samples() const noexcept { return rejected_; }
    [[nodiscard]] std::uint64_t skew_events() const noexcept { return skew_events_; }

private:
    struct sample {
        std::chrono::steady_clock::time_point mid;  // steady time the venue is assumed to have read
        std::int64_t server_ms = 0;
        std::chrono::nanoseconds rtt{0};
    };
    [[nodiscard]] std::chrono::nanoseconds bound(const sample& s) const;
    [[nodiscard]] const sample* best() const;

    const core::clock& clock_;
    time_sync_options options_;
    std::deque<sample> samples_;
    std::uint64_t rejected_ = 0;
    std::uint64_t skew_events_ = 0;
};

}  // namespace tradebot::exchange
