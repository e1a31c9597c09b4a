#pragma once

#include <optional>
#include <string_view>

namespace tradebot::logging {

struct payload_field {
    std::string_view key;
    std::string_view value;
    bool raw = false;  // a number, boolean or null rather than text
};

// Reads the payload built by logging::write() (see detail::begin_payload). A payload without the
// marker is a plain message; a malformed one is reported so the caller can print it verbatim.
class payload_reader {
public:
    explicit payload_reader(std::string_view payload) noexcept;

    [[nodiscard]] bool structured() const noexcept { return structured_; }
    [[nodiscard]] std::string_view message() const noexcept { return message_; }
    // The next field; nullopt at the end or on malformed input (then ok() is false).
    [[nodiscard]] std::optional<payload_field> next() noexcept;
    [[nodiscard]] bool ok() const noexcept { return ok_; }

private:
    std::optional<std::string_view> piece() noexcept;

    std::string_view rest_;
    std::string_view message_;
    bool structured_ = false;
    bool ok_ = true;
};

}  // namespace tradebot::logging
