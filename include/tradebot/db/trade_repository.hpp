#pragma once

#include <cstdint>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/db/database.hpp"
#include "tradebot/db/records.hpp"

namespace tradebot::db {

// The trades table (fills). The same fill arrives more than once (stream and REST, a replay
// after a reconnect); its natural key (exchange, mode, symbol, exchange_trade_id) keeps one row.
class trade_repository {
public:
    explicit trade_repository(database& db) : db_{db} {}

    // true when the fill was new, false when it was already recorded (nothing changes then).
    [[nodiscard]] boost::asio::awaitable<result<bool>> insert_fill(trade_record t);
    // Fills of the position, in time order.
    [[nodiscard]] boost::asio::awaitable<result<std::vector<trade_record>>> for_position(std::int64_t position_id);

private:
    database& db_;
};

}  // namespace tradebot::db
