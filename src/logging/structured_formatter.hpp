#pragma once

#include <memory>

#include <spdlog/formatter.h>

#include "tradebot/logging/options.hpp"

namespace tradebot::logging {

// Renders one line per record in key=value or JSON-lines form (see structured.hpp), masking every
// registered secret in the message, the field names and the field values before they are escaped,
// so a secret is caught whatever quoting it would have received. Runs on the writer thread.
class structured_formatter final : public spdlog::formatter {
public:
    explicit structured_formatter(options::format fmt) noexcept : fmt_{fmt} {}

    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
    [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override;

private:
    options::format fmt_;
};

// "trace" "debug" "info" "warn" "error" "critical" "off"
[[nodiscard]] std::string_view level_name(spdlog::level::level_enum level) noexcept;

}  // namespace tradebot::logging
