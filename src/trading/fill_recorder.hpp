#pragma once

#include <cstddef>
#include <deque>
#include <memory>

#include <boost/asio/awaitable.hpp>

#include "tradebot/core/types.hpp"
#include "tradebot/db/records.hpp"
#include "tradebot/events/types.hpp"
#include "tradebot/trading/position_book.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::db {
class trade_store;
}

namespace tradebot::trading {

class task_group;

// Every fill the venue reports (entries, stops, closes, liquidations, orders of people) becomes
// one trades row, written off the trading path: realized PnL and fees survive a restart there,
// and the daily loss limit and `tradebot report` read them. A fill is tied to its position by
// our client id, else to the live position on its symbol; a fill without either is still kept.
//
// A fill whose row cannot be written because the database is down waits here, in memory (as the
// journal's orders wait in journal_backlog and the closes in position_recorder), and retry()
// writes it once the database answers (the reconciler's recovery passes): its PnL and fee still
// reach the trades table, and the daily loss limit counts them. The venue's trade id makes the
// write idempotent, so a fill written twice is one row.
class fill_recorder {
public:
    fill_recorder(position_book& book, db::trade_store& trades, core::mode mode, task_group& tasks,
                  std::shared_ptr<spdlog::logger> log);

    void on_order(const events::order_update& u);

    // Writes the fills kept during an outage, oldest first; stops at the first one the database
    // cannot take. True when none is left waiting.
    [[nodiscard]] boost::asio::awaitable<bool> retry();
    [[nodiscard]] std::size_t waiting() const noexcept { return unwritten_.size(); }
    // Kept at most: past it the oldest is dropped (logged), as a long outage must not eat the
    // memory; the venue's trade history still has them.
    static constexpr std::size_t max_waiting = 10'000;

    // The row for the report's last fill; nullopt when the report carries no fill.
    [[nodiscard]] static std::optional<db::trade_record> row_of(const events::order_update& u, core::mode mode,
                                                                std::optional<std::int64_t> live_position);

private:
    boost::asio::awaitable<void> write(db::trade_record t);

    position_book& book_;
    db::trade_store& trades_;
    core::mode mode_;
    task_group& tasks_;
    std::shared_ptr<spdlog::logger> log_;
    std::deque<db::trade_record> unwritten_;
    bool retrying_ = false;
};

}  // namespace tradebot::trading
