#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/db/database.hpp"
#include "tradebot/db/records.hpp"

namespace tradebot::db {

// A closed position with what its fills say: the read side of `tradebot report`.
struct closed_position_row {
    std::int64_t id = 0;
    core::exchange_id exchange = core::exchange_id::binance;
    core::symbol symbol;
    core::position_side side = core::position_side::long_;
    core::decimal quantity;
    std::optional<core::decimal> entry_price;
    std::optional<core::decimal> exit_price;
    std::optional<time_point> opened_at;
    time_point closed_at{};
    std::string close_reason;
    // The fills' realized PnL when an exit fill was recorded, else the position's recorded PnL
    // (computed from the exit price, before fees; zero when unknown).
    core::decimal gross_pnl;
    // The fills' fees in the settlement asset (USDT), else the position's fees column.
    core::decimal fees;
    int fills = 0;
};

struct history_filter {
    core::mode mode = core::mode::test;
    std::optional<time_point> since;  // closed at or after
    std::optional<time_point> until;  // closed before
    std::optional<core::exchange_id> exchange;
};

// Reads only: no lock, no write, so it runs beside a trading daemon.
class trade_history {
public:
    explicit trade_history(database& db) : db_{db} {}

    // Closed positions matching `f`, in close order.
    [[nodiscard]] boost::asio::awaitable<result<std::vector<closed_position_row>>> closed_positions(history_filter f);

private:
    database& db_;
};

}  // namespace tradebot::db
