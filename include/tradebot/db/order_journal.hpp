#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/db/database.hpp"
#include "tradebot/db/order_store.hpp"
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
class order_journal final : public order_store {
public:
    explicit order_journal(database& db) : db_{db} {}

    // Inserts `o` as pending with the client id and attempt it carries (o.client_order_id must be
    // set, e.g. from next_attempt()); returns the row id. errc::unique_violation when that client
    // id is already journaled: the caller must look that order up, not send it again.
    [[nodiscard]] boost::asio::awaitable<result<std::int64_t>> insert_pending(order_record o);
    // The attempt number the next order of (position, purpose) gets: max(attempt) + 1, 0 if none.
    [[nodiscard]] boost::asio::awaitable<result<int>> next_attempt(std::int64_t position_id,
                                                                   core::order_purpose purpose);

    // Inserts `o` as pending with the next attempt number of (position, purpose) and the client
    // id made from it. `o.position_id` is required. Attempts made without the journal
    // (db::order_store::first_offline_attempt and up) are not counted.
    [[nodiscard]] boost::asio::awaitable<result<journaled>> insert_next_attempt(order_record o) override;
    // Applies a REST answer to row `id`, by the same forward-only rule as update_from_venue: a
    // stream report that arrived first is not overwritten.
    [[nodiscard]] boost::asio::awaitable<result<void>> update(std::int64_t id, order_update u) override;
    // The request has left: pending -> sent and sent_at, once. A venue report that arrived first
    // keeps its status. false when there is no such row.
    [[nodiscard]] boost::asio::awaitable<result<bool>> mark_sent(std::int64_t id);
    // Applies a venue answer or stream report to the order with that client id. Reports arrive
    // out of order (REST answer vs stream), so the row only moves forward: pending < sent <
    // unknown < new < partially_filled < triggered < a terminal status (filled, canceled,
    // rejected, expired), which is final; filled_qty never decreases. nullopt when the client id
    // is not journaled (an order this bot did not make, or a lost journal row).
    [[nodiscard]] boost::asio::awaitable<result<std::optional<venue_result>>> update_from_venue(
        std::string client_order_id, order_update u) override;
    [[nodiscard]] boost::asio::awaitable<result<std::optional<order_record>>> find_by_client_id(
        std::string client_order_id) override;
    [[nodiscard]] boost::asio::awaitable<result<std::int64_t>> insert_known(order_record o) override;
    // Orders of the position the venue may still act on: pending, sent, unknown, new,
    // partially_filled (not triggered: that stop has fired), oldest first.
    [[nodiscard]] boost::asio::awaitable<result<std::vector<order_record>>> open_for_position(
        std::int64_t position_id);
    // Orders whose outcome the venue has not confirmed (pending, sent, unknown) for `mode`.
    [[nodiscard]] boost::asio::awaitable<result<std::vector<order_record>>> unresolved(core::mode mode);
    [[nodiscard]] boost::asio::awaitable<result<std::vector<order_record>>> for_position(std::int64_t position_id);
    // Ends the position's open stop and trailing rows (all but `keep`) with `status` (terminal)
    // and `why`: for stops the venue reports without our client id (a Bybit position stop), and
    // for one found missing. Returns how many rows it ended.
    [[nodiscard]] boost::asio::awaitable<result<int>> end_open_stops(std::int64_t position_id, order_status status,
                                                                     std::string why,
                                                                     std::optional<std::int64_t> keep) override;

private:
    database& db_;
};

}  // namespace tradebot::db
