// `tradebot report` on the command line.
#include <gtest/gtest.h>

#include "tradebot/app/cli.hpp"

using namespace tradebot::app;

TEST(report_cli, takes_the_period_the_venue_the_format_and_the_file) {
    const auto r = parse_command_line({"report", "--since", "2026-01-01", "--until", "2026-01-31T12:00:00Z",
                                       "--exchange", "bybit", "--format", "html", "--output", "/tmp/r.html"});
    ASSERT_TRUE(r.value) << r.error;
    EXPECT_EQ(r.value->cmd, command::report);
    EXPECT_EQ(r.value->report.since, "2026-01-01");
    EXPECT_EQ(r.value->report.until, "2026-01-31T12:00:00Z");
    EXPECT_EQ(r.value->report.format, "html");
    EXPECT_EQ(r.value->report.output, "/tmp/r.html");
    EXPECT_EQ(r.value->op.exchange, "bybit");

    const auto plain = parse_command_line({"report", "--json"});
    ASSERT_TRUE(plain.value) << plain.error;
    EXPECT_EQ(plain.value->cmd, command::report);
    EXPECT_TRUE(plain.value->json);
    EXPECT_FALSE(plain.value->report.since || plain.value->report.format || plain.value->report.output);

    EXPECT_EQ(parse_command_line({"report", "weekly"}).error, "unknown command 'report weekly'");
    EXPECT_NE(usage_text().find("tradebot report [--since DATE]"), std::string::npos);
}
