#include "tradebot/db/database.hpp"

#include <stdexcept>

#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <pqxx/pqxx>

#include "tradebot/net/backoff.hpp"
#include "tradebot/db/connection_url.hpp"

namespace tradebot::db {

namespace asio = boost::asio;

std::string_view to_string(connection_state s) noexcept {
    switch (s) {
        case connection_state::disconnected: return "disconnected";
        case connection_state::connected: return "connected";
        case connection_state::stopped: return "stopped";
    }
    return "unknown";
}

struct database::db_state {
    db_state(asio::thread_pool& pool, net::backoff b) : retry_timer{pool.get_executor()}, retry{b} {}

    std::unique_ptr<pqxx::connection> conn;
    asio::steady_timer retry_timer;
    net::backoff retry;
    bool retry_pending = false;
    bool closed = false;
    std::string last_error;
    std::vector<std::pair<std::string, std::string>> session;  // set_session(), reapplied on connect
};

database::database(database_options options, state_handler on_state)
    : options_{std::move(options)}, redacted_url_{redact(options_.url)}, on_state_{std::move(on_state)} {
    if (!is_valid_identifier(options_.schema)) {
        throw std::invalid_argument("invalid database schema name: '" + options_.schema + "'");
    }
    conninfo_ = with_default_param(options_.url, "connect_timeout", std::to_string(options_.connect_timeout.count()));
    conninfo_ = with_default_param(conninfo_, "application_name", options_.application_name);
    // A silently dead peer (NAT drop, cable) must surface as an error, not a query that hangs forever.
    conninfo_ = with_default_param(conninfo_, "keepalives_idle", "30");
    conninfo_ = with_default_param(conninfo_, "keepalives_interval", "10");
    conninfo_ = with_default_param(conninfo_, "keepalives_count", "3");
    db_ = std::make_unique<db_state>(pool_, net::backoff{options_.reconnect_min, options_.reconnect_max});
}

database::~database() { stop(); }

void database::start() {
    asio::post(pool_, [this] {
        if (!db_->closed && !db_->conn && !db_->retry_pending) {
            (void)acquire();
        }
    });
}

void database::stop() {
    if (stopped_.exchange(true)) {
        return;
    }
    asio::post(pool_, [this] {
        db_->closed = true;
        db_->retry_timer.cancel();
        db_->conn.reset();
        state_.store(connection_state::stopped);
        if (on_state_) {
            on_state_(connection_state::stopped, "stopped");
        }
    });
    pool_.join();
}

result<pqxx::connection_base*> database::acquire() {
    auto& s = *db_;
    if (s.closed) {
        return error{errc::shutting_down, "database stopped"};
    }
    if (s.conn && s.conn->is_open()) {
        return s.conn.get();
    }
    if (s.conn) {
        // Broken since the last job (e.g. the server restarted between statements).
        s.conn.reset();
        s.retry.reset();
    }
    if (s.retry_pending) {
        return error{errc::connect_failed, "not connected (reconnecting): " + s.last_error};
    }
    try {
        auto conn = std::make_unique<pqxx::connection>(conninfo_);
        pqxx::nontransaction setup{*conn};
        setup.exec("SET search_path TO \"" + options_.schema + "\"");
        setup.exec("SET statement_timeout = " + std::to_string(options_.statement_timeout.count()));
        setup.commit();
        apply_session(*conn);
        s.conn = std::move(conn);
        s.retry.reset();
        s.last_error.clear();
        state_.store(connection_state::connected);
        if (on_state_) {
            on_state_(connection_state::connected, redacted_url_);
        }
        return s.conn.get();
    } catch (...) {
        error e = detail::current_exception_to_error();
        e.code = make_error_code(errc::connect_failed);
        s.last_error = e.message;
        const auto delay = s.retry.next();
        s.retry_pending = true;
        s.retry_timer.expires_after(delay);
        s.retry_timer.async_wait([this](const boost::system::error_code& ec) {
            if (ec || db_->closed) {
                return;
            }
            db_->retry_pending = false;
            (void)acquire();
        });
        state_.store(connection_state::disconnected);
        if (on_state_) {
            on_state_(connection_state::disconnected,
                      fmt::format("{}: {} (retry in {} ms)", redacted_url_, e.message, delay.count()));
        }
        return e;
    }
}

void database::set_session(std::vector<std::pair<std::string, std::string>> settings) {
    if (stopped_.load()) {
        return;
    }
    asio::post(pool_, [this, settings = std::move(settings)]() mutable {
        db_->session = std::move(settings);
        if (db_->conn && db_->conn->is_open()) {
            try {
                apply_session(*db_->conn);
            } catch (...) {
                // The connection broke: the next connect applies the settings.
                job_failed();
            }
        }
    });
}

void database::apply_session(pqxx::connection_base& conn) {
    if (db_->session.empty()) {
        return;
    }
    pqxx::nontransaction tx{conn};
    for (const auto& [name, value] : db_->session) {
        tx.exec_params("SELECT set_config($1, $2, false)", name, value);
    }
    tx.commit();
}

void database::job_error(const error& e) {
    if (e.is(errc::lease_lost) && on_lease_lost_) {
        on_lease_lost_();
    }
}

void database::job_failed() {
    auto& s = *db_;
    if (!s.conn || s.conn->is_open()) {
        return;
    }
    s.conn.reset();
    s.retry.reset();
    state_.store(connection_state::disconnected);
    if (on_state_) {
        on_state_(connection_state::disconnected, "connection lost");
    }
    // Reconnect now, in the background of the failed job, so the next caller finds a connection.
    (void)acquire();
}

asio::awaitable<result<std::vector<applied_migration>>> database::migrate() {
    return migrate(embedded_migrations());
}

asio::awaitable<result<std::vector<applied_migration>>> database::migrate(std::span<const migration> set) {
    // A named closure: GCC 12 destroys capturing closures created inside a co_await expression
    // twice (see database::run).
    auto job = [schema = options_.schema, set](pqxx::connection_base& conn) {
        return apply_migrations(conn, schema, set);
    };
    auto r = co_await run(std::move(job));
    if (!r) {
        co_return result<std::vector<applied_migration>>{boost::system::in_place_error, r.error()};
    }
    co_return std::move(*r);
}

}  // namespace tradebot::db
