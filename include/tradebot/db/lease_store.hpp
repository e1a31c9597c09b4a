#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "tradebot/db/errc.hpp"

namespace tradebot::db {

// What one acquire attempt saw of the lease row.
struct lease_view {
    bool held = false;               // true: this caller holds it now, with `token`
    std::int64_t token = 0;          // the fencing token (ours when held, else the current holder's)
    std::string holder;              // who holds it (empty: nobody ever did)
    std::int64_t expires_in_ms = 0;  // by the database's clock; <= 0: expired
};

// The instance lease as app::lease_keeper uses it: instance_lease in PostgreSQL, an in-memory
// one in the keeper's unit tests.
class lease_store {
public:
    virtual ~lease_store() = default;

    // Takes `scope` for `holder` when it is free or expired (a new token), else reports the holder.
    [[nodiscard]] virtual boost::asio::awaitable<result<lease_view>> acquire(std::string scope, std::string holder,
                                                                             std::chrono::milliseconds duration) = 0;
    // Extends the lease while (holder, token) is still its; false: it is not (lost).
    [[nodiscard]] virtual boost::asio::awaitable<result<bool>> renew(std::string scope, std::string holder,
                                                                     std::int64_t token,
                                                                     std::chrono::milliseconds duration) = 0;
    // Expires the lease now (the token stays).
    [[nodiscard]] virtual boost::asio::awaitable<result<bool>> release(std::string scope, std::string holder,
                                                                       std::int64_t token) = 0;
};

}  // namespace tradebot::db
