#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/db/database.hpp"
#include "tradebot/db/records.hpp"
#include "tradebot/db/trade_store.hpp"

namespace tradebot::db {

// The trades table (fills). The same fill arrives more than once (stream and REST, a replay
// after a reconnect); its natural key (exchange, mode, symbol, exchange_trade_id) keeps one row.
class trade_repository final : public trade_store {
public:
    explicit trade_repository(database& db) : db_{db} {}

    // true when the fill was new, false when it was already recorded (nothing changes then).
    [[nodiscard]] boost::asio::awaitable<result<bool>> insert_fill(trade_record t) override;
    // Fills of the position, in time order.
    [[nodiscard]] boost::asio::awaitable<result<std::vector<trade_record>>> for_position(std::int64_t position_id);
    // Net realized PnL of `mode` since `since` (the daily loss limit, so it survives a restart):
    // the fills' realized PnL minus their settlement-asset fees, plus the recorded PnL of
    // positions closed since then without an exit fill row (a fill the stream never delivered).
    [[nodiscard]] boost::asio::awaitable<result<core::decimal>> realized_pnl_since(time_point since, core::mode mode);
    // Changes whenever this repository writes a fill: a reader that saw the same value knows its
    // realized_pnl_since() answer still holds for this process's fills.
    [[nodiscard]] std::uint64_t pnl_generation() const noexcept { return pnl_generation_.load(); }

private:
    database& db_;
    std::atomic<std::uint64_t> pnl_generation_{0};
};

}  // namespace tradebot::db
