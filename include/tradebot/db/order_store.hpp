#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "tradebot/core/ids.hpp"
#include "tradebot/db/errc.hpp"
#include "tradebot/db/records.hpp"

namespace tradebot::db {

// The order journal as the trading core writes it. order_journal keeps it in PostgreSQL; the
// trading core's unit tests use an in-memory journal with the same contract:
//   - a client id is made from (position, purpose, attempt), the attempt counting up per
//     position and purpose, so it is derived from durable state and never handed out twice;
//   - a row only moves forward: pending < sent < unknown < new < partially_filled < triggered <
//     a terminal status (filled, canceled, rejected, expired), which is final; filled_qty never
//     decreases. A late REST answer cannot undo a stream report that overtook it.
class order_store {
public:
    // Attempts from here up are made in memory, without the journal (a protective stop or close
    // while the database is down, trading::journal_backlog); the journal counts its own attempts
    // below it, so the two never hand out the same client id.
    static constexpr std::uint16_t first_offline_attempt = 50000;

    struct journaled {
        std::int64_t id = 0;
        core::client_order_id client_id;
    };
    // What update_from_venue found: the row as stored afterwards, and whether the report moved it.
    struct venue_result {
        order_record order;
        bool applied = false;
    };

    virtual ~order_store() = default;

    // Inserts `o` as pending with the next attempt number of (position, purpose) and the client
    // id made from it. `o.position_id` is required.
    [[nodiscard]] virtual boost::asio::awaitable<result<journaled>> insert_next_attempt(order_record o) = 0;
    // The row of an order already sent under a client id made without the journal (while the
    // database was down, or a row the database lost): `o` as given (client_order_id, attempt,
    // status); returns the row id. errc::unique_violation when that client id is journaled.
    [[nodiscard]] virtual boost::asio::awaitable<result<std::int64_t>> insert_known(order_record o) = 0;
    // The row with that client id, if any.
    [[nodiscard]] virtual boost::asio::awaitable<result<std::optional<order_record>>> find_by_client_id(
        std::string client_order_id) = 0;
    // Applies a REST answer to row `id` (forward only).
    [[nodiscard]] virtual boost::asio::awaitable<result<void>> update(std::int64_t id, order_update u) = 0;
    // Applies a venue answer or stream report to the order with that client id (forward only);
    // nullopt when the client id is not journaled.
    [[nodiscard]] virtual boost::asio::awaitable<result<std::optional<venue_result>>> update_from_venue(
        std::string client_order_id, order_update u) = 0;
    // Ends the position's open stop and trailing rows (all but `keep`) with `status` (terminal)
    // and `why`; returns how many rows it ended.
    [[nodiscard]] virtual boost::asio::awaitable<result<int>> end_open_stops(
        std::int64_t position_id, order_status status, std::string why, std::optional<std::int64_t> keep) = 0;

protected:
    order_store() = default;
    order_store(const order_store&) = default;
    order_store& operator=(const order_store&) = default;
};

}  // namespace tradebot::db
