#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.hpp"
#include "tradebot/config/dump.hpp"

namespace tradebot::config {
namespace {

using namespace std::chrono_literals;
using test::load_main;
using test::messages;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::Not;

class config_external_signals : public testing::Test {
protected:
    [[nodiscard]] std::string main_file() const { return (dir_.path() / "tradebot.yaml").string(); }
    tradebot::test::temp_dir dir_;
};

TEST_F(config_external_signals, defaults_are_off_with_the_documented_values) {
    const external_signals_settings e;
    EXPECT_FALSE(e.enabled);
    EXPECT_EQ(e.query, "");
    EXPECT_EQ(e.database_url, "");
    EXPECT_EQ(e.source, "external");
    EXPECT_EQ(e.poll_interval_ms, 1000ms);
    EXPECT_EQ(e.overlap_minutes, 30min);
    EXPECT_EQ(e.lookback_minutes, 120min);
    EXPECT_EQ(e.query_timeout_ms, 10000ms);
    EXPECT_EQ(e.max_rows, 5000);
}

TEST_F(config_external_signals, a_multi_line_query_loads_verbatim) {
    const auto r = load_main(dir_,
                             "signals:\n"
                             "  external:\n"
                             "    enabled: true\n"
                             "    source: fas\n"
                             "    query: |\n"
                             "      -- the original's table\n"
                             "      SELECT id AS external_id FROM fas.scoring_history WHERE \"timestamp\" >= $1\n"
                             "    poll_interval_ms: 250\n");
    ASSERT_TRUE(r.value.has_value()) << messages(r).front();
    const auto& e = r.value->signals.external;
    EXPECT_TRUE(e.enabled);
    EXPECT_EQ(e.source, "fas");
    EXPECT_EQ(e.query,
              "-- the original's table\nSELECT id AS external_id FROM fas.scoring_history WHERE \"timestamp\" >= $1\n");
    EXPECT_EQ(e.poll_interval_ms, 250ms);
}

TEST_F(config_external_signals, enabled_needs_a_query) {
    const auto r = load_main(dir_, "signals:\n  external:\n    enabled: true\n");
    EXPECT_THAT(messages(r),
                ElementsAre("signals.external.query: required when signals.external.enabled is true"));
    const auto blank = load_main(dir_, "signals:\n  external:\n    enabled: true\n    query: \"  -- nothing\\n\"\n");
    EXPECT_THAT(messages(blank), ElementsAre(main_file() + ":4:5: signals.external.query: required when "
                                                           "signals.external.enabled is true"));
}

TEST_F(config_external_signals, the_query_must_be_a_select) {
    const auto r = load_main(dir_, "signals:\n  external:\n    query: \"DELETE FROM fas.scoring_history\"\n");
    EXPECT_THAT(messages(r), ElementsAre(main_file() + ":3:5: signals.external.query: expected a SELECT (or WITH "
                                                       "... SELECT) query, got 'delete ...'"));
    const auto with = load_main(dir_, "signals:\n  external:\n    query: \"  WITH x AS (SELECT 1) SELECT * FROM x\"\n");
    EXPECT_TRUE(with.value.has_value()) << messages(with).front();
}

TEST_F(config_external_signals, source_is_a_plain_name_other_than_db) {
    const auto bad = load_main(dir_, "signals:\n  external:\n    source: \"My Source\"\n");
    EXPECT_THAT(messages(bad), ElementsAre(main_file() + ":3:5: signals.external.source: expected a lower-case name "
                                                         "such as 'external', got 'My Source'"));
    const auto db = load_main(dir_, "signals:\n  external:\n    source: db\n");
    EXPECT_THAT(messages(db), ElementsAre(main_file() + ":3:5: signals.external.source: must not be 'db', the "
                                                        "source of rows written straight into the table"));
}

TEST_F(config_external_signals, ranges_are_checked) {
    const auto r = load_main(dir_, "signals:\n  external:\n    poll_interval_ms: 0\n    max_rows: 0\n");
    EXPECT_EQ(r.errors.size(), 2U);
    EXPECT_THAT(messages(r).front(), HasSubstr("signals.external.poll_interval_ms"));
}

TEST_F(config_external_signals, dump_hides_the_password_of_the_external_url_and_loads_back) {
    settings s;
    s.signals.external.enabled = true;
    s.signals.external.database_url = "postgresql://fas:extpass-9@fas-db:5432/fox_crypto";
    s.signals.external.query = "SELECT 1 AS external_id\n-- comment \"quoted\"\n";
    const auto text = dump(s);
    EXPECT_THAT(text, Not(HasSubstr("extpass-9")));
    EXPECT_THAT(text, HasSubstr("    database_url: \"postgresql://fas:***@fas-db:5432/fox_crypto\"\n"));
    s.signals.external.database_url.clear();
    tradebot::test::write_file(dir_.path() / "tradebot.yaml", dump(s));
    const auto r = load(dir_.path(), {});
    ASSERT_TRUE(r.value.has_value()) << messages(r).front();
    EXPECT_EQ(r.value->signals.external, s.signals.external);
}

TEST_F(config_external_signals, environment_overrides_the_query) {
    const auto r = load_main(dir_, "", {{"TRADEBOT_SIGNALS_EXTERNAL_QUERY", "SELECT 2 AS external_id"},
                                        {"TRADEBOT_SIGNALS_EXTERNAL_ENABLED", "true"}});
    ASSERT_TRUE(r.value.has_value()) << messages(r).front();
    EXPECT_EQ(r.value->signals.external.query, "SELECT 2 AS external_id");
    EXPECT_TRUE(r.value->signals.external.enabled);
}

}  // namespace
}  // namespace tradebot::config
