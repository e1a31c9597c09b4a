#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/core/ids.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot/db/position_store.hpp"
#include "tradebot/db/records.hpp"

namespace tradebot::db {

// The positions table. Every write after the insert is a state transition guarded by the row's
// version (optimistic concurrency): a writer holding an old version gets errc::stale_version
// and must re-read, so two components can never overwrite each other's state.
class position_repository final : public position_store {
public:
    explicit position_repository(database& db);
    ~position_repository();
    position_repository(const position_repository&) = delete;
    position_repository& operator=(const position_repository&) = delete;

    // The pending_entry row; errc::already_live (which also answers is(unique_violation)) when the
    // symbol already has a live position of this mode on the venue (index
    // positions_one_live_per_symbol: rule 4 by construction, whatever the timing).
    [[nodiscard]] boost::asio::awaitable<result<std::int64_t>> create_pending(new_position p);
    // create_pending() and the entry order's journal row (`entry`, its position id left empty)
    // in one statement, one round trip: the rows exist before the order can be sent. The commit
    // does not wait for an fsync: the position id comes from a block reserved ahead with a
    // synchronous commit, so a crash that loses the rows can never hand the id, and with it the
    // client order id, out a second time (docs/ARCHITECTURE.md §4a).
    [[nodiscard]] boost::asio::awaitable<result<pending_entry>> create_pending_with_entry(
        new_position p, order_record entry) override;
    // A position found on the venue: its pending_entry row and the transition to `state` with
    // `u`, in one transaction (a cold start adopts hundreds), committed without waiting for an
    // fsync when the id comes from the reserve. Returns the id and the version.
    [[nodiscard]] boost::asio::awaitable<result<std::pair<std::int64_t, std::int32_t>>> create_found(
        new_position p, position_state state, position_update u) override;
    // Sets `state` and the given columns if the row is still at `expected_version`; returns the
    // new version.
    [[nodiscard]] boost::asio::awaitable<result<std::int32_t>> transition(std::int64_t id, std::int32_t expected_version,
                                                                          position_state state,
                                                                          position_update u) override;
    // Rows not closed or failed, oldest first.
    [[nodiscard]] boost::asio::awaitable<result<std::vector<position_record>>> load_live(core::mode mode) override;
    [[nodiscard]] boost::asio::awaitable<result<std::vector<position_record>>> find(std::int64_t id);
    // Realized PnL of the positions of `mode` closed at or after `since` (the daily loss limit).
    [[nodiscard]] boost::asio::awaitable<result<core::decimal>> realized_pnl_since(time_point since, core::mode mode);
    // Live positions of `mode` per venue (the per-exchange position limit); venues without any
    // are absent.
    [[nodiscard]] boost::asio::awaitable<result<std::map<core::exchange_id, std::int64_t>>> count_live_by_exchange(
        core::mode mode);
    // Changes whenever this repository writes a close or a realized PnL: a reader that saw the
    // same value before knows its realized_pnl_since() answer still holds for this process's writes.
    [[nodiscard]] std::uint64_t pnl_generation() const noexcept { return pnl_generation_.load(); }
    // Reserves the next block of position ids in the background unless enough are left; an
    // entry that finds none reserves them itself. Call at start so the first entry does not.
    void reserve_ids_ahead();
    // Ids reserved and not yet used (tests; the DB thread may be changing it).
    [[nodiscard]] std::size_t reserved_ids() const noexcept;

private:
    struct id_reserve;

    database& db_;
    std::atomic<std::uint64_t> pnl_generation_{0};
    std::shared_ptr<id_reserve> ids_;  // shared with the background top-up job
};

}  // namespace tradebot::db
