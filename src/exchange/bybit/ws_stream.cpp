#include "exchange/bybit/ws_stream.hpp"

#include <boost/asio/io_context.hpp>

namespace tradebot::exchange::bybit {

ws_stream::ws_stream(boost::asio::io_context& io, const net::ws_client_options& options,
                     std::chrono::milliseconds ping_every)
    : ping_interval{ping_every}, ping_timer{io}, ws{std::make_unique<net::ws_client>(io, options)} {}

void ws_stream::start() {
    ws->start();
    schedule_ping();
}

void ws_stream::stop() {
    stopped = true;
    ping_timer.cancel();
    if (ws) {
        ws->stop();
    }
}

void ws_stream::close() {
    stop();
    ws.reset();
}

void ws_stream::schedule_ping() {
    ping_timer.expires_after(ping_interval);
    ping_timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
        auto self = weak.lock();
        if (ec || !self || self->stopped) {
            return;
        }
        if (self->ws->state() == net::ws_state::connected) {
            self->ws->send(R"({"req_id":"ping","op":"ping"})");
        }
        self->schedule_ping();
    });
}

void report_down(const stream_session& session, net::ws_state s, const boost::system::error_code& ec, bool was_up) {
    if (was_up) {
        session.count_reconnect();
    }
    session.report(down_status(s), ec ? ec.message() : std::string{net::to_string(s)});
}

}  // namespace tradebot::exchange::bybit
