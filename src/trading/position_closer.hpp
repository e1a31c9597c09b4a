#pragma once

#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "tradebot/core/clock.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/trading/position_book.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::trading {

class order_executor;
class position_recorder;
class stop_loss_manager;

// Closes a live position at market, reduce-only: the row goes `closing` first (a restart then
// knows an exit may be on its way), the fill closes it with its price, the stops are cancelled.
// A close that does not fill leaves the position live and lets the next price try again after a
// pause; a reduce-only refusal usually means it is flat already, which the reconcile pass
// confirms with two reads before recording anything.
class position_closer {
public:
    position_closer(position_book& book, position_recorder& recorder, order_executor& orders,
                    stop_loss_manager& stops, const core::clock& clock, std::shared_ptr<spdlog::logger> log);

    // An operator's close: false if the symbol has no live position, one is busy, or it did not fill.
    [[nodiscard]] boost::asio::awaitable<bool> close(core::symbol symbol, std::string reason);
    // The close itself; the caller has marked the position busy.
    boost::asio::awaitable<void> close_live(core::symbol symbol, core::order_purpose purpose, std::string reason);

private:
    position_book& book_;
    position_recorder& recorder_;
    order_executor& orders_;
    stop_loss_manager& stops_;
    const core::clock& clock_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace tradebot::trading
