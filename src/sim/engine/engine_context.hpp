#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tradebot/core/clock.hpp"
#include "tradebot/sim/engine/events.hpp"
#include "tradebot/sim/engine/exchange_config.hpp"
#include "tradebot/sim/engine/types.hpp"

namespace tradebot::sim::engine {

// What every part of the engine shares: the injected clock, the configuration, one id
// sequence (orders, conditionals and trades draw from it in call order, so the ids depend
// only on the seed and the calls) and the event log the parts append to.
class engine_context {
public:
    engine_context(const core::clock& clock, exchange_config config);

    [[nodiscard]] time_point now() const { return clock_.now(); }
    [[nodiscard]] const exchange_config& config() const noexcept { return config_; }
    [[nodiscard]] engine::venue venue() const noexcept { return config_.venue; }

    order_id next_id() { return static_cast<order_id>(id_counter_++); }
    // The id next_id() gives next: an event may name an order before it exists.
    [[nodiscard]] order_id peek_id() const noexcept { return static_cast<order_id>(id_counter_); }
    // `given`, or when it is empty what the venue names the order: Binance always assigns a
    // client id, Bybit leaves it empty.
    [[nodiscard]] std::string client_id_or_default(std::string given, order_id id) const;

    template <class E>
    void emit(E&& e) {
        events_.emplace_back(std::forward<E>(e));
    }
    std::vector<event> drain_events() { return std::exchange(events_, {}); }
    [[nodiscard]] const std::vector<event>& pending_events() const noexcept { return events_; }

private:
    const core::clock& clock_;
    exchange_config config_;
    std::uint64_t id_counter_;
    std::vector<event> events_;
};

}  // namespace tradebot::sim::engine
