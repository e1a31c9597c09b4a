#include "tradebot/exchange/time_sync.hpp"

namespace tradebot::exchange {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

time_sync::time_sync(const core::clock& clock, time_sync_options options) : clock_{clock}, options_{options} {
    if (options_.window == 0) options_.window = 1;
}

bool time_sync::add_sample(std::chrono::steady_clock::time_point sent, std::int64_t server_ms,
                           std::chrono::steady_clock::time_point received) {
    const nanoseconds rtt = received - sent;
    if (rtt < nanoseconds::zero() || rtt > options_.max_rtt) {
        ++rejected_;
        return false;
    }
    samples_.push_back(sample{sent + rtt / 2, server_ms, rtt});
    while (samples_.size() > options_.window) samples_.pop_front();
    return true;
}

nanoseconds time_sync::bound(const sample& s) const {
    const nanoseconds age = clock_.steady_now() - s.mid;
    const nanoseconds drift = age.count() > 0 ? nanoseconds{age.count() / 1'000'000 * options_.max_drift_ppm}
                                              : nanoseconds::zero();
    return s.rtt / 2 + drift;
}

const time_sync::sample* time_sync::best() const {
    const sample* out = nullptr;
    nanoseconds out_bound{};
    for (const auto& s : samples_) {
        const nanoseconds b = bound(s);
        // Ties go to the newer sample: same error bound, less exposure to a clock change since.
        if (out == nullptr || b <= out_bound) {
            out = &s;
            out_bound = b;
        }
    }
    return out;
}

std::int64_t time_sync::venue_now_ms() const {
    const sample* s = best();
    if (s == nullptr) return clock_.now_ms();
    const nanoseconds since = clock_.steady_now() - s->mid;
    return s->server_ms + duration_cast<milliseconds>(since).count();
}

milliseconds time_sync::wall_offset() const {
    if (!synced()) return milliseconds::zero();
    return milliseconds{venue_now_ms() - clock_.now_ms()};
}

std::optional<milliseconds> time_sync::uncertainty() const {
    const sample* s = best();
    if (s == nullptr) return std::nullopt;
    return duration_cast<milliseconds>(bound(*s));
}

void time_sync::on_clock_skew() {
    ++skew_events_;
    samples_.clear();
}

bool time_sync::needs_resync() const {
    if (samples_.empty()) return true;
    if (auto u = uncertainty(); u && *u > options_.max_uncertainty) return true;
    return clock_.steady_now() - samples_.back().mid > options_.resync_interval;
}

}  // namespace tradebot::exchange
