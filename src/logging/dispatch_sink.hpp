#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include <spdlog/details/log_msg_buffer.h>
#include <spdlog/sinks/sink.h>

namespace tradebot::logging {

// The one sink every module logger writes to. It forwards to the configured target sinks either
// synchronously (before init() and after shutdown()) or through a bounded queue drained by one
// writer thread. Because loggers only ever see this sink, reconfiguring never invalidates a logger
// that a component already holds.
//
// When the queue is full the oldest waiting line is dropped and counted: a slow disk must never
// stall a strand that is placing orders.
class dispatch_sink final : public spdlog::sinks::sink {
public:
    explicit dispatch_sink(std::vector<spdlog::sink_ptr> targets);
    ~dispatch_sink() override;
    dispatch_sink(const dispatch_sink&) = delete;
    dispatch_sink& operator=(const dispatch_sink&) = delete;

    void log(const spdlog::details::log_msg& msg) override;
    // Synchronous mode flushes the targets; the writer thread flushes after every batch itself.
    void flush() override;
    // Formatting belongs to the target sinks.
    void set_pattern(const std::string&) override {}
    void set_formatter(std::unique_ptr<spdlog::formatter>) override {}

    // Drains and stops the current writer, then forwards to `targets`: through a writer thread
    // with a queue of `queue_size` lines, or synchronously when `queue_size` is 0.
    void configure(std::vector<spdlog::sink_ptr> targets, std::size_t queue_size);

    [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

private:
    void run();
    void stop_writer();
    static void write(const std::vector<spdlog::sink_ptr>& targets, const spdlog::details::log_msg& msg) noexcept;
    static void flush_all(const std::vector<spdlog::sink_ptr>& targets) noexcept;

    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<spdlog::sink_ptr> targets_;
    std::deque<spdlog::details::log_msg_buffer> queue_;
    std::size_t capacity_ = 0;  // 0: synchronous
    bool stopping_ = false;
    std::thread writer_;
    std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace tradebot::logging
