#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "tradebot/net/http_server.hpp"

namespace tradebot::net {

// Who owns a connection's slot. The acceptor may take the slot back only while the connection
// waits on its client (idle between requests, or reading one): nothing has been done for the
// client yet, so closing costs it a reconnect at most. From the handler call to the end of the
// answer the slot is the connection's; those phases are bounded by write_timeout and a
// non-blocking handler. The connection's strand and the acceptor's strand race on this state,
// and a compare-exchange decides the race.
enum class slot_state : std::uint8_t { waiting, busy, reclaimed };

struct http_connection {
    using clock = std::chrono::steady_clock;

    http_connection(boost::asio::ip::tcp::socket socket, boost::asio::ip::address client_key, clock::time_point now)
        : stream(std::move(socket)), client(client_key), accepted_at(now), waiting_since(now) {}

    // On the connection's strand: the request is complete, the handler is about to run. False when
    // the acceptor has taken the slot; the connection must then close without answering.
    bool begin_work() {
        auto expected = slot_state::waiting;
        return state.compare_exchange_strong(expected, slot_state::busy);
    }
    // On the connection's strand: the answer is written and the connection waits for the next request.
    void end_work(clock::time_point now) {
        waiting_since.store(now, std::memory_order_relaxed);
        state.store(slot_state::waiting);
    }
    // On the acceptor's strand.
    bool try_reclaim() {
        auto expected = slot_state::waiting;
        return state.compare_exchange_strong(expected, slot_state::reclaimed);
    }

    boost::beast::tcp_stream stream;  // its executor is the connection's strand
    const boost::asio::ip::address client;
    const clock::time_point accepted_at;
    std::atomic<slot_state> state{slot_state::waiting};
    std::atomic<clock::time_point> waiting_since;
};

// Shared by the public object and every coroutine of the server, so that a coroutine still
// queued on the io_context never outlives the state it touches.
struct http_server::impl : std::enable_shared_from_this<http_server::impl> {
    impl(boost::asio::io_context& io, http_server_options opts, handler on_request);

    boost::asio::io_context& io_;
    const http_server_options options_;
    boost::asio::strand<boost::asio::io_context::executor_type> acceptor_strand_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::atomic<bool> stopped_{false};

    // The handler is cleared by ~http_server under the unique lock, so no call can start or be
    // running once the destructor has returned.
    mutable std::shared_mutex handler_mutex_;
    handler handler_;

    mutable std::mutex connections_mutex_;
    std::unordered_map<std::uint64_t, std::shared_ptr<http_connection>> connections_;
    std::unordered_map<boost::asio::ip::address, std::size_t> per_client_;  // slots held, by client key
    std::uint64_t next_connection_id_ = 0;
    http_endpoint local_endpoint_;  // written once by start(), under connections_mutex_

    std::atomic<std::uint64_t> accepted_{0};
    std::atomic<std::uint64_t> refused_{0};
    std::atomic<std::uint64_t> reclaimed_{0};
    std::atomic<std::uint64_t> header_timeouts_{0};
    std::atomic<std::uint64_t> client_limit_hits_{0};

    // Static, taking the owner by value, so the coroutine frame keeps the state alive.
    static boost::asio::awaitable<void> accept_loop(std::shared_ptr<impl> self);
    static boost::asio::awaitable<void> serve(std::shared_ptr<impl> self, std::uint64_t id,
                                              std::shared_ptr<http_connection> connection);
    [[nodiscard]] http_response call_handler(const http_request& request);
    // Under connections_mutex_: makes room for a connection from `client`. True when it may take a
    // slot; `victim` is then set if a waiting connection gave up its slot and must be closed.
    bool admit_locked(const boost::asio::ip::address& client, std::shared_ptr<http_connection>& victim);
    void erase_locked(std::uint64_t id);
    void close_all();
    void forget(std::uint64_t id);
};

}  // namespace tradebot::net
