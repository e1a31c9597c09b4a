#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/core/clock.hpp"
#include "tradebot/db/errc.hpp"
#include "tradebot/db/records.hpp"
#include "tradebot/events/topic.hpp"
#include "tradebot/events/types.hpp"
#include "tradebot/trading/position_book.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::db {
class position_store;
class order_store;
class audit_sink;
}  // namespace tradebot::db

namespace tradebot::trading {

// What the trading components write about one venue's positions: state transitions (guarded by
// the row's version, which the book keeps up to date), closes, journal rows the venue's reports
// and silences settle, and each step of a position's life (events::position_event). A failed
// write is logged and reported, never thrown: the next reconcile pass reads the venue again and
// writes what is still missing.
class position_recorder {
public:
    position_recorder(position_book& book, db::position_store& positions, db::order_store& journal,
                      db::audit_sink& audit, events::topic<events::position_event>& events,
                      const core::clock& clock, std::shared_ptr<spdlog::logger> log);

    // Moves `pos`'s row to `next` with `u`; on success the book's position (if it is still the
    // same one) takes the new version and state. `what` names the write in the log on failure.
    [[nodiscard]] boost::asio::awaitable<bool> save(const live_position& pos, db::position_state next,
                                                    db::position_update u, std::string_view what);
    // A row for a position found on the venue that the database does not know (adoption):
    // entry_placed with the venue's numbers; the live position, or nullopt if it cannot be written.
    [[nodiscard]] boost::asio::awaitable<std::optional<live_position>> create_found(
        const exchange::position_state& vp, core::mode mode);
    // The row ends closed with the exit price and PnL (when known); the closed event follows.
    boost::asio::awaitable<void> record_closed(live_position pos, std::optional<core::decimal> exit_price,
                                               std::string reason);
    // Closes whose row could not be written because the database was down (finding C6 of
    // tests/integration/chaos): the book has forgotten them, the rows wait here. Writes them, oldest
    // first, until the database fails again; true when none is left.
    [[nodiscard]] boost::asio::awaitable<bool> retry_closes();
    // Whether the close of position `id` is waiting to be written.
    [[nodiscard]] bool close_waiting(std::int64_t id) const;
    // The live rows of `mode` (a reload after a database outage).
    [[nodiscard]] boost::asio::awaitable<db::result<std::vector<db::position_record>>> load_live(core::mode mode);
    // Ends the position's open stop rows: the stops are gone without a report naming them.
    boost::asio::awaitable<void> end_stops(std::int64_t position_id, db::order_status status, std::string why);
    // A stream report on one of our orders, written to its journal row (forward only).
    boost::asio::awaitable<void> journal_report(events::order_update u);
    // A step of `pos`'s life, its other fields for the caller to fill.
    [[nodiscard]] events::position_event event(events::position_event_kind kind, const live_position& pos,
                                               std::string reason) const;
    // Writes the step's audit row (the events table; the durable record, so written here rather
    // than by a subscriber that a shutdown could cut off) and publishes it once for whoever
    // follows positions (metrics, and alerts and reports next).
    void record(events::position_event e);

private:
    struct unrecorded_close {
        std::int64_t id = 0;
        std::int32_t version = 0;
        db::position_update update;
    };

    position_book& book_;
    db::position_store& positions_;
    db::order_store& journal_;
    db::audit_sink& audit_;
    events::topic<events::position_event>& events_;
    const core::clock& clock_;
    std::shared_ptr<spdlog::logger> log_;
    std::vector<unrecorded_close> unrecorded_;
    bool retrying_ = false;
};

}  // namespace tradebot::trading
