#include "tradebot/trading/account_metrics.hpp"

#include <string>
#include <utility>

#include "tradebot/trading/trading_metrics.hpp"

namespace tradebot::trading {

account_metrics::account_metrics(boost::asio::any_io_executor executor, events::router& router,
                                 trading_metrics& metrics)
    : metrics_{metrics},
      subscription_{router.topic<events::balance_update>(events::topic_name::balance_update)
                        .subscribe(std::move(executor), [this](const events::balance_update& u) {
                            // Gauges are doubles; no order is ever sized from them.
                            metrics_.balance(u.exchange, u.asset, std::stod(u.wallet_balance.to_string()),
                                             u.available_balance
                                                 ? std::optional<double>{std::stod(u.available_balance->to_string())}
                                                 : std::nullopt);
                        })} {}

}  // namespace tradebot::trading
