#pragma once

#include <cstdint>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/db/database.hpp"
#include "tradebot/db/records.hpp"

namespace tradebot::db {

// The order journal (DESIGN.md §4): a row exists before its request leaves, and its client order
// id is derived from durable state (position, purpose, attempt), so that after a crash or a
// timeout the order is found on the venue by that id instead of being sent again.
//
// The insert runs with synchronous_commit off: it is on the signal -> order path, and an fsync
// there would cost ~0.6 ms. A crash can lose the last commits, but then the request was (at
// most) just sent with an id that the restart derives again from the position row and looks up
// on the venue; the reconcile pass adopts anything the journal lost (docs/ARCHITECTURE.md).
class order_journal {
public:
    struct journaled {
        std::int64_t id = 0;
        core::client_order_id client_id;
    };

    explicit order_journal(database& db) : db_{db} {}

    // Inserts `o` as pending with the next attempt number of (position, purpose) and the client
    // id made from it. `o.position_id` is required.
    [[nodiscard]] boost::asio::awaitable<result<journaled>> insert_next_attempt(order_record o);
    [[nodiscard]] boost::asio::awaitable<result<void>> update(std::int64_t id, order_update u);
    // Orders whose outcome the venue has not confirmed (pending, sent, unknown) for `mode`.
    [[nodiscard]] boost::asio::awaitable<result<std::vector<order_record>>> unresolved(core::mode mode);
    [[nodiscard]] boost::asio::awaitable<result<std::vector<order_record>>> for_position(std::int64_t position_id);

private:
    database& db_;
};

}  // namespace tradebot::db
