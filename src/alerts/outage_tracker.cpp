#include "tradebot/alerts/outage_tracker.hpp"

#include <utility>

namespace tradebot::alerts {

std::string describe_duration(std::chrono::steady_clock::duration d) {
    const auto total = std::chrono::duration_cast<std::chrono::seconds>(d).count();
    const auto h = total / 3600;
    const auto m = total % 3600 / 60;
    const auto s = total % 60;
    if (h > 0) {
        return std::to_string(h) + " h " + std::to_string(m) + " min";
    }
    if (m > 0) {
        return std::to_string(m) + " min " + std::to_string(s) + " s";
    }
    return std::to_string(s) + " s";
}

void outage_tracker::down(alert_kind kind, const std::string& subject, std::string detail, time_point now) {
    auto [it, fresh] = down_.try_emplace(subject);
    if (fresh) {
        it->second.kind = kind;
        it->second.since = now;
    }
    if (!detail.empty()) {
        it->second.detail = std::move(detail);
    }
}

std::optional<alert> outage_tracker::up(const std::string& subject, time_point now, core::clock::time_point ts) {
    const auto it = down_.find(subject);
    if (it == down_.end()) {
        return std::nullopt;
    }
    const auto was = std::move(it->second);
    down_.erase(it);
    if (!was.announced) {
        return std::nullopt;
    }
    return alert{.kind = was.kind,
                 .text = subject + " is back after " + describe_duration(now - was.since),
                 .ts = ts,
                 .subject = subject,
                 .resolved = true};
}

std::vector<alert> outage_tracker::due(time_point now, core::clock::time_point ts) {
    std::vector<alert> out;
    for (auto& [subject, o] : down_) {
        if (o.announced || now - o.since < grace_) {
            continue;
        }
        o.announced = true;
        out.push_back(alert{.kind = o.kind,
                            .text = subject + " down for " + describe_duration(now - o.since) +
                                    (o.detail.empty() ? std::string{} : ": " + o.detail),
                            .ts = ts,
                            .subject = subject,
                            .resolved = false});
    }
    return out;
}

std::optional<outage_tracker::time_point> outage_tracker::next_due() const {
    std::optional<time_point> next;
    for (const auto& [subject, o] : down_) {
        if (!o.announced && (!next || o.since + grace_ < *next)) {
            next = o.since + grace_;
        }
    }
    return next;
}

}  // namespace tradebot::alerts
