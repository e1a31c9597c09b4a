#include "tradebot/alerts/payload.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "tradebot/alerts/event_alerts.hpp"

namespace tradebot::alerts {
namespace {

TEST(alert_payload, discord_gets_content_and_telegram_a_send_message_body) {
    const alert a{.kind = alert_kind::stop_failed, .text = "binance BTCUSDT (position 7): \"quoted\"\nline two", .ts = {}};
    const auto text = message_text("tradebot production@host", a);
    EXPECT_EQ(text, "[tradebot production@host] CRITICAL stop_failed: binance BTCUSDT (position 7): \"quoted\"\nline two");
    EXPECT_EQ(message_text("x", alert{.kind = alert_kind::shutdown, .text = "bye", .ts = {}}), "[x] WARNING shutdown: bye");
    EXPECT_EQ(message_text("x", alert{.kind = alert_kind::startup, .text = "started", .ts = {}}), "[x] INFO startup: started");
    EXPECT_EQ(message_text("x", alert{.kind = alert_kind::unprotected_position, .text = "stop again", .ts = {},
                                      .subject = "position 1", .resolved = true}),
              "[x] RESOLVED unprotected_position: stop again")
        << "a resolution is no alarm, whatever its kind";

    const auto discord = boost::json::parse(render_payload(config::webhook_format::discord, "ignored", text)).as_object();
    EXPECT_EQ(discord.size(), 1U);
    EXPECT_EQ(discord.at("content").as_string(), text);

    const auto telegram = boost::json::parse(render_payload(config::webhook_format::telegram, "-100123", text)).as_object();
    EXPECT_EQ(telegram.at("chat_id").as_string(), "-100123");
    EXPECT_EQ(telegram.at("text").as_string(), text);
    EXPECT_TRUE(telegram.at("disable_web_page_preview").as_bool());
}

TEST(alert_payload, long_texts_are_cut_to_the_formats_limit_without_splitting_a_character) {
    std::string long_text(3000, 'x');
    const auto discord = boost::json::parse(render_payload(config::webhook_format::discord, "", long_text)).as_object();
    const auto content = std::string{discord.at("content").as_string()};
    EXPECT_EQ(content.size(), discord_content_limit);
    EXPECT_TRUE(content.ends_with("..."));
    const auto telegram = boost::json::parse(render_payload(config::webhook_format::telegram, "1", long_text)).as_object();
    EXPECT_EQ(std::string{telegram.at("text").as_string()}, long_text) << "3000 bytes fit Telegram's 4096";

    // "é" is two bytes: a cut inside it backs off to the character's start.
    const std::string accents = "ab\xC3\xA9\xC3\xA9";
    EXPECT_EQ(truncate_utf8(accents, 6), accents);
    EXPECT_EQ(truncate_utf8(accents, 5), "ab...");
    EXPECT_EQ(truncate_utf8(accents, 3), "...");
    EXPECT_EQ(truncate_utf8("abcdef", 2), "..");
}

TEST(alert_events, the_position_events_an_operator_must_hear_of_and_only_those) {
    events::position_event e;
    e.exchange = core::exchange_id::bybit;
    e.symbol = core::symbol::from_string("ETHUSDT");
    e.position_id = 42;
    e.kind = events::position_event_kind::stop_restored;
    e.stop_price = core::decimal::from_string("3100.50");
    auto a = from_position_event(e);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->kind, alert_kind::unprotected_position);
    EXPECT_EQ(a->text, "bybit ETHUSDT (position 42) had no stop on the venue; a stop was placed again at 3100.5");

    e.kind = events::position_event_kind::unprotected;
    e.reason = "no entry price";
    a = from_position_event(e);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->kind, alert_kind::unprotected_position);
    EXPECT_EQ(a->text, "bybit ETHUSDT (position 42) is open WITHOUT A STOP: no entry price");

    e.kind = events::position_event_kind::stop_failed;
    e.reason = "closing at market";
    a = from_position_event(e);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->kind, alert_kind::stop_failed);
    EXPECT_TRUE(is_critical(a->kind));

    for (const auto k : {events::position_event_kind::opened, events::position_event_kind::closed,
                         events::position_event_kind::stop_moved, events::position_event_kind::adopted,
                         events::position_event_kind::open_unresolved}) {
        e.kind = k;
        EXPECT_FALSE(from_position_event(e)) << events::to_string(k);
    }
}

TEST(alert_events, signals_refused_by_the_daily_loss_limit_or_the_kill_switch) {
    events::signal_event e;
    e.signal_id = 9;
    e.outcome = "skipped";
    e.reason = "daily_loss_limit";
    e.detail = "today's PnL -1200 USD reached the daily loss limit -1000 USD";
    auto a = from_signal_event(e);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->kind, alert_kind::daily_loss_limit);
    EXPECT_EQ(a->text, "new entries refused: today's PnL -1200 USD reached the daily loss limit -1000 USD (signal 9)");
    EXPECT_FALSE(is_critical(a->kind));

    e.reason = "kill_switch";
    e.detail = "kill switch /tmp/tradebot.kill is on";
    a = from_signal_event(e);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->kind, alert_kind::kill_switch);
    EXPECT_EQ(a->subject, "kill switch") << "its clearing resolves it";

    for (const char* other : {"opened", "already_open", "balance_unknown", "valid"}) {
        e.reason = other;
        EXPECT_FALSE(from_signal_event(e)) << other;
    }
}

}  // namespace
}  // namespace tradebot::alerts
