#include "logging/dispatch_sink.hpp"

#include <cstdio>
#include <exception>

namespace tradebot::logging {

dispatch_sink::dispatch_sink(std::vector<spdlog::sink_ptr> targets) : targets_{std::move(targets)} {}

dispatch_sink::~dispatch_sink() { stop_writer(); }

void dispatch_sink::log(const spdlog::details::log_msg& msg) {
    std::unique_lock lock{mutex_};
    if (capacity_ == 0) {
        write(targets_, msg);
        return;
    }
    if (queue_.size() >= capacity_) {
        queue_.pop_front();
        dropped_.fetch_add(1, std::memory_order_relaxed);
    }
    queue_.emplace_back(msg);
    lock.unlock();
    wake_.notify_one();
}

void dispatch_sink::flush() {
    const std::lock_guard lock{mutex_};
    if (capacity_ == 0) {
        flush_all(targets_);
    }
}

void dispatch_sink::configure(std::vector<spdlog::sink_ptr> targets, std::size_t queue_size) {
    stop_writer();
    const std::lock_guard lock{mutex_};
    targets_ = std::move(targets);
    capacity_ = queue_size;
    stopping_ = false;
    if (capacity_ > 0) {
        writer_ = std::thread{[this] { run(); }};
    }
}

void dispatch_sink::stop_writer() {
    {
        const std::lock_guard lock{mutex_};
        if (!writer_.joinable()) {
            return;
        }
        stopping_ = true;
    }
    wake_.notify_one();
    writer_.join();
    const std::lock_guard lock{mutex_};
    // Lines logged while the writer was finishing its last batch still go out, synchronously.
    for (const auto& msg : queue_) {
        write(targets_, msg);
    }
    queue_.clear();
    flush_all(targets_);
    capacity_ = 0;
}

void dispatch_sink::run() {
    std::unique_lock lock{mutex_};
    // targets_ only changes in configure(), after this thread has been joined.
    const auto& targets = targets_;
    while (true) {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) {
            return;
        }
        std::deque<spdlog::details::log_msg_buffer> batch;
        batch.swap(queue_);
        lock.unlock();
        for (const auto& msg : batch) {
            write(targets, msg);
        }
        flush_all(targets);
        lock.lock();
    }
}

void dispatch_sink::write(const std::vector<spdlog::sink_ptr>& targets, const spdlog::details::log_msg& msg) noexcept {
    for (const auto& sink : targets) {
        try {
            if (sink->should_log(msg.level)) {
                sink->log(msg);
            }
        } catch (const std::exception& e) {
            std::fprintf(stderr, "tradebot: log sink failed: %s\n", e.what());
        }
    }
}

void dispatch_sink::flush_all(const std::vector<spdlog::sink_ptr>& targets) noexcept {
    for (const auto& sink : targets) {
        try {
            sink->flush();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "tradebot: log flush failed: %s\n", e.what());
        }
    }
}

}  // namespace tradebot::logging
