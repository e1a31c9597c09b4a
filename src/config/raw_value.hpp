#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "tradebot/config/loader.hpp"

// The loader's intermediate form: every value as text with the place it came from, before it is
// converted into `settings`. Keeps yaml-cpp out of everything but yaml_reader.cpp.
namespace tradebot::config::detail {

struct source_location {
    std::string file;
    int line = 0;
    int column = 0;
};

struct raw_item {
    std::string key;  // mapping entries only
    std::string text;
    source_location loc;
};

struct raw_value {
    enum class kind : std::uint8_t { null, scalar, sequence, mapping };
    kind type = kind::scalar;
    std::string text;
    std::vector<raw_item> items;
    // Where the key was written (YAML) or where the variable came from (environment, .env).
    source_location loc;
};

class error_sink {
public:
    void add(const source_location& loc, std::string key_path, std::string message);
    [[nodiscard]] bool failed(const std::string& key_path) const { return failed_.contains(key_path); }
    [[nodiscard]] bool empty() const noexcept { return errors_.empty(); }
    [[nodiscard]] std::vector<load_error> take() { return std::move(errors_); }

private:
    std::vector<load_error> errors_;
    std::set<std::string> failed_;
};

}  // namespace tradebot::config::detail
