#pragma once

#include <memory>
#include <string_view>

#include <spdlog/spdlog.h>

#include "tradebot/logging/structured.hpp"

namespace tradebot::logging {

// `msg="crash point" step=...` after a persisted step of a trade (a journal row written, an order
// sent, a stop placed, a state saved): the crash harness (tests/chaos) kills the daemon on it to
// prove recovery from every step. Debug level: one level check otherwise, nothing else changes.
inline void crash_point(const std::shared_ptr<spdlog::logger>& logger, std::string_view step) {
    if (logger->should_log(spdlog::level::debug)) {
        debug(logger, "crash point", kv("step", step));
    }
}

}  // namespace tradebot::logging
