#include "tradebot/logging/structured.hpp"

namespace tradebot::logging::detail {

void append_piece(buffer& out, std::string_view text) {
    fmt::format_to(std::back_inserter(out), "{}:", text.size());
    out.append(text.data(), text.data() + text.size());
}

void begin_payload(buffer& out, std::string_view msg) {
    out.push_back(payload_marker);
    append_piece(out, msg);
}

void append_field(buffer& out, std::string_view key, char kind, std::string_view value) {
    append_piece(out, key);
    out.push_back(kind);
    append_piece(out, value);
}

}  // namespace tradebot::logging::detail
