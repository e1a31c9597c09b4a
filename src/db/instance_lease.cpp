#include "tradebot/db/instance_lease.hpp"

#include "tradebot/db/transaction.hpp"

namespace tradebot::db {

boost::asio::awaitable<result<lease_view>> instance_lease::acquire(std::string scope, std::string holder,
                                                                   std::chrono::milliseconds duration) {
    auto job = [scope = std::move(scope), holder = std::move(holder), ms = duration.count()](pqxx::nontransaction& tx) {
        // A plain UPDATE for an existing row (it locks nothing when the lease is live, so a
        // standby's polls never wait behind the holder's fenced writes), an INSERT for the first
        // acquisition. Both CTEs see one snapshot; of two standbys the second waits on the row
        // lock, re-reads the row and finds it live.
        const auto r = tx.exec_params(
            "WITH taken AS (UPDATE instance_lease SET holder = $2, fencing_token = fencing_token + 1, "
            "acquired_at = now(), renewed_at = now(), expires_at = now() + $3 * interval '1 millisecond' "
            "WHERE name = $1 AND expires_at <= now() RETURNING fencing_token, holder, expires_at), "
            "created AS (INSERT INTO instance_lease (name, holder, fencing_token, expires_at) "
            "SELECT $1, $2, 1, now() + $3 * interval '1 millisecond' "
            "WHERE NOT EXISTS (SELECT 1 FROM instance_lease WHERE name = $1) "
            "ON CONFLICT (name) DO NOTHING RETURNING fencing_token, holder, expires_at) "
            "SELECT held, fencing_token, holder, (extract(epoch FROM expires_at - now()) * 1000)::bigint FROM ("
            "SELECT true AS held, fencing_token, holder, expires_at FROM taken UNION ALL "
            "SELECT true, fencing_token, holder, expires_at FROM created UNION ALL "
            "SELECT false, fencing_token, holder, expires_at FROM instance_lease WHERE name = $1 "
            "AND NOT EXISTS (SELECT 1 FROM taken) AND NOT EXISTS (SELECT 1 FROM created)) AS seen",
            scope, holder, ms);
        lease_view v;
        if (r.empty()) {
            return v;  // lost an INSERT race: the other inserter's row is visible next time
        }
        v.held = r[0][0].as<bool>();
        v.token = r[0][1].as<std::int64_t>();
        v.holder = r[0][2].as<std::string>();
        v.expires_in_ms = r[0][3].as<std::int64_t>();
        return v;
    };
    auto view = co_await execute(db_, std::move(job));
    co_return view;
}

boost::asio::awaitable<result<bool>> instance_lease::renew(std::string scope, std::string holder, std::int64_t token,
                                                           std::chrono::milliseconds duration) {
    auto job = [scope = std::move(scope), holder = std::move(holder), token, ms = duration.count()](
                   pqxx::nontransaction& tx) {
        // No "not expired yet" condition: while the token is unchanged nobody else took the lease.
        const auto r = tx.exec_params(
            "UPDATE instance_lease SET renewed_at = now(), expires_at = now() + $4 * interval '1 millisecond' "
            "WHERE name = $1 AND holder = $2 AND fencing_token = $3 RETURNING 1",
            scope, holder, token, ms);
        return !r.empty();
    };
    auto renewed = co_await execute(db_, std::move(job));
    co_return renewed;
}

boost::asio::awaitable<result<bool>> instance_lease::release(std::string scope, std::string holder,
                                                             std::int64_t token) {
    auto job = [scope = std::move(scope), holder = std::move(holder), token](pqxx::nontransaction& tx) {
        const auto r = tx.exec_params(
            "UPDATE instance_lease SET expires_at = now() WHERE name = $1 AND holder = $2 AND fencing_token = $3 "
            "RETURNING 1",
            scope, holder, token);
        return !r.empty();
    };
    auto released = co_await execute(db_, std::move(job));
    co_return released;
}

std::vector<std::pair<std::string, std::string>> instance_lease::fence(const std::string& scope,
                                                                       const std::string& holder,
                                                                       std::int64_t token) {
    return {{"tradebot.lease_scope", scope}, {"tradebot.lease_holder", holder},
            {"tradebot.lease_token", std::to_string(token)}};
}

}  // namespace tradebot::db
