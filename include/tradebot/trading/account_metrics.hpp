#pragma once

#include <boost/asio/any_io_executor.hpp>

#include "tradebot/events/router.hpp"
#include "tradebot/events/types.hpp"

namespace tradebot::trading {

class trading_metrics;

// The venues' balance reports as gauges: tradebot_wallet_balance{exchange, asset} and, when the
// venue sends it, tradebot_available_balance{exchange, asset}. Binance's ACCOUNT_UPDATE carries the
// wallet balance only, so for Binance the available gauge stays at what the last report that had
// one said (none: absent). For dashboards and alerts; sizing reads balances from the venue itself,
// because a stream that has been quiet since start has published none.
class account_metrics {
public:
    account_metrics(boost::asio::any_io_executor executor, events::router& router, trading_metrics& metrics);

private:
    trading_metrics& metrics_;
    events::subscription subscription_;
};

}  // namespace tradebot::trading
