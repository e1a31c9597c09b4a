#include "tradebot/logging/logger.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "core/text.hpp"
#include "logging/dispatch_sink.hpp"
#include "logging/structured_formatter.hpp"
#include "tradebot/logging/secret.hpp"

namespace tradebot::logging {
namespace {

spdlog::sink_ptr make_stderr_sink(options::format fmt) {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    sink->set_formatter(make_formatter(fmt));
    return sink;
}

struct registry {
    // The writer thread reads the secret registry until this object is destroyed at exit, so that
    // registry must be constructed first (statics die in reverse order of construction).
    bool secrets_constructed_first = (static_cast<void>(has_registered_secrets()), true);
    std::mutex mutex;
    std::map<std::string, std::shared_ptr<spdlog::logger>, std::less<>> loggers;
    spdlog::level::level_enum level = spdlog::level::info;
    std::map<std::string, spdlog::level::level_enum, std::less<>> module_levels;
    options::format fmt = options::format::kv;
    std::shared_ptr<dispatch_sink> sink =
        std::make_shared<dispatch_sink>(std::vector<spdlog::sink_ptr>{make_stderr_sink(options::format::kv)});

    [[nodiscard]] spdlog::level::level_enum level_of(std::string_view module) const {
        const auto it = module_levels.find(module);
        return it == module_levels.end() ? level : it->second;
    }
};

registry& state() {
    static registry r;
    return r;
}

spdlog::level::level_enum require_level(std::string_view name, std::string_view what) {
    if (const auto level = parse_level(name)) {
        return *level;
    }
    throw std::invalid_argument{"logging: unknown level '" + std::string{name} + "' for " + std::string{what}};
}

}  // namespace

std::optional<spdlog::level::level_enum> parse_level(std::string_view name) noexcept {
    using core::iequals;
    if (iequals(name, "trace")) {
        return spdlog::level::trace;
    }
    if (iequals(name, "debug")) {
        return spdlog::level::debug;
    }
    if (iequals(name, "info")) {
        return spdlog::level::info;
    }
    if (iequals(name, "warn") || iequals(name, "warning")) {
        return spdlog::level::warn;
    }
    if (iequals(name, "error") || iequals(name, "err")) {
        return spdlog::level::err;
    }
    if (iequals(name, "critical")) {
        return spdlog::level::critical;
    }
    if (iequals(name, "off")) {
        return spdlog::level::off;
    }
    return std::nullopt;
}

std::unique_ptr<spdlog::formatter> make_formatter(options::format fmt) {
    return std::make_unique<structured_formatter>(fmt);
}

void init(const options& opts, std::vector<spdlog::sink_ptr> extra_sinks) {
    const auto level = require_level(opts.level, "logging.level");
    std::map<std::string, spdlog::level::level_enum, std::less<>> module_levels;
    for (const auto& [module, name] : opts.module_levels) {
        module_levels.emplace(module, require_level(name, "logging.modules." + module));
    }

    std::vector<spdlog::sink_ptr> targets;
    if (opts.console) {
        targets.push_back(make_stderr_sink(opts.fmt));
    }
    if (!opts.file.empty()) {
        auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(opts.file, opts.max_file_bytes, opts.max_files);
        file->set_formatter(make_formatter(opts.fmt));
        targets.push_back(std::move(file));
    }
    for (auto& sink : extra_sinks) {
        sink->set_formatter(make_formatter(opts.fmt));
        targets.push_back(std::move(sink));
    }

    auto& r = state();
    const std::lock_guard lock{r.mutex};
    r.level = level;
    r.module_levels = std::move(module_levels);
    r.fmt = opts.fmt;
    r.sink->configure(std::move(targets), std::max<std::size_t>(opts.queue_size, 1));
    for (const auto& [module, logger] : r.loggers) {
        logger->set_level(r.level_of(module));
    }
}

std::shared_ptr<spdlog::logger> get(std::string_view module) {
    auto& r = state();
    const std::lock_guard lock{r.mutex};
    if (const auto it = r.loggers.find(module); it != r.loggers.end()) {
        return it->second;
    }
    auto logger = std::make_shared<spdlog::logger>(std::string{module}, r.sink);
    logger->set_level(r.level_of(module));
    r.loggers.emplace(std::string{module}, logger);
    return logger;
}

void shutdown() {
    auto& r = state();
    const std::lock_guard lock{r.mutex};
    r.sink->configure({make_stderr_sink(r.fmt)}, 0);
}

std::uint64_t dropped_lines() noexcept { return state().sink->dropped(); }

}  // namespace tradebot::logging
