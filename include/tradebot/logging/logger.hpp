#pragma once

// The process-wide logging set-up: one spdlog logger per module ("db", "http", "router" ...), all
// writing through one asynchronous writer thread to the console and an optional rotating file.
// Loggers handed out before init() write synchronously to stderr and switch to the configured
// sinks when init() runs, so a component may take its logger at construction time.
// Logging never throws to the caller and never blocks on I/O once init() has run.

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <spdlog/common.h>
#include <spdlog/logger.h>

#include "tradebot/logging/options.hpp"

namespace tradebot::logging {

// Applies `opts`: levels, line format, sinks and the writer thread. May be called again to
// reconfigure (the previous writer is drained first). Throws std::invalid_argument for an unknown
// level name and spdlog::spdlog_ex when the log file cannot be opened: both are start-up errors.
// `extra_sinks` receive every line as well (tests capture output this way); their formatter is
// replaced by the structured one.
// Thread safety: call from the main thread during start-up, not concurrently with itself.
void init(const options& opts, std::vector<spdlog::sink_ptr> extra_sinks = {});

// The logger of `module`; the same object for the same name for the life of the process.
// Thread safety: any thread.
[[nodiscard]] std::shared_ptr<spdlog::logger> get(std::string_view module);

// Writes out every queued line, stops the writer thread and falls back to synchronous stderr
// output, so loggers still held keep working. Call once at the end of main (and in tests before
// reading captured output).
void shutdown();

// Lines dropped because the queue was full since the process started.
[[nodiscard]] std::uint64_t dropped_lines() noexcept;

// "trace", "debug", "info", "warn"/"warning", "error"/"err", "critical", "off".
[[nodiscard]] std::optional<spdlog::level::level_enum> parse_level(std::string_view name) noexcept;

// The structured line formatter used by every sink, for sinks created outside init().
[[nodiscard]] std::unique_ptr<spdlog::formatter> make_formatter(options::format fmt);

}  // namespace tradebot::logging
