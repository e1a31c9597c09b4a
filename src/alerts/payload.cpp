#include "tradebot/alerts/payload.hpp"

#include <boost/json.hpp>

namespace tradebot::alerts {

std::string message_text(std::string_view label, const alert& a) {
    std::string out;
    out.reserve(label.size() + a.text.size() + 40);
    out.append("[").append(label).append("] ");
    out.append(severity(a)).append(" ");
    out.append(to_string(a.kind)).append(": ").append(a.text);
    return out;
}

std::string truncate_utf8(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) {
        return std::string{text};
    }
    constexpr std::string_view ellipsis = "...";
    if (limit <= ellipsis.size()) {
        return std::string{ellipsis.substr(0, limit)};
    }
    auto cut = limit - ellipsis.size();
    // Back off continuation bytes (10xxxxxx) so the cut lands before a sequence's first byte.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) {
        --cut;
    }
    std::string out{text.substr(0, cut)};
    out.append(ellipsis);
    return out;
}

std::string render_payload(config::webhook_format format, std::string_view telegram_chat_id, std::string_view text) {
    boost::json::object body;
    switch (format) {
        case config::webhook_format::discord:
            body["content"] = truncate_utf8(text, discord_content_limit);
            break;
        case config::webhook_format::telegram:
            body["chat_id"] = telegram_chat_id;
            body["text"] = truncate_utf8(text, telegram_text_limit);
            body["disable_web_page_preview"] = true;
            break;
    }
    return boost::json::serialize(body);
}

}  // namespace tradebot::alerts
