#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/db/database.hpp"
#include "tradebot/db/lease_store.hpp"

namespace tradebot::db {

// The instance_lease table (migrations 0001, 0003): one row per scope, its holder, a fencing
// token incremented on every acquisition and an expiry by the database's clock. Every operation
// is one statement. The row is never deleted, so a token is never handed out twice.
class instance_lease final : public lease_store {
public:
    explicit instance_lease(database& db) : db_{db} {}

    // Takes `scope` for `holder` when the row is missing or expired (the token goes up by one),
    // else reports the holder; `duration` from the database's now().
    [[nodiscard]] boost::asio::awaitable<result<lease_view>> acquire(std::string scope, std::string holder,
                                                                     std::chrono::milliseconds duration) override;
    // Extends the lease while (holder, token) is still the row's; false: it is not (lost).
    [[nodiscard]] boost::asio::awaitable<result<bool>> renew(std::string scope, std::string holder,
                                                             std::int64_t token, std::chrono::milliseconds duration) override;
    // Expires the lease now (the token stays), so a standby takes it at once.
    [[nodiscard]] boost::asio::awaitable<result<bool>> release(std::string scope, std::string holder,
                                                               std::int64_t token) override;

    // The session settings that make a connection's writes carry (scope, holder, token): give
    // them to database::set_session of the connection that writes the trading tables. Token 0
    // is never granted, so it fences every write (a standby's).
    [[nodiscard]] static std::vector<std::pair<std::string, std::string>> fence(const std::string& scope,
                                                                                const std::string& holder,
                                                                                std::int64_t token);

private:
    database& db_;
};

}  // namespace tradebot::db
