#include "sim/server/ws_link.hpp"

namespace tradebot::sim::server {

ws_link::ws_link(std::uint64_t id, std::string target, std::size_t queue_limit, std::function<bool()> stalled)
    : id_{id}, target_{std::move(target)}, queue_limit_{queue_limit}, stalled_{std::move(stalled)} {}

void ws_link::send(std::string text) {
    if (dead_ || close_request_ || overflowed_ || (stalled_ && stalled_())) {
        return;  // a stalled stream loses its frames, as a frozen venue feed does
    }
    queued_bytes_ += text.size();
    queue_.push_back(std::move(text));
    if (queued_bytes_ > queue_limit_) {
        // The client does not read: drop it rather than grow without bound.
        overflowed_ = true;
        drop_frames();
    }
    wake();
}

void ws_link::close(std::uint16_t code, std::string reason) {
    if (dead_ || close_request_) {
        return;
    }
    close_request_.emplace(code, std::move(reason));
    wake();
}

std::string ws_link::pop_frame() {
    std::string frame = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= frame.size();
    return frame;
}

void ws_link::drop_frames() noexcept {
    queue_.clear();
    queued_bytes_ = 0;
}

void ws_link::mark_dead() noexcept {
    dead_ = true;
    drop_frames();
    wake();
}

}  // namespace tradebot::sim::server
