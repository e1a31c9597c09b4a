#include "trading/order_report_handler.hpp"

#include "trading/position_recorder.hpp"
#include "trading/task_group.hpp"

namespace tradebot::trading {

order_report_handler::order_report_handler(position_book& book, position_recorder& recorder, task_group& tasks)
    : book_{book}, recorder_{recorder}, tasks_{tasks} {}

void order_report_handler::on_order(const events::order_update& u) {
    if (core::client_order_id::parse(u.client_order_id)) {
        tasks_.spawn(recorder_.journal_report(u), "journal report");
    }
    if (u.status != events::order_status::filled || !u.average_price.is_positive()) {
        return;
    }
    if (const auto* pos = book_.find(u.symbol); pos != nullptr && u.side == core::exit_side(pos->side)) {
        book_.set_exit_fill(u.symbol, u.average_price);
    }
}

}  // namespace tradebot::trading
