#include "logging/payload_reader.hpp"

#include "tradebot/logging/structured.hpp"

namespace tradebot::logging {

payload_reader::payload_reader(std::string_view payload) noexcept : message_{payload} {
    if (payload.empty() || payload.front() != detail::payload_marker) {
        return;
    }
    rest_ = payload.substr(1);
    if (const auto msg = piece()) {
        message_ = *msg;
        structured_ = true;
    } else {
        // Not ours after all (or truncated): show the text as it is.
        ok_ = true;
        rest_ = {};
    }
}

std::optional<std::string_view> payload_reader::piece() noexcept {
    std::size_t len = 0;
    std::size_t i = 0;
    while (i < rest_.size() && rest_[i] >= '0' && rest_[i] <= '9' && i < 10) {
        len = len * 10 + static_cast<std::size_t>(rest_[i] - '0');
        ++i;
    }
    if (i == 0 || i >= rest_.size() || rest_[i] != ':' || rest_.size() - i - 1 < len) {
        ok_ = false;
        return std::nullopt;
    }
    const std::string_view out = rest_.substr(i + 1, len);
    rest_.remove_prefix(i + 1 + len);
    return out;
}

std::optional<payload_field> payload_reader::next() noexcept {
    if (!structured_ || !ok_ || rest_.empty()) {
        return std::nullopt;
    }
    payload_field f;
    const auto key = piece();
    if (!key || rest_.empty() || (rest_.front() != 's' && rest_.front() != 'r')) {
        ok_ = false;
        return std::nullopt;
    }
    f.key = *key;
    f.raw = rest_.front() == 'r';
    rest_.remove_prefix(1);
    const auto value = piece();
    if (!value) {
        return std::nullopt;
    }
    f.value = *value;
    return f;
}

}  // namespace tradebot::logging
