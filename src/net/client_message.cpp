#include "tradebot/net/client_message.hpp"

#include <algorithm>
#include <cctype>

namespace tradebot::net {

std::optional<std::string_view> find_header(const header_list& headers, std::string_view name) noexcept {
    const auto same = [name](const std::pair<std::string, std::string>& field) {
        return std::ranges::equal(field.first, name, [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        });
    };
    if (const auto it = std::ranges::find_if(headers, same); it != headers.end()) {
        return std::string_view{it->second};
    }
    return std::nullopt;
}

}  // namespace tradebot::net
