#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "tradebot/sim/wire/venue.hpp"

namespace tradebot::sim::server {

// The ws_peer the venue holds: a bounded queue of outgoing frames that the connection's writer
// drains (one write at a time). Everything runs on the simulator's single thread.
class ws_link final : public wire::ws_peer {
public:
    // `stalled` says whether frames are dropped right now; `wake` nudges the writer.
    ws_link(std::uint64_t id, std::string target, std::size_t queue_limit, std::function<bool()> stalled);

    [[nodiscard]] std::uint64_t id() const noexcept override { return id_; }
    [[nodiscard]] const std::string& target() const noexcept override { return target_; }
    void send(std::string text) override;
    void close(std::uint16_t code, std::string reason) override;

    void set_wake(std::function<void()> wake) { wake_ = std::move(wake); }
    // Writer side.
    [[nodiscard]] bool has_frame() const noexcept { return !queue_.empty(); }
    [[nodiscard]] std::string pop_frame();
    void drop_frames() noexcept;
    [[nodiscard]] bool overflowed() const noexcept { return overflowed_; }
    [[nodiscard]] const std::optional<std::pair<std::uint16_t, std::string>>& close_request() const noexcept {
        return close_request_;
    }
    // Set once the venue has been told ws_closed: the link takes nothing more.
    [[nodiscard]] bool dead() const noexcept { return dead_; }
    void mark_dead() noexcept;

private:
    void wake() const {
        if (wake_) {
            wake_();
        }
    }

    std::uint64_t id_;
    std::string target_;
    std::size_t queue_limit_;
    std::function<bool()> stalled_;
    std::function<void()> wake_;
    std::deque<std::string> queue_;
    std::size_t queued_bytes_ = 0;
    bool overflowed_ = false;
    bool dead_ = false;
    std::optional<std::pair<std::uint16_t, std::string>> close_request_;
};

}  // namespace tradebot::sim::server
