#pragma once

#include <boost/asio/awaitable.hpp>

#include "tradebot/db/errc.hpp"
#include "tradebot/db/records.hpp"

namespace tradebot::db {

// Where the trading core writes fills. trade_repository keeps them in PostgreSQL (trades); the
// trading core's unit tests keep them in memory. The same fill reported twice (stream and
// replay) is one row: its natural key (exchange, mode, symbol, exchange_trade_id) decides.
class trade_store {
public:
    virtual ~trade_store() = default;
    // true when the fill was new, false when it was already recorded.
    [[nodiscard]] virtual boost::asio::awaitable<result<bool>> insert_fill(trade_record t) = 0;

protected:
    trade_store() = default;
    trade_store(const trade_store&) = default;
    trade_store& operator=(const trade_store&) = default;
};

}  // namespace tradebot::db
