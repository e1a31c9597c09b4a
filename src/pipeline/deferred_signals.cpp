#include "tradebot/pipeline/deferred_signals.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace tradebot::pipeline {

const deferred_signals::entry* deferred_signals::find(std::int64_t id) const noexcept {
    const auto it = std::find_if(entries_.begin(), entries_.end(), [id](const entry& e) { return e.sig.id == id; });
    return it == entries_.end() ? nullptr : &*it;
}

std::optional<std::chrono::seconds> deferred_signals::note(const signals::signal& s, std::string_view reason,
                                                           std::string message, signals::time_point now,
                                                           std::chrono::steady_clock::time_point steady_now) {
    auto it = std::find_if(entries_.begin(), entries_.end(), [&s](const entry& e) { return e.sig.id == s.id; });
    if (it == entries_.end()) {
        it = entries_.insert(entries_.end(), entry{s, {}, {}, 0, {}});
    }
    ++it->attempts;
    it->reason = std::string{reason};
    it->message = std::move(message);
    if (now > window_.closes_at(s)) {
        return std::nullopt;
    }
    const auto pause = std::min<std::chrono::seconds>(pause_max, std::chrono::seconds{1LL << std::min(it->attempts - 1, 5)});
    it->next_at = steady_now + pause;
    return pause;
}

deferred_signals::due_list deferred_signals::due(signals::time_point now,
                                                 std::chrono::steady_clock::time_point steady_now) const {
    due_list out;
    for (const auto& e : entries_) {
        if (e.next_at > steady_now) {
            continue;
        }
        if (now > window_.closes_at(e.sig)) {
            out.closed.push_back(e);
        } else {
            out.due.push_back(e.sig);
        }
    }
    return out;
}

void deferred_signals::forget(std::int64_t id) {
    std::erase_if(entries_, [id](const entry& e) { return e.sig.id == id; });
}

std::string deferred_signals::expiry_detail(const entry& e, std::string_view why) {
    return fmt::format("{} while deferred ({} attempts); last: {}", why, e.attempts, e.message);
}

}  // namespace tradebot::pipeline
