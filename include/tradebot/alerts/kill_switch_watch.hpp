#pragma once

#include <filesystem>
#include <functional>
#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "tradebot/alerts/alert.hpp"
#include "tradebot/core/clock.hpp"

namespace tradebot::alerts {

// The webhook notifier's watch on the kill-switch file after a kill_switch alert: once a second it
// asks whether the switch is still on, on a thread of its own (the question looks at the file
// system, never on the io_context), and the first "off" gives the alert's resolution. Runs on the
// notifier's strand.
class kill_switch_watch {
public:
    using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;

    kill_switch_watch(strand_type strand, const core::clock& clock, std::function<void(alert)> cleared);
    ~kill_switch_watch();
    kill_switch_watch(const kill_switch_watch&) = delete;
    kill_switch_watch& operator=(const kill_switch_watch&) = delete;

    // `active` says whether the switch in `file` is on. Until this is called, arm() does nothing.
    void watch(std::filesystem::path file, std::function<bool()> active);
    // Strand only: the switch was turned on; it is looked at from a second on until it is off.
    void arm();
    // Strand only: no more looks (shutdown).
    void close();

private:
    boost::asio::awaitable<void> check();

    strand_type strand_;
    const core::clock& clock_;
    std::function<void(alert)> cleared_;
    std::filesystem::path file_;
    std::function<bool()> active_;  // null until watch()
    std::unique_ptr<boost::asio::thread_pool> files_;  // runs active_, once it is set
    boost::asio::steady_timer timer_;
    bool watching_ = false;
    bool closing_ = false;
};

}  // namespace tradebot::alerts
