#include "config/expand.hpp"

namespace tradebot::config::detail {

bool is_variable_name(std::string_view name) noexcept {
    if (name.empty() || (name.front() >= '0' && name.front() <= '9')) {
        return false;
    }
    for (const char c : name) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::optional<std::string> expand(std::string_view text, const std::map<std::string, std::string>& env,
                                  std::string& error) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, 3, "$${") == 0) {
            out += "${";
            i += 3;
            continue;
        }
        if (text.compare(i, 2, "${") != 0) {
            out += text[i++];
            continue;
        }
        const auto close = text.find('}', i + 2);
        if (close == std::string_view::npos) {
            // The text is not quoted back: it may be a secret such as an API key.
            error = "unterminated '${'";
            return std::nullopt;
        }
        const auto inner = text.substr(i + 2, close - i - 2);
        const auto dash = inner.find(":-");
        const auto name = inner.substr(0, dash);
        if (!is_variable_name(name)) {
            error = "invalid variable name '" + std::string{name} + "'";
            return std::nullopt;
        }
        const auto found = env.find(std::string{name});
        if (dash != std::string_view::npos) {
            const bool usable = found != env.end() && !found->second.empty();
            out += usable ? std::string_view{found->second} : inner.substr(dash + 2);
        } else if (found != env.end()) {
            out += found->second;
        } else {
            error = "environment variable " + std::string{name} + " is not set (write ${" + std::string{name} +
                    ":-} to allow an empty value)";
            return std::nullopt;
        }
        i = close + 1;
    }
    return out;
}

}  // namespace tradebot::config::detail
