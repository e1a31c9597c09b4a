#include "tradebot/alerts/rate_limiter.hpp"

#include <utility>

namespace tradebot::alerts {

namespace {

constexpr std::chrono::minutes budget_window{1};
// Open problems remembered per kind: beyond this (a storm of distinct subjects) one is
// forgotten, so its resolution waits for the interval like any other alert.
constexpr std::size_t max_announced = 256;

std::string suppressed_note(std::uint64_t count, alert_kind kind, std::chrono::steady_clock::duration over) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(over).count();
    return "\n(" + std::to_string(count) + " more " + std::string{to_string(kind)} + " alert" +
           (count == 1 ? "" : "s") + " suppressed by the rate limit in the last " + std::to_string(seconds) + " s)";
}

}  // namespace

bool rate_limiter::kind_open(const kind_state& k, time_point now) const noexcept {
    return !k.last_sent || limits_.per_kind_interval.count() == 0 || now - *k.last_sent >= limits_.per_kind_interval;
}

bool rate_limiter::budget_open(time_point now) {
    while (!sent_.empty() && now - sent_.front() >= budget_window) {
        sent_.pop_front();
    }
    return std::cmp_less(sent_.size(), limits_.max_per_minute);
}

void rate_limiter::mark_sent(kind_state& k, const alert& a, time_point now) {
    if (!a.subject.empty()) {
        if (a.resolved) {
            k.announced.erase(a.subject);
        } else if (k.announced.insert(a.subject).second && k.announced.size() > max_announced) {
            k.announced.erase(k.announced.begin());
        }
    }
    k.last_sent = now;
    k.suppressed = 0;
    k.first_suppressed.reset();
    sent_.push_back(now);
}

std::optional<alert> rate_limiter::admit(alert a, time_point now) {
    auto& k = kinds_[static_cast<std::size_t>(a.kind)];
    const bool closes_announced = a.resolved && !a.subject.empty() && k.announced.contains(a.subject);
    if (!(closes_announced || kind_open(k, now)) || !budget_open(now)) {
        ++k.suppressed;
        ++suppressed_total_;
        if (!k.first_suppressed) {
            k.first_suppressed = now;
        }
        k.latest = std::move(a);
        return std::nullopt;
    }
    if (k.suppressed > 0) {
        a.text += suppressed_note(k.suppressed, a.kind, now - *k.first_suppressed);
    }
    mark_sent(k, a, now);
    return a;
}

std::vector<alert> rate_limiter::due(time_point now) {
    std::vector<alert> out;
    for (auto& k : kinds_) {
        if (k.suppressed == 0 || !kind_open(k, now) || !budget_open(now)) {
            continue;
        }
        // The newest suppressed alert stands for the others; it is itself one of the count.
        auto summary = std::move(k.latest);
        if (k.suppressed > 1) {
            summary.text += suppressed_note(k.suppressed - 1, summary.kind, now - *k.first_suppressed);
        }
        mark_sent(k, summary, now);
        out.push_back(std::move(summary));
    }
    return out;
}

bool rate_limiter::pending() const noexcept {
    for (const auto& k : kinds_) {
        if (k.suppressed > 0) {
            return true;
        }
    }
    return false;
}

}  // namespace tradebot::alerts
