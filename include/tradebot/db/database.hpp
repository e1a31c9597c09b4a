#pragma once

#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "tradebot/db/errc.hpp"
#include "tradebot/db/migrations.hpp"

namespace pqxx {
class connection_base;
}

namespace tradebot::db {

struct database_options {
    std::string url;  // libpq URL or keyword string; may hold the password, which is never logged
    std::string schema = "trading_bot";
    std::chrono::milliseconds reconnect_min{250};
    std::chrono::milliseconds reconnect_max{30'000};
    std::chrono::seconds connect_timeout{5};
    std::string application_name = "tradebot";
    // The session's statement_timeout, set on every (re)connect; 0: none. A statement that runs
    // longer is cancelled by the server and its job fails instead of holding the DB thread.
    std::chrono::milliseconds statement_timeout{0};
};

enum class connection_state : std::uint8_t { disconnected, connected, stopped };

[[nodiscard]] std::string_view to_string(connection_state s) noexcept;

namespace detail {
// Converts the exception in flight (pqxx or std) into a db::error; call only inside catch.
[[nodiscard]] error current_exception_to_error();

template <class F>
using run_value_t = std::invoke_result_t<F&, pqxx::connection_base&>;
}  // namespace detail

// The one PostgreSQL connection of the process, owned by a dedicated thread because libpqxx
// blocks. Work is handed over with run(); its result comes back on the awaiting coroutine's
// executor, so the io_context never waits on SQL. After a lost connection the DB thread
// reconnects on an asio timer with exponential backoff; until then run() fails fast with
// errc::connect_failed instead of queueing behind a dead server.
class database {
public:
    // Called on the DB thread on every connection state change; `detail` is the redacted reason.
    using state_handler = std::function<void(connection_state, std::string_view detail)>;

    explicit database(database_options options, state_handler on_state = {});
    ~database();
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    // Starts connecting in the background. run() before start() connects on first use.
    void start();
    // Closes the connection and joins the DB thread after the queued work. Later run() calls
    // complete with errc::shutting_down. Call it from outside the DB thread.
    void stop();

    // Session settings (set_config(name, value, false)) for this connection, applied before any
    // job queued after this call and again on every reconnect: the instance lease's fence
    // (tradebot.lease_scope, tradebot.lease_holder, tradebot.lease_token; migration 0003).
    void set_session(std::vector<std::pair<std::string, std::string>> settings);
    // Called on the DB thread whenever a job fails with errc::lease_lost (a fenced write was
    // refused). Set it before start().
    void on_lease_lost(std::function<void()> handler) { on_lease_lost_ = std::move(handler); }

    [[nodiscard]] connection_state state() const noexcept { return state_.load(); }
    [[nodiscard]] const std::string& schema() const noexcept { return options_.schema; }
    [[nodiscard]] const std::string& redacted_url() const noexcept { return redacted_url_; }

    // Runs f(pqxx::connection_base&) on the DB thread (search_path is the configured schema)
    // and resumes the caller on its own executor with the value f returned, or with the error
    // f threw (pqxx::sql_error and friends become a db::error; nothing is rethrown).
    //
    // GCC 12 destroys a closure (or any aggregate) with non-trivially destructible captures twice
    // when it is created as a temporary inside a co_await expression, so capture-by-value jobs
    // must be named first:
    //     auto job = [id, text = std::string{...}](pqxx::connection_base& c) { ... };
    //     auto r = co_await db.run(std::move(job));
    // Closures capturing only references, pointers and scalars are safe as temporaries.
    template <class F>
        requires std::invocable<std::decay_t<F>&, pqxx::connection_base&>
    [[nodiscard]] auto run(F&& f) -> boost::asio::awaitable<result<detail::run_value_t<std::decay_t<F>>>>;

    // Runs f(pqxx::connection_base&) on the DB thread after the work queued before it, with
    // nobody waiting for it: upkeep whose failure only means it is tried again later (dropped
    // after stop(); an exception from f is dropped too, after the usual connection check).
    template <class F>
        requires std::invocable<std::decay_t<F>&, pqxx::connection_base&>
    void post(F&& f) {
        if (stopped_.load()) {
            return;
        }
        boost::asio::post(pool_, [this, fn = std::decay_t<F>{std::forward<F>(f)}]() mutable {
            (void)execute<void>(fn);
        });
    }

    // Applies the embedded migrations (or `set`) to the configured schema; see apply_migrations.
    [[nodiscard]] boost::asio::awaitable<result<std::vector<applied_migration>>> migrate();
    [[nodiscard]] boost::asio::awaitable<result<std::vector<applied_migration>>> migrate(
        std::span<const migration> set);

private:
    // DB-thread side; defined in database.cpp where pqxx is complete.
    [[nodiscard]] result<pqxx::connection_base*> acquire();
    void job_failed();
    void job_error(const error& e);
    void apply_session(pqxx::connection_base& conn);

    template <class R, class F>
    result<R> execute(F& f);

    struct db_state;

    database_options options_;
    std::string redacted_url_;
    std::string conninfo_;
    state_handler on_state_;
    std::function<void()> on_lease_lost_;
    std::atomic<connection_state> state_{connection_state::disconnected};
    std::atomic<bool> stopped_{false};
    // Declared before db_ so that it is destroyed after it: db_state's retry timer belongs to the
    // pool's timer service and must be gone before the pool shuts that service down.
    boost::asio::thread_pool pool_{1};
    std::unique_ptr<db_state> db_;  // touched only on the DB thread
};

template <class R, class F>
result<R> database::execute(F& f) {
    auto conn = acquire();
    if (!conn) {
        return result<R>{boost::system::in_place_error, conn.error()};
    }
    try {
        if constexpr (std::is_void_v<R>) {
            f(**conn);
            return {};
        } else {
            return result<R>{boost::system::in_place_value, f(**conn)};
        }
    } catch (...) {
        error e = detail::current_exception_to_error();
        job_failed();
        job_error(e);
        return result<R>{boost::system::in_place_error, std::move(e)};
    }
}

template <class F>
    requires std::invocable<std::decay_t<F>&, pqxx::connection_base&>
auto database::run(F&& f) -> boost::asio::awaitable<result<detail::run_value_t<std::decay_t<F>>>> {
    using fn_type = std::decay_t<F>;
    using value_type = detail::run_value_t<fn_type>;
    static_assert(!std::is_reference_v<value_type>, "return values, not references into the DB thread");
    using result_type = result<value_type>;
    namespace asio = boost::asio;

    return asio::async_initiate<const asio::use_awaitable_t<>&, void(result_type)>(
        [this](auto handler, fn_type fn) {
            // Keeps the caller's io_context alive while the work sits on the DB thread.
            auto work = asio::make_work_guard(asio::get_associated_executor(handler));
            if (stopped_.load()) {
                auto ex = work.get_executor();
                asio::post(ex, [h = std::move(handler)]() mutable {
                    std::move(h)(
                        result_type{boost::system::in_place_error, error{errc::shutting_down, "database stopped"}});
                });
                return;
            }
            asio::post(pool_, [this, fn = std::move(fn), h = std::move(handler), w = std::move(work)]() mutable {
                result_type r = execute<value_type>(fn);
                auto ex = w.get_executor();
                asio::post(ex, [h2 = std::move(h), r2 = std::move(r)]() mutable { std::move(h2)(std::move(r2)); });
                w.reset();
            });
        },
        asio::use_awaitable, fn_type{std::forward<F>(f)});
}

}  // namespace tradebot::db
