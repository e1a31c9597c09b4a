#include "tradebot/sim/wire/params.hpp"

#include <algorithm>

namespace tradebot::sim::wire {
namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string decode(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '+') {
            out.push_back(' ');
        } else if (c == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 &&
                   hex_value(in[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
            i += 2;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace

params params::parse(std::string_view raw) {
    params p;
    while (!raw.empty()) {
        const auto amp = raw.find('&');
        const auto pair = raw.substr(0, amp);
        raw = amp == std::string_view::npos ? std::string_view{} : raw.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos) {
            p.items_.emplace_back(decode(pair), std::string{});
        } else {
            p.items_.emplace_back(decode(pair.substr(0, eq)), decode(pair.substr(eq + 1)));
        }
    }
    return p;
}

std::optional<std::string_view> params::get(std::string_view key) const noexcept {
    const auto it = std::find_if(items_.begin(), items_.end(), [&](const auto& kv) { return kv.first == key; });
    if (it == items_.end()) return std::nullopt;
    return std::string_view{it->second};
}

void params::append(const params& other) { items_.insert(items_.end(), other.items_.begin(), other.items_.end()); }

std::string_view query_of(std::string_view target) noexcept {
    const auto q = target.find('?');
    return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

}  // namespace tradebot::sim::wire
