#pragma once

// Only the modules that write SQL include this header: it pulls in libpqxx.

#include <concepts>
#include <type_traits>
#include <utility>

#include <pqxx/pqxx>

#include "tradebot/db/database.hpp"

namespace tradebot::db {

template <class F, class Tx = pqxx::work>
using transact_value_t = std::invoke_result_t<F&, Tx&>;

namespace detail {
template <class Tx, class F>
[[nodiscard]] auto run_in(database& db, F&& f) -> boost::asio::awaitable<result<transact_value_t<std::decay_t<F>, Tx>>> {
    using value_type = transact_value_t<std::decay_t<F>, Tx>;
    return db.run([fn = std::decay_t<F>{std::forward<F>(f)}](pqxx::connection_base& conn) mutable -> value_type {
        Tx tx{conn};
        if constexpr (std::is_void_v<value_type>) {
            fn(tx);
            tx.commit();
        } else {
            auto value = fn(tx);
            tx.commit();
            return value;
        }
    });
}
}  // namespace detail

// Runs f(pqxx::work&) in one read-committed transaction on the DB thread and commits when f
// returns; an exception from f (or from the commit) rolls back and comes back as a db::error.
// A serialization failure or deadlock is returned, not retried: only the caller knows whether
// its own side effects allow running f again.
// Name capturing closures before co_await, as explained at database::run.
template <class F>
    requires std::invocable<std::decay_t<F>&, pqxx::work&>
[[nodiscard]] auto transact(database& db, F&& f) {
    return detail::run_in<pqxx::work>(db, std::forward<F>(f));
}

// For f that issues exactly one statement, which PostgreSQL runs atomically by itself (an
// INSERT/UPDATE ... RETURNING, a SELECT): no BEGIN and COMMIT around it, so one round trip to
// the server instead of three. The hot paths (signal claim, position row, order journal) use it.
template <class F>
    requires std::invocable<std::decay_t<F>&, pqxx::nontransaction&>
[[nodiscard]] auto execute(database& db, F&& f) {
    return detail::run_in<pqxx::nontransaction>(db, std::forward<F>(f));
}

}  // namespace tradebot::db
