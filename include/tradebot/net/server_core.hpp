#pragma once

// The part of an HTTP server that does not speak HTTP: the acceptor and its loop, the registry of
// open connections with their slots (max_connections, the per-client cap, reclaiming a waiting
// slot), the counters, and a stop that closes everything. net::http_server (the monitoring
// server) and sim::server::listener (the simulator's venues) derive from it and say, in
// serve_connection(), what a connection does; tradebot/net/http_session.hpp has the HTTP loop
// both run. Asio only; still, include it only from the servers' own sources, not from headers
// that many files include.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>

#include "tradebot/net/http_server.hpp"

namespace tradebot::net {

struct server_core_options {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;  // 0: the OS picks a free port
    // See http_server_options; SIZE_MAX for both turns slots off (the simulator).
    std::size_t max_connections = 64;
    std::size_t max_connections_per_client = 8;
    int backlog = 64;
};

// Who owns a connection's slot. The acceptor may take the slot back only while the connection
// waits on its client (idle between requests, or reading one): nothing has been done for the
// client yet, so closing costs it a reconnect at most. From the handler call to the end of the
// answer the slot is the connection's; those phases are bounded by write_timeout and a
// non-blocking handler. The connection's strand and the acceptor's strand race on this state,
// and a compare-exchange decides the race.
enum class slot_state : std::uint8_t { waiting, busy, reclaimed };

// One accepted connection as the core sees it. The socket itself belongs to the session
// coroutine, because the session may wrap it (TLS, WebSocket) and so move it between objects;
// the session says how to close it with set_abort().
class server_connection {
public:
    using clock = std::chrono::steady_clock;

    server_connection(std::uint64_t id, boost::asio::any_io_executor strand, boost::asio::ip::address client_key,
                      clock::time_point now)
        : id_(id), strand_(std::move(strand)), client_(client_key), accepted_at_(now), waiting_since_(now) {}

    [[nodiscard]] std::uint64_t id() const noexcept { return id_; }
    [[nodiscard]] const boost::asio::any_io_executor& strand() const noexcept { return strand_; }
    [[nodiscard]] const boost::asio::ip::address& client() const noexcept { return client_; }
    [[nodiscard]] clock::time_point accepted_at() const noexcept { return accepted_at_; }

    // On the connection's strand: the request is complete, the handler is about to run. False when
    // the acceptor has taken the slot; the connection must then close without answering.
    bool begin_work() {
        auto expected = slot_state::waiting;
        return state_.compare_exchange_strong(expected, slot_state::busy);
    }
    // On the connection's strand: the answer is written and the connection waits for the next request.
    void end_work(clock::time_point now) {
        waiting_since_.store(now, std::memory_order_relaxed);
        state_.store(slot_state::waiting);
    }
    // On the acceptor's strand.
    bool try_reclaim() {
        auto expected = slot_state::waiting;
        return state_.compare_exchange_strong(expected, slot_state::reclaimed);
    }
    [[nodiscard]] bool waiting() const noexcept { return state_.load() == slot_state::waiting; }
    [[nodiscard]] clock::time_point waiting_since() const noexcept {
        return waiting_since_.load(std::memory_order_relaxed);
    }

    // On the connection's strand only (set by the session, run by abort_on_strand), so a close
    // never meets a socket that is moving to another layer.
    void set_abort(std::function<void()> abort) { abort_ = std::move(abort); }
    void abort() const {
        if (abort_) {
            abort_();
        }
    }

private:
    const std::uint64_t id_;
    const boost::asio::any_io_executor strand_;
    const boost::asio::ip::address client_;
    const clock::time_point accepted_at_;
    std::atomic<slot_state> state_{slot_state::waiting};
    std::atomic<clock::time_point> waiting_since_;
    std::function<void()> abort_;
};

// Shared (std::shared_ptr) by its owner and every coroutine of the server, so that a coroutine
// still queued on the io_context never outlives the state it touches. Thread-safe: the acceptor
// runs on its own strand, each connection on its own.
class server_core : public std::enable_shared_from_this<server_core> {
public:
    server_core(boost::asio::io_context& io, server_core_options options);
    virtual ~server_core() = default;
    server_core(const server_core&) = delete;
    server_core& operator=(const server_core&) = delete;

    // Binds, listens and starts accepting. Fails with the bind/listen error (e.g. address in use).
    [[nodiscard]] boost::system::error_code start();
    // Closes the acceptor and every open connection. Idempotent; the closing happens on the
    // server's strands, so it completes once the io_context runs them.
    void stop();
    // Closes one connection (on its strand), if it is still open.
    void abort(std::uint64_t id);

    [[nodiscard]] bool stopped() const noexcept { return stopped_; }
    [[nodiscard]] http_endpoint local_endpoint() const;
    [[nodiscard]] std::uint16_t local_port() const noexcept { return local_port_; }
    [[nodiscard]] std::size_t connection_count() const;
    // `open` and every counter but header_timeouts, which the HTTP loop reports through
    // note_header_timeout().
    [[nodiscard]] http_server_stats stats() const;
    void note_header_timeout() noexcept { ++header_timeouts_; }

protected:
    // Runs on the connection's strand (the socket's executor) until the connection ends. The core
    // forgets the connection, and calls connection_closed(), when it returns.
    virtual boost::asio::awaitable<void> serve_connection(std::shared_ptr<server_connection> connection,
                                                          boost::asio::ip::tcp::socket socket) = 0;
    // On the connection's strand, after its session has ended (or its frame was destroyed).
    virtual void connection_closed(std::uint64_t /*id*/) {}

private:
    static boost::asio::awaitable<void> accept_loop(std::shared_ptr<server_core> self);
    static boost::asio::awaitable<void> run_session(std::shared_ptr<server_core> self,
                                                    std::shared_ptr<server_connection> connection,
                                                    boost::asio::ip::tcp::socket socket);
    // Under connections_mutex_: makes room for a connection from `client`. True when it may take a
    // slot; `victim` is then set if a waiting connection gave up its slot and must be closed.
    bool admit_locked(const boost::asio::ip::address& client, std::shared_ptr<server_connection>& victim);
    void erase_locked(std::uint64_t id);
    void forget(std::uint64_t id);

    boost::asio::io_context& io_;
    const server_core_options options_;
    boost::asio::strand<boost::asio::io_context::executor_type> acceptor_strand_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::atomic<bool> stopped_{false};

    mutable std::mutex connections_mutex_;
    std::unordered_map<std::uint64_t, std::shared_ptr<server_connection>> connections_;
    std::unordered_map<boost::asio::ip::address, std::size_t> per_client_;  // slots held, by client key
    std::uint64_t next_connection_id_ = 1;
    http_endpoint local_endpoint_;  // written once by start(), under connections_mutex_
    std::atomic<std::uint16_t> local_port_{0};

    std::atomic<std::uint64_t> accepted_{0};
    std::atomic<std::uint64_t> refused_{0};
    std::atomic<std::uint64_t> reclaimed_{0};
    std::atomic<std::uint64_t> header_timeouts_{0};
    std::atomic<std::uint64_t> client_limit_hits_{0};
};

}  // namespace tradebot::net
