#include "tradebot/db/listener.hpp"

#include <atomic>
#include <optional>
#include <utility>
#include <variant>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <libpq-fe.h>

#include "tradebot/net/backoff.hpp"
#include "tradebot/db/connection_url.hpp"

namespace tradebot::db {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

std::string_view to_string(listener_state s) noexcept {
    switch (s) {
        case listener_state::connecting: return "connecting";
        case listener_state::listening: return "listening";
        case listener_state::disconnected: return "disconnected";
        case listener_state::stopped: return "stopped";
    }
    return "unknown";
}

struct listener::impl : std::enable_shared_from_this<impl> {
    using wait_type = asio::posix::descriptor_base::wait_type;
    using clock = std::chrono::steady_clock;

    impl(asio::any_io_executor ex, listener_options opts, notification_handler notify, state_handler on_state_change)
        : strand{asio::make_strand(std::move(ex))},
          timer{strand},
          options{std::move(opts)},
          redacted_url{redact(options.url)},
          on_notify{std::move(notify)},
          on_state{std::move(on_state_change)},
          retry{options.reconnect_min, options.reconnect_max} {
        // A silently dead peer must end the wait on the socket, or the bot would never re-LISTEN.
        conninfo = with_default_param(options.url, "keepalives_idle", "30");
        conninfo = with_default_param(conninfo, "keepalives_interval", "10");
        conninfo = with_default_param(conninfo, "keepalives_count", "3");
        conninfo = with_default_param(conninfo, "application_name", "tradebot-listener");
    }

    ~impl() { close(); }
    impl(const impl&) = delete;
    impl& operator=(const impl&) = delete;

    asio::strand<asio::any_io_executor> strand;
    asio::steady_timer timer;
    listener_options options;
    std::string conninfo;
    std::string redacted_url;
    notification_handler on_notify;
    state_handler on_state;
    net::backoff retry;
    PGconn* conn = nullptr;
    // Wraps the libpq socket only for readiness waits; libpq owns the descriptor.
    std::optional<asio::posix::stream_descriptor> socket;
    std::string last_notice;
    bool stopped = false;
    bool started = false;
    std::atomic<listener_state> state{listener_state::disconnected};

    void set_state(listener_state s, std::string_view detail) {
        state.store(s);
        if (!stopped && on_state) {
            on_state(s, detail);
        }
    }

    [[nodiscard]] std::string libpq_error() const {
        std::string_view text = conn != nullptr ? PQerrorMessage(conn) : "no connection";
        while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
            text.remove_suffix(1);
        }
        std::string out = text.empty() ? std::string{"connection closed"} : std::string{text};
        if (!last_notice.empty()) {
            std::string_view notice = last_notice;
            while (!notice.empty() && (notice.back() == '\n' || notice.back() == ' ')) {
                notice.remove_suffix(1);
            }
            out += " (";
            out += notice;
            out += ')';
        }
        return out;
    }

    void release_socket() {
        if (socket) {
            (void)socket->release();
            socket.reset();
        }
    }

    void close() {
        release_socket();
        if (conn != nullptr) {
            PQfinish(conn);
            conn = nullptr;
        }
    }

    // Waits until libpq's socket is ready; returns an empty string, or why not.
    asio::awaitable<std::string> wait_socket(wait_type what, std::optional<clock::time_point> deadline,
                                             bool fresh_descriptor) {
        const int fd = PQsocket(conn);
        if (fd < 0) {
            co_return libpq_error();
        }
        // While connecting libpq may close and reopen its socket under the same number, which
        // silently drops an existing epoll registration; register again before each wait then.
        if (fresh_descriptor || !socket || socket->native_handle() != fd) {
            release_socket();
            socket.emplace(strand, fd);
        }
        boost::system::error_code ec;
        if (deadline) {
            timer.expires_at(*deadline);
            auto r = co_await (socket->async_wait(what, asio::as_tuple(asio::use_awaitable)) ||
                               timer.async_wait(asio::as_tuple(asio::use_awaitable)));
            if (stopped) {
                co_return "stopped";
            }
            if (r.index() == 1) {
                co_return "timed out";
            }
            ec = std::get<0>(std::get<0>(r));
        } else {
            std::tie(ec) = co_await socket->async_wait(what, asio::as_tuple(asio::use_awaitable));
        }
        if (stopped) {
            co_return "stopped";
        }
        co_return ec ? ec.message() : std::string{};
    }

    asio::awaitable<std::string> connect() {
        conn = PQconnectStart(conninfo.c_str());
        if (conn == nullptr) {
            co_return "out of memory";
        }
        if (PQstatus(conn) == CONNECTION_BAD) {
            co_return libpq_error();
        }
        // libpq prints server notices (e.g. "FATAL: terminating connection") to stderr by default;
        // keep the last one for the disconnect report instead.
        last_notice.clear();
        PQsetNoticeProcessor(
            conn, [](void* arg, const char* message) { static_cast<impl*>(arg)->last_notice = message; }, this);
        const auto deadline = clock::now() + options.connect_timeout;
        PostgresPollingStatusType poll = PGRES_POLLING_WRITING;
        while (poll != PGRES_POLLING_OK) {
            if (poll == PGRES_POLLING_FAILED) {
                co_return libpq_error();
            }
            const auto what = poll == PGRES_POLLING_READING ? wait_type::wait_read : wait_type::wait_write;
            if (auto err = co_await wait_socket(what, deadline, true); !err.empty()) {
                co_return err;
            }
            poll = PQconnectPoll(conn);
        }
        if (PQsetnonblocking(conn, 1) != 0) {
            co_return libpq_error();
        }
        co_return std::string{};
    }

    asio::awaitable<std::string> listen() {
        std::string sql;
        for (const auto& channel : options.channels) {
            char* quoted = PQescapeIdentifier(conn, channel.data(), channel.size());
            if (quoted == nullptr) {
                co_return libpq_error();
            }
            sql += "LISTEN ";
            sql += quoted;
            sql += ';';
            PQfreemem(quoted);
        }
        if (sql.empty()) {
            co_return std::string{};
        }
        if (PQsendQuery(conn, sql.c_str()) == 0) {
            co_return libpq_error();
        }
        const auto deadline = clock::now() + options.connect_timeout;
        int flushed = 0;
        while ((flushed = PQflush(conn)) == 1) {
            if (auto err = co_await wait_socket(wait_type::wait_write, deadline, false); !err.empty()) {
                co_return err;
            }
        }
        if (flushed < 0) {
            co_return libpq_error();
        }
        std::string failure;
        while (true) {
            while (PQisBusy(conn) != 0) {
                if (auto err = co_await wait_socket(wait_type::wait_read, deadline, false); !err.empty()) {
                    co_return err;
                }
                if (PQconsumeInput(conn) == 0) {
                    co_return libpq_error();
                }
            }
            PGresult* res = PQgetResult(conn);
            if (res == nullptr) {
                break;
            }
            if (PQresultStatus(res) != PGRES_COMMAND_OK && failure.empty()) {
                failure = PQresultErrorMessage(res);
            }
            PQclear(res);
        }
        co_return failure;
    }

    // Delivers notifications until the connection ends; returns why it ended.
    asio::awaitable<std::string> receive() {
        while (true) {
            while (PGnotify* n = PQnotifies(conn)) {
                notification note{n->relname, n->extra != nullptr ? n->extra : "", n->be_pid};
                PQfreemem(n);
                if (!stopped && on_notify) {
                    on_notify(note);
                }
            }
            if (stopped) {
                co_return "stopped";
            }
            if (auto err = co_await wait_socket(wait_type::wait_read, std::nullopt, false); !err.empty()) {
                co_return err;
            }
            if (PQconsumeInput(conn) == 0 || PQstatus(conn) == CONNECTION_BAD) {
                co_return libpq_error();
            }
        }
    }

    asio::awaitable<void> run() {
        while (!stopped) {
            set_state(listener_state::connecting, redacted_url);
            std::string err = co_await connect();
            if (err.empty()) {
                err = co_await listen();
            }
            if (err.empty() && !stopped) {
                retry.reset();
                set_state(listener_state::listening, redacted_url);
                err = co_await receive();
            }
            close();
            if (stopped) {
                break;
            }
            const auto delay = retry.next();
            set_state(listener_state::disconnected,
                      fmt::format("{}: {} (retry in {} ms)", redacted_url, err, delay.count()));
            timer.expires_after(delay);
            (void)co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        }
        state.store(listener_state::stopped);
    }
};

listener::listener(asio::any_io_executor ex, listener_options options, notification_handler on_notify,
                   state_handler on_state)
    : impl_{std::make_shared<impl>(std::move(ex), std::move(options), std::move(on_notify), std::move(on_state))} {}

listener::~listener() { stop(); }

void listener::start() {
    asio::post(impl_->strand, [self = impl_] {
        if (self->started || self->stopped) {
            return;
        }
        self->started = true;
        asio::co_spawn(
            self->strand, [self] { return self->run(); },
            [self](const std::exception_ptr& ep) {
                self->close();
                if (ep && !self->stopped) {
                    // Only allocation failures can get here; report instead of dying silently.
                    try {
                        std::rethrow_exception(ep);
                    } catch (const std::exception& e) {
                        self->set_state(listener_state::stopped, e.what());
                    } catch (...) {
                        self->set_state(listener_state::stopped, "unknown exception");
                    }
                }
                self->state.store(listener_state::stopped);
            });
    });
}

void listener::stop() {
    asio::post(impl_->strand, [self = impl_] {
        self->stopped = true;
        self->state.store(listener_state::stopped);
        self->timer.cancel();
        if (self->socket) {
            self->socket->cancel();
        }
        if (!self->started) {
            self->close();
        }
    });
}

listener_state listener::state() const noexcept { return impl_->state.load(); }

}  // namespace tradebot::db
