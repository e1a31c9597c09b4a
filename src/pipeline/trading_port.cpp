#include "tradebot/pipeline/trading_port.hpp"

namespace tradebot::pipeline {

boost::asio::awaitable<std::optional<core::decimal>> trading_port::max_notional(core::exchange_id /*venue*/,
                                                                                core::symbol /*symbol*/,
                                                                                int /*leverage*/) {
    co_return std::nullopt;
}

bool trading_port::ready(core::exchange_id /*venue*/) const { return true; }

}  // namespace tradebot::pipeline
