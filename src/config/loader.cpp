#include "tradebot/config/loader.hpp"

#include <unistd.h>  // environ (glibc declares it under _GNU_SOURCE, which g++ defines)

#include <array>

#include "config/dotenv.hpp"
#include "config/raw_value.hpp"
#include "config/schema.hpp"
#include "config/sealed_values.hpp"
#include "config/validate.hpp"
#include "config/yaml_reader.hpp"
#include "core/text.hpp"

namespace tradebot::config {

std::string load_error::to_string() const {
    std::string out = file;
    if (!file.empty() && line > 0) {
        out += ":" + std::to_string(line);
        if (column > 0) {
            out += ":" + std::to_string(column);
        }
    }
    if (!out.empty()) {
        out += ": ";
    }
    if (!key_path.empty()) {
        out += key_path + ": ";
    }
    return out + message;
}

namespace detail {

void error_sink::add(const source_location& loc, std::string key_path, std::string message) {
    if (!key_path.empty()) {
        failed_.insert(key_path);
    }
    errors_.push_back(load_error{loc.file, loc.line, loc.column, std::move(key_path), std::move(message)});
}

namespace {

constexpr std::string_view env_prefix = "TRADEBOT_";

// Applies TRADEBOT_<PATH> variables over the file values. A TRADEBOT_ variable whose next word
// names a config section but that matches no key is a typo and an error; other TRADEBOT_
// variables (TRADEBOT_TEST_PG_URL, ...) belong to tools and are ignored.
void apply_environment(const std::map<std::string, std::string>& env,
                       const std::map<std::string, source_location>& origins,
                       std::map<std::string, raw_value>& values, error_sink& sink) {
    std::map<std::string, const field*> by_name;
    for (const auto& f : fields()) {
        by_name.emplace(env_name(f.path), &f);
    }
    for (const auto& [name, value] : env) {
        if (!name.starts_with(env_prefix)) {
            continue;
        }
        const auto origin = origins.find(name);
        const auto loc = origin != origins.end() ? origin->second : source_location{"environment:" + name, 0, 0};
        if (const auto it = by_name.find(name); it != by_name.end()) {
            values[it->second->path] = raw_value{raw_value::kind::scalar, value, {}, loc};
            continue;
        }
        bool names_a_section = false;
        for (const auto& f : fields()) {
            names_a_section = names_a_section || name.starts_with(env_name(f.path.substr(0, f.path.find('.'))) + "_");
        }
        if (!names_a_section) {
            continue;
        }
        std::string best;
        std::size_t best_distance = std::max<std::size_t>(2, name.size() / 5) + 1;
        for (const auto& candidate : by_name) {
            if (const auto d = edit_distance(name, candidate.first); d < best_distance) {
                best_distance = d;
                best = candidate.first;
            }
        }
        std::string message = "unknown configuration variable " + name;
        if (!best.empty()) {
            message += ", did you mean " + best + "?";
        }
        sink.add(loc, {}, std::move(message));
    }
}

}  // namespace
}  // namespace detail

std::string env_name(std::string_view key_path) {
    std::string out{detail::env_prefix};
    for (const char c : key_path) {
        out += c == '.' ? '_' : core::ascii_upper(c);
    }
    return out;
}

std::vector<std::string> known_keys() {
    std::vector<std::string> out;
    for (const auto& f : detail::fields()) {
        out.push_back(f.path);
    }
    return out;
}

std::map<std::string, std::string> process_environment() {
    std::map<std::string, std::string> out;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string_view text{*entry};
        if (const auto eq = text.find('='); eq != std::string_view::npos && eq > 0) {
            out.emplace(text.substr(0, eq), text.substr(eq + 1));
        }
    }
    return out;
}

load_result load(const std::filesystem::path& config_dir, const std::map<std::string, std::string>& env) {
    detail::error_sink sink;
    auto merged_env = env;
    std::map<std::string, detail::source_location> origins;
    detail::read_dotenv(config_dir / ".env", merged_env, origins, sink);

    std::map<std::string, detail::raw_value> values;
    const auto main_file = config_dir / "tradebot.yaml";
    if (detail::read_yaml_file(main_file, merged_env, values, sink) == detail::file_status::missing) {
        sink.add({main_file.string(), 0, 0}, {}, "file not found (tradebot.yaml is required)");
    }
    for (const char* optional_file : {"exchanges.yaml", "strategies.yaml"}) {
        (void)detail::read_yaml_file(config_dir / optional_file, merged_env, values, sink);
    }
    detail::apply_environment(merged_env, origins, values, sink);
    detail::open_sealed_values(values, merged_env, origins, sink);

    settings s;
    for (const auto& f : detail::fields()) {
        if (const auto it = values.find(f.path); it != values.end()) {
            f.assign(s, it->second, sink);
        }
    }
    detail::resolve_and_validate(s, values, sink);

    load_result result;
    if (sink.empty()) {
        result.value = std::move(s);
    } else {
        result.errors = sink.take();
    }
    return result;
}

}  // namespace tradebot::config
