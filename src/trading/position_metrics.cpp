#include "tradebot/trading/position_metrics.hpp"

#include <string>
#include <utility>

#include "tradebot/trading/trading_metrics.hpp"

namespace tradebot::trading {

position_metrics::position_metrics(boost::asio::any_io_executor executor, events::router& router,
                                   trading_metrics& metrics)
    : metrics_{metrics},
      subscription_{router.topic<events::position_event>(events::topic_name::position_event)
                        .subscribe(std::move(executor), [this](const events::position_event& e) { on_event(e); })} {}

void position_metrics::on_event(const events::position_event& e) {
    switch (e.kind) {
        case events::position_event_kind::closed:
            metrics_.exit(e.exchange, e.reason);
            if (e.realized_pnl) {
                // A gauge of the PnL since start: for dashboards, not for accounting (the rows are).
                metrics_.realized_pnl(e.exchange, std::stod(e.realized_pnl->to_string()));
            }
            break;
        case events::position_event_kind::stop_restored: metrics_.stop_restored(e.exchange); break;
        default: break;
    }
}

}  // namespace tradebot::trading
