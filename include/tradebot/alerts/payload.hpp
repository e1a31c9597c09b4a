#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "tradebot/alerts/alert.hpp"
#include "tradebot/config/settings.hpp"

namespace tradebot::alerts {

// Discord's limit on `content`, Telegram's on `text` (both count characters; bytes are never fewer).
inline constexpr std::size_t discord_content_limit = 2000;
inline constexpr std::size_t telegram_text_limit = 4096;

// "[label] CRITICAL stop_failed: <text>": one line an operator can read on a phone lock screen
// (RESOLVED, INFO or WARNING in place of CRITICAL: alerts::severity).
[[nodiscard]] std::string message_text(std::string_view label, const alert& a);

// The JSON body for the webhook: {"content": text} (Discord) or {"chat_id": id, "text": text}
// (Telegram sendMessage), the text cut at a UTF-8 boundary to the format's limit.
[[nodiscard]] std::string render_payload(config::webhook_format format, std::string_view telegram_chat_id,
                                         std::string_view text);

// `text` cut to at most `limit` bytes without splitting a UTF-8 sequence; a cut text ends in "...".
[[nodiscard]] std::string truncate_utf8(std::string_view text, std::size_t limit);

}  // namespace tradebot::alerts
