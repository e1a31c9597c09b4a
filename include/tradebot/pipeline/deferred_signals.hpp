#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradebot/signals/signal.hpp"
#include "tradebot/signals/signal_window.hpp"

namespace tradebot::pipeline {

// Signals whose decision waits for a transient fault to pass (a balance, PnL or market datum
// could not be read): each row stays new, claimed by us, and is decided again after a pause that
// doubles per attempt, while its window is open; then it expires with the last reason. "skipped"
// is only for a rule that said no. The list only keeps time; claims and marks are its owner's.
class deferred_signals {
public:
    struct entry {
        signals::signal sig;
        std::string reason;
        std::string message;
        int attempts = 0;
        std::chrono::steady_clock::time_point next_at;
    };
    static constexpr std::chrono::seconds pause_max{30};

    explicit deferred_signals(signals::signal_window window) : window_{window} {}

    [[nodiscard]] bool contains(std::int64_t id) const noexcept { return find(id) != nullptr; }
    [[nodiscard]] const entry* find(std::int64_t id) const noexcept;
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
    [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }

    // Counts one more failed attempt of `s` (adding it if new) and returns the pause before the
    // next; nullopt when its window has closed: the owner expires it.
    [[nodiscard]] std::optional<std::chrono::seconds> note(const signals::signal& s, std::string_view reason,
                                                           std::string message, signals::time_point now,
                                                           std::chrono::steady_clock::time_point steady_now);

    struct due_list {
        std::vector<signals::signal> due;  // pause over, window open: decide again
        std::vector<entry> closed;         // pause over, window closed: expire
    };
    // Leaves the list as it is: the owner's decisions and expiries remove what they end.
    [[nodiscard]] due_list due(signals::time_point now, std::chrono::steady_clock::time_point steady_now) const;
    [[nodiscard]] const std::vector<entry>& all() const noexcept { return entries_; }
    void forget(std::int64_t id);

    // The row's reason text when `e` expires: why, how often it was tried, the last fault.
    [[nodiscard]] static std::string expiry_detail(const entry& e, std::string_view why);

private:
    signals::signal_window window_;
    std::vector<entry> entries_;
};

}  // namespace tradebot::pipeline
