#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/core/ids.hpp"
#include "tradebot/db/errc.hpp"
#include "tradebot/db/records.hpp"

namespace tradebot::db {

// The positions as the trading core writes and reads them. position_repository keeps them in
// PostgreSQL; the trading core's unit tests use an in-memory store with the same contract:
//   - at most one live (not closed, not failed) position per venue, symbol and mode: a second
//     create answers errc::already_live;
//   - every write after the create is a transition guarded by the row's version: a writer with
//     an old version gets errc::stale_version and nothing changes.
class position_store {
public:
    struct pending_entry {
        std::int64_t position_id = 0;
        std::int64_t journal_id = 0;  // the entry order's orders row (status pending, attempt 0)
        core::client_order_id client_id;
    };

    virtual ~position_store() = default;

    // The pending_entry row and the entry order's journal row (`entry`, its position id left
    // empty), together: the rows exist before the order can be sent.
    [[nodiscard]] virtual boost::asio::awaitable<result<pending_entry>> create_pending_with_entry(
        new_position p, order_record entry) = 0;
    // A position found on the venue: its row, moved to `state` with `u`. Returns id and version.
    [[nodiscard]] virtual boost::asio::awaitable<result<std::pair<std::int64_t, std::int32_t>>> create_found(
        new_position p, position_state state, position_update u) = 0;
    // Sets `state` and the given columns if the row is still at `expected_version`; returns the
    // new version.
    [[nodiscard]] virtual boost::asio::awaitable<result<std::int32_t>> transition(std::int64_t id,
                                                                                  std::int32_t expected_version,
                                                                                  position_state state,
                                                                                  position_update u) = 0;
    // Rows not closed or failed, oldest first.
    [[nodiscard]] virtual boost::asio::awaitable<result<std::vector<position_record>>> load_live(core::mode mode) = 0;

protected:
    position_store() = default;
    position_store(const position_store&) = default;
    position_store& operator=(const position_store&) = default;
};

}  // namespace tradebot::db
