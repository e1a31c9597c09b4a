#pragma once

#include <map>
#include <string>
#include <vector>

#include "tradebot/config/loader.hpp"
#include "tradebot_test/env.hpp"

namespace tradebot::config::test {

using env_map = std::map<std::string, std::string>;

// A config directory holding only tradebot.yaml with `main_yaml`.
inline load_result load_main(const tradebot::test::temp_dir& dir, const std::string& main_yaml,
                             const env_map& env = {}) {
    tradebot::test::write_file(dir.path() / "tradebot.yaml", main_yaml);
    return load(dir.path(), env);
}

inline std::vector<std::string> messages(const load_result& r) {
    std::vector<std::string> out;
    for (const auto& e : r.errors) {
        out.push_back(e.to_string());
    }
    return out;
}

}  // namespace tradebot::config::test
