#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

namespace tradebot::db {

struct notification {
    std::string channel;
    std::string payload;
    int backend_pid = 0;
};

enum class listener_state : std::uint8_t { connecting, listening, disconnected, stopped };

[[nodiscard]] std::string_view to_string(listener_state s) noexcept;

struct listener_options {
    std::string url;                    // libpq URL or keyword string
    std::vector<std::string> channels;  // LISTEN targets, e.g. signals_channel("trading_bot")
    std::chrono::milliseconds reconnect_min{250};
    std::chrono::milliseconds reconnect_max{30'000};
    std::chrono::seconds connect_timeout{10};
};

// LISTEN on the io_context: a dedicated libpq connection (non-blocking connect, LISTEN, then
// waiting on its socket), so a NOTIFY wakes the bot without a DB-thread round trip. After a
// lost connection it reconnects with exponential backoff and LISTENs again; notifications sent
// while it was down are lost, so the state handler's `listening` after `disconnected` tells the
// consumer to re-poll. Handlers run on the listener's strand.
// Host names are resolved by libpq synchronously inside the connect start; configure an IP
// address (or a socket directory) to keep that off the io_context.
class listener {
public:
    using notification_handler = std::function<void(const notification&)>;
    using state_handler = std::function<void(listener_state, std::string_view detail)>;

    listener(boost::asio::any_io_executor ex, listener_options options, notification_handler on_notify,
             state_handler on_state = {});
    // Stops; destroy it on the io_context's thread or after the io_context stopped.
    ~listener();
    listener(const listener&) = delete;
    listener& operator=(const listener&) = delete;

    void start();
    // Closes the connection; no handler runs after the stop reached the strand.
    void stop();

    [[nodiscard]] listener_state state() const noexcept;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace tradebot::db
