// The small formatters of the operator's read commands.
#include <sstream>

#include <gtest/gtest.h>

#include "app/commands/read_session.hpp"

using namespace tradebot::app::commands;

TEST(read_format, since_becomes_an_interval_or_a_timestamp_parameter) {
    EXPECT_EQ(since_sql("30m"), (std::pair<std::string, std::string>{"now() - $S::interval", "30 minutes"}));
    EXPECT_EQ(since_sql("24h"), (std::pair<std::string, std::string>{"now() - $S::interval", "24 hours"}));
    EXPECT_EQ(since_sql("7d"), (std::pair<std::string, std::string>{"now() - $S::interval", "7 days"}));
    EXPECT_EQ(
        since_sql("2026-01-31T12:00"), (std::pair<std::string, std::string>{"$S::timestamptz", "2026-01-31T12:00"})
    );
}

TEST(read_format, ages_and_times) {
    using std::chrono::seconds;
    EXPECT_EQ(age_text(seconds{45}), "45s");
    EXPECT_EQ(age_text(seconds{125}), "2m05s");
    EXPECT_EQ(age_text(seconds{3 * 3600 + 4 * 60}), "3h04m");
    EXPECT_EQ(age_text(seconds{2 * 86400 + 5 * 3600}), "2d05h");
    EXPECT_EQ(age_text(seconds{-90}), "-1m30s");
    const tradebot::core::clock::time_point t{std::chrono::seconds{1'769'860'800}};
    EXPECT_EQ(iso_time(t), "2026-01-31T12:00:00Z");
}

TEST(read_format, tables_pad_each_column_to_its_widest_cell) {
    std::ostringstream out;
    print_table(out, {"A", "LONGER", "C"}, {{"xyz", "1", "end"}, {"q", "22", ""}});
    EXPECT_EQ(out.str(), "A    LONGER  C\nxyz  1       end\nq    22\n");
}
