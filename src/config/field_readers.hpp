#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/raw_value.hpp"
#include "tradebot/config/settings.hpp"

// Reading one raw value as a given type, with the error texts the loader reports.
namespace tradebot::config::detail {

inline constexpr std::int64_t no_limit = std::numeric_limits<std::int64_t>::max();

// "got 'text'"
[[nodiscard]] std::string got(std::string_view text);

// The text of a value that must be a single scalar; reports anything else and returns null.
[[nodiscard]] const std::string* scalar_of(const raw_value& raw, const std::string& path, std::string_view expected,
                                           error_sink& sink);

[[nodiscard]] std::optional<std::int64_t> check_int(std::string_view text, const source_location& loc,
                                                    const std::string& path, std::int64_t min, std::int64_t max,
                                                    error_sink& sink);
[[nodiscard]] std::optional<std::int64_t> read_int(const raw_value& raw, const std::string& path, std::int64_t min,
                                                   std::int64_t max, error_sink& sink);

struct dec_range {
    std::optional<decimal> min;
    bool min_exclusive = false;
    std::optional<decimal> max;
};
[[nodiscard]] std::string dec_range_text(const dec_range& r);
[[nodiscard]] bool in_range(decimal v, const dec_range& r);

// The entries of a list value: a YAML sequence, or a comma-separated scalar (the form the
// environment can carry). An empty value is an empty list.
[[nodiscard]] std::optional<std::vector<raw_item>> list_items(const raw_value& raw, const std::string& path,
                                                              error_sink& sink);
// The entries of a name -> value map: a YAML mapping, or "name=value, name=value".
[[nodiscard]] std::optional<std::vector<raw_item>> map_items(const raw_value& raw, const std::string& path,
                                                             error_sink& sink);

}  // namespace tradebot::config::detail
