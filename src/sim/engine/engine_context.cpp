#include "sim/engine/engine_context.hpp"

namespace tradebot::sim::engine {

namespace {

// splitmix64: a fixed, portable mix so that the id sequence depends only on the seed.
std::uint64_t mix(std::uint64_t z) {
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
}

}  // namespace

engine_context::engine_context(const core::clock& clock, exchange_config config)
    : clock_{clock}, config_{std::move(config)}, id_counter_{1'000'000'000ULL + mix(config_.seed) % 1'000'000'000ULL} {}

std::string engine_context::client_id_or_default(std::string given, order_id id) const {
    if (given.empty() && config_.venue == venue::binance) {
        return "sim-" + std::to_string(id);
    }
    return given;
}

}  // namespace tradebot::sim::engine
