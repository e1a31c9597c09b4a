#include "tradebot/sim/engine/trading_stop.hpp"

namespace tradebot::sim::engine {

core::decimal trading_stop::trailing_level(core::position_side side) const {
    if (!trailing_active || trailing_stop.is_zero()) {
        return {};
    }
    return side == core::position_side::long_ ? trailing_extreme - trailing_stop : trailing_extreme + trailing_stop;
}

}  // namespace tradebot::sim::engine
