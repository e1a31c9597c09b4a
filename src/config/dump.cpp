#include "tradebot/config/dump.hpp"

#include <vector>

#include "config/schema.hpp"
#include "config/text_values.hpp"

namespace tradebot::config {
namespace {

constexpr std::string_view mask = "***";

// Hides the password of a libpq URI ("postgresql://user:pw@host/db", "?password=pw") or keyword
// string ("host=h password=pw"); everything else stays readable for `tradebot check`.
std::string redact_connection_string(std::string text) {
    if (const auto scheme = text.find("://"); scheme != std::string::npos) {
        const auto start = scheme + 3;
        const auto end = std::min(text.find_first_of("/?", start), text.size());
        const auto at = text.rfind('@', end);
        if (at != std::string::npos && at >= start) {
            if (const auto colon = text.find(':', start); colon != std::string::npos && colon < at) {
                text.replace(colon + 1, at - colon - 1, mask);
            }
        }
    }
    for (std::size_t pos = text.find("password="); pos != std::string::npos;
         pos = text.find("password=", pos + 1)) {
        const auto value = pos + 9;
        std::size_t end = 0;
        if (value < text.size() && text[value] == '\'') {
            end = text.find('\'', value + 1);
            end = end == std::string::npos ? text.size() : end + 1;
        } else {
            end = std::min(text.find_first_of(" &", value), text.size());
        }
        text.replace(value, end - value, mask);
    }
    return text;
}

std::string value_text(const detail::field& f, const settings& s) {
    switch (f.secret) {
        case detail::secrecy::none: return f.print(s);
        case detail::secrecy::whole: return f.print(s) == "\"\"" ? "\"\"" : detail::quote(mask);
        case detail::secrecy::url_password: return detail::quote(redact_connection_string(f.text(s)));
    }
    return {};
}

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (auto dot = path.find('.'); dot != std::string::npos; dot = path.find('.', start)) {
        out.push_back(path.substr(start, dot - start));
        start = dot + 1;
    }
    out.push_back(path.substr(start));
    return out;
}

}  // namespace

std::string dump(const settings& s) {
    std::string out = "# tradebot effective configuration (secrets shown as ***)\n";
    std::vector<std::string> open;
    for (const auto& f : detail::fields()) {
        auto parts = split_path(f.path);
        const auto key = parts.back();
        parts.pop_back();
        std::size_t common = 0;
        while (common < open.size() && common < parts.size() && open[common] == parts[common]) {
            ++common;
        }
        open.resize(common);
        for (std::size_t depth = common; depth < parts.size(); ++depth) {
            out += std::string(depth * 2, ' ') + parts[depth] + ":\n";
            open.push_back(parts[depth]);
        }
        out += std::string(parts.size() * 2, ' ') + key + ": " + value_text(f, s) + "\n";
    }
    return out;
}

}  // namespace tradebot::config
