#pragma once

#include "tradebot/events/types.hpp"
#include "tradebot/trading/position_book.hpp"

namespace tradebot::trading {

class position_recorder;
class task_group;

// The private stream's reports on orders: each one of ours is written to its journal row, and a
// fill on the exit side of a live position (the stop's market order, a liquidation, a manual
// close) is kept as the best exit price the reconcile pass can record when the position is gone.
class order_report_handler {
public:
    order_report_handler(position_book& book, position_recorder& recorder, task_group& tasks);

    void on_order(const events::order_update& u);

private:
    position_book& book_;
    position_recorder& recorder_;
    task_group& tasks_;
};

}  // namespace tradebot::trading
