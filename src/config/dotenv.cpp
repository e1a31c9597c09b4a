#include "config/dotenv.hpp"

#include <fstream>
#include <system_error>

#include "config/expand.hpp"
#include "config/text_values.hpp"

namespace tradebot::config::detail {
namespace {

std::string unescape_double_quoted(std::string_view body) {
    std::string out;
    for (std::size_t i = 0; i < body.size(); ++i) {
        if (body[i] == '\\' && i + 1 < body.size()) {
            const char next = body[++i];
            out += next == 'n' ? '\n' : next == 't' ? '\t' : next;
        } else {
            out += body[i];
        }
    }
    return out;
}

// The value part of a line; nullopt when a quote is not closed.
std::optional<std::string> parse_value(std::string_view raw) {
    raw = trim(raw);
    if (!raw.empty() && (raw.front() == '"' || raw.front() == '\'')) {
        const char q = raw.front();
        std::size_t close = 1;
        while (close < raw.size() && !(raw[close] == q && (q == '\'' || raw[close - 1] != '\\'))) {
            ++close;
        }
        if (close >= raw.size()) {
            return std::nullopt;
        }
        const auto body = raw.substr(1, close - 1);
        return q == '"' ? unescape_double_quoted(body) : std::string{body};
    }
    // An unquoted value ends at " #", so trailing comments work as in shell.
    if (const auto hash = raw.find(" #"); hash != std::string_view::npos) {
        raw = trim(raw.substr(0, hash));
    }
    return std::string{raw};
}

}  // namespace

void read_dotenv(const std::filesystem::path& file, std::map<std::string, std::string>& env,
                 std::map<std::string, source_location>& origins, error_sink& sink) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
        return;
    }
    std::ifstream in{file, std::ios::binary};
    if (!in) {
        sink.add({file.string(), 0, 0}, {}, "cannot open file");
        return;
    }
    std::map<std::string, std::string> read;
    std::map<std::string, source_location> where;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        std::string_view text = trim(line);
        if (text.empty() || text.front() == '#') {
            continue;
        }
        if (text.starts_with("export ")) {
            text = trim(text.substr(7));
        }
        const auto eq = text.find('=');
        const auto name = eq == std::string_view::npos ? text : trim(text.substr(0, eq));
        const source_location loc{file.string(), number, 1};
        if (eq == std::string_view::npos || !is_variable_name(name)) {
            sink.add(loc, {}, "expected KEY=VALUE, got '" + std::string{text} + "'");
            continue;
        }
        auto value = parse_value(text.substr(eq + 1));
        if (!value) {
            sink.add(loc, {}, "unterminated quote in the value of " + std::string{name});
            continue;
        }
        read[std::string{name}] = std::move(*value);
        where[std::string{name}] = loc;
    }
    for (auto& [name, value] : read) {
        if (env.emplace(name, std::move(value)).second) {
            origins[name] = where[name];
        }
    }
}

}  // namespace tradebot::config::detail
