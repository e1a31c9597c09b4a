#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include <boost/asio/strand.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <spdlog/sinks/ostream_sink.h>

#include "tradebot/core/clock.hpp"
#include "tradebot/db/signal_repository.hpp"
#include "tradebot/db/transaction.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/signals/external_source.hpp"
#include "tradebot/signals/signal.hpp"
#include "tradebot_test/pg_fixture.hpp"
#include "tradebot_test/env.hpp"

namespace tradebot::signals {
namespace {

using namespace std::chrono_literals;
using testing::HasSubstr;
using testing::Not;

// 2026-01-01 00:00 UTC plus minutes.
time_point at(int minutes) { return time_point{std::chrono::seconds{1'767'225'600} + std::chrono::minutes{minutes}}; }

// The original's source (original-bot.md §2.1) in two schemas private to the test, standing in
// for fas and public: scores are floats, the candle a naive timestamp, the venue a number.
class external_source_test : public db::test::migrated_pg_test {
protected:
    void SetUp() override {
        migrated_pg_test::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        fas_ = schema_ + "_fas";
        pub_ = schema_ + "_pub";
        exec("CREATE SCHEMA " + fas_ + "; CREATE SCHEMA " + pub_ + ";"
             "CREATE TABLE " + pub_ + ".trading_pairs (id integer PRIMARY KEY, exchange_id integer NOT NULL,"
             " pair_symbol text NOT NULL);"
             "CREATE TABLE " + fas_ + ".scoring_history (id integer PRIMARY KEY, trading_pair_id bigint,"
             " pair_symbol text, exchange_id integer, score_week double precision, score_month double precision,"
             " recommended_action text, patterns_details jsonb, \"timestamp\" timestamp without time zone,"
             " created_at timestamp DEFAULT now(), is_active boolean NOT NULL DEFAULT true,"
             " is_processed boolean DEFAULT false);"
             "INSERT INTO " + pub_ + ".trading_pairs VALUES (1, 1, 'BTCUSDT'), (2, 2, 'ETHUSDT'), (3, 1, 'SOLUSDT'),"
             " (4, 3, 'XRPUSDT'), (5, 1, '');");
        settings_.enabled = true;
        settings_.source = "fas";
        settings_.query = original_query();
        logging::init(quiet(), {std::make_shared<spdlog::sinks::ostream_sink_mt>(log_)});
        reader_ = std::make_unique<db::database>(db::database_options{.url = url_, .schema = schema_});
    }

    void TearDown() override {
        source_.reset();
        reader_.reset();
        logging::shutdown();
        if (!url_.empty() && !fas_.empty()) {
            exec("DROP SCHEMA IF EXISTS " + fas_ + " CASCADE; DROP SCHEMA IF EXISTS " + pub_ + " CASCADE");
        }
        migrated_pg_test::TearDown();
    }

    static logging::options quiet() {
        logging::options o;
        o.console = false;
        return o;
    }

    // The V1 wave query, minus the wave: the join with the integer cast, the venue numbers, the
    // active flag, the actions and V1's production score thresholds (70 / 80). The trailing ';'
    // is how people write it; the adapter must cope.
    [[nodiscard]] std::string original_query() const {
        return "SELECT sh.id AS external_id,\n"
               "       CASE tp.exchange_id WHEN 1 THEN 'binance' WHEN 2 THEN 'bybit' ELSE 'unknown' END AS exchange,\n"
               "       sh.pair_symbol AS symbol, sh.recommended_action AS side,\n"
               "       sh.score_week, sh.score_month, sh.\"timestamp\" AS candle_time\n"
               "FROM " + fas_ + ".scoring_history sh\n"
               "JOIN " + pub_ + ".trading_pairs tp ON tp.id = sh.trading_pair_id::integer\n"
               "WHERE sh.\"timestamp\" >= $1 AND sh.is_active\n"
               "  AND sh.recommended_action IN ('BUY', 'SELL', 'LONG', 'SHORT')\n"
               "  AND sh.score_week >= 70 AND sh.score_month >= 80\n"
               "-- ordered by the adapter\n;";
    }

    void exec(const std::string& sql) {
        pqxx::connection conn{url_};
        pqxx::work tx{conn};
        tx.exec(sql);
        tx.commit();
    }

    [[nodiscard]] std::string scalar(const std::string& sql) {
        pqxx::connection conn{url_};
        pqxx::nontransaction tx{conn};
        const auto r = tx.exec(sql);
        return r.empty() || r[0][0].is_null() ? "<null>" : r[0][0].as<std::string>();
    }

    // One scoring row; `minute` is the candle open after 2026-01-01 00:00 UTC.
    void score(int id, int pair, const char* symbol, const char* action, double week, double month, int minute,
               bool active = true) {
        exec("INSERT INTO " + fas_ + ".scoring_history (id, trading_pair_id, pair_symbol, exchange_id, score_week,"
             " score_month, recommended_action, \"timestamp\", is_active) VALUES (" + std::to_string(id) + ", " +
             std::to_string(pair) + ", '" + symbol + "', 1, " + std::to_string(week) + ", " + std::to_string(month) +
             ", '" + action + "', timestamp '2026-01-01 00:00' + interval '" + std::to_string(minute) +
             " minutes', " + (active ? "true" : "false") + ")");
    }

    external_source& source() {
        if (!source_) {
            source_ = std::make_unique<external_source>(boost::asio::make_strand(io_), settings_, *reader_, *db_,
                                                        clock_, registry_);
        }
        return *source_;
    }

    external_source::poll_result poll() { return await(source().poll_once()); }

    [[nodiscard]] std::int64_t copied() {
        return std::stoll(scalar("SELECT count(*) FROM " + schema_ + ".signals WHERE source = 'fas'"));
    }

    // The value of a counter (summed over the label sets that match `label`).
    [[nodiscard]] double metric(const std::string& name, const std::string& label = {}) {
        double sum = 0;
        for (const auto& family : registry_.Collect()) {
            if (family.name != name) {
                continue;
            }
            for (const auto& m : family.metric) {
                bool match = label.empty();
                for (const auto& l : m.label) {
                    match = match || l.value == label;
                }
                if (match) {
                    sum += family.type == prometheus::MetricType::Gauge ? m.gauge.value : m.counter.value;
                }
            }
        }
        return sum;
    }

    // Runs io_ until `done` (or fails after `limit`): for the poll loop, which runs on timers.
    void run_until(const std::function<bool()>& done, std::chrono::seconds limit = 20s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            io_.restart();
            io_.run_for(10ms);
        }
        ASSERT_TRUE(done()) << "condition not reached in time";
    }

    [[nodiscard]] std::string logs() {
        logging::shutdown();
        return log_.str();
    }

    std::string fas_;
    std::string pub_;
    core::manual_clock clock_{at(120)};
    config::external_signals_settings settings_;
    prometheus::Registry registry_;
    std::ostringstream log_;
    std::unique_ptr<db::database> reader_;
    std::unique_ptr<external_source> source_;
};

TEST_F(external_source_test, copies_the_original_rows_once) {
    score(101, 1, "BTCUSDT", "BUY", 75.5, 85, 60);
    score(102, 2, "ETHUSDT", "SHORT", 90, 99.25, 60);
    score(103, 3, "SOLUSDT", "SELL", 71, 81, 75);
    score(104, 1, "BTCUSDT", "NO_TRADE", 99, 99, 75);    // not an action
    score(105, 3, "SOLUSDT", "BUY", 99, 99, 75, false);  // processed by the original (is_active = false)
    score(106, 3, "SOLUSDT", "BUY", 60, 99, 75);         // below the week threshold

    const auto first = poll();
    EXPECT_TRUE(first.ok) << source().last_error();
    EXPECT_EQ(first.read, 3U);
    EXPECT_EQ(first.inserted, 3);
    EXPECT_EQ(first.rejected, 0U);
    EXPECT_EQ(copied(), 3);
    EXPECT_EQ(scalar("SELECT string_agg(concat_ws('|', external_id, exchange, symbol, side, score_week, score_month,"
                     " to_char(candle_time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), status), ',' ORDER BY id) FROM " +
                     schema_ + ".signals"),
              "101|binance|BTCUSDT|buy|75.5|85|2026-01-01 01:00|new,"
              "102|bybit|ETHUSDT|sell|90|99.25|2026-01-01 01:00|new,"
              "103|binance|SOLUSDT|sell|71|81|2026-01-01 01:15|new");

    // The overlap reads the same rows again; nothing is inserted twice.
    const auto again = poll();
    EXPECT_TRUE(again.ok);
    EXPECT_EQ(again.read, 3U);
    EXPECT_EQ(again.inserted, 0);
    EXPECT_EQ(copied(), 3);
    EXPECT_EQ(metric("tradebot_external_signals_read_total"), 6);
    EXPECT_EQ(metric("tradebot_external_signals_inserted_total"), 3);
    EXPECT_EQ(metric("tradebot_external_signal_polls_total", "ok"), 2);

    // Only polls that copy something say so at info level.
    const auto text = logs();
    EXPECT_THAT(text, HasSubstr("msg=\"external signals copied\" source=fas read=3 inserted=3 rejected=0"));
    EXPECT_EQ(text.find("external signals copied"), text.rfind("external signals copied"));
}

// The example shipped (commented out) in config/strategies.yaml runs against the original's tables.
TEST_F(external_source_test, the_shipped_example_query_works) {
    std::ifstream in{tradebot::test::source_dir() / "config" / "strategies.yaml"};
    std::string line;
    std::string query;
    bool inside = false;
    while (std::getline(in, line)) {
        if (line.find("#   query: |") != std::string::npos) {
            inside = true;
        } else if (inside && line.rfind("    #     ", 0) == 0) {
            query += line.substr(10) + "\n";
        } else if (inside) {
            break;
        }
    }
    ASSERT_THAT(query, HasSubstr("FROM fas.scoring_history sh"));
    for (const auto& [from, to] : {std::pair{std::string{"fas."}, fas_ + "."}, std::pair{std::string{"public."}, pub_ + "."}}) {
        for (auto at = query.find(from); at != std::string::npos; at = query.find(from, at + to.size())) {
            query.replace(at, from.size(), to);
        }
    }
    settings_.query = query;
    score(901, 1, "BTCUSDT", "BUY", 10, 20, 60);  // no thresholds in the example: the bot's own apply
    score(902, 2, "ETHUSDT", "NO_TRADE", 99, 99, 60);
    const auto r = poll();
    EXPECT_TRUE(r.ok) << source().last_error();
    EXPECT_EQ(r.inserted, 1);
    EXPECT_EQ(scalar("SELECT external_id || ' ' || exchange FROM " + schema_ + ".signals"), "901 binance");
}

TEST_F(external_source_test, copied_rows_take_the_normal_path) {
    score(201, 1, "BTCUSDT", "LONG", 80, 90, 90);
    ASSERT_TRUE(poll().ok) << source().last_error();
    // What the daemon's intake does after the NOTIFY: claim, then validate.
    db::signal_repository repo{*db_};
    auto claimed = await(repo.claim_new(10, "test"));
    ASSERT_TRUE(claimed) << claimed.error();
    ASSERT_EQ(claimed->size(), 1U);
    const auto& row = claimed->front();
    ASSERT_TRUE(row.candle_time.has_value());
    EXPECT_EQ(*row.candle_time, at(90));
    const auto v = validate(row);
    ASSERT_TRUE(v.has_value()) << v.error().message;
    EXPECT_EQ(v->candle_time, at(90));
    EXPECT_EQ(v->source, "fas");
    EXPECT_EQ(v->external_id, "201");
    EXPECT_EQ(v->side, core::side::buy);
}

TEST_F(external_source_test, the_insert_notifies_the_daemon) {
    pqxx::connection listener{url_};
    pqxx::nontransaction{listener}.exec("LISTEN " + schema_ + "_signals");
    score(301, 1, "BTCUSDT", "BUY", 80, 90, 105);
    ASSERT_TRUE(poll().ok) << source().last_error();
    EXPECT_EQ(listener.await_notification(5, 0), 1);
}

TEST_F(external_source_test, a_bad_row_is_reported_once_and_the_good_ones_are_copied) {
    score(401, 1, "BTCUSDT", "BUY", 80, 90, 60);   // good
    score(402, 4, "XRPUSDT", "BUY", 80, 90, 60);   // trading pair on venue 3: exchange 'unknown'
    score(403, 5, "", "SELL", 80, 90, 60);         // no symbol
    score(404, 3, "SOLUSDT", "BUY", 80, 90, 67);   // not a candle open
    score(405, 2, "ETHUSDT", "SELL", 80, 90, 75);  // good

    const auto first = poll();
    EXPECT_TRUE(first.ok) << source().last_error();
    EXPECT_EQ(first.read, 5U);
    EXPECT_EQ(first.inserted, 2);
    EXPECT_EQ(first.rejected, 3U);
    EXPECT_EQ(scalar("SELECT string_agg(external_id, ',' ORDER BY id) FROM " + schema_ + ".signals"), "401,405");
    EXPECT_EQ(metric("tradebot_external_signals_rejected_total", "bad_exchange"), 1);
    EXPECT_EQ(metric("tradebot_external_signals_rejected_total", "bad_symbol"), 1);
    EXPECT_EQ(metric("tradebot_external_signals_rejected_total", "bad_candle_time"), 1);

    // Re-read in the overlap: not reported or counted again.
    const auto again = poll();
    EXPECT_EQ(again.read, 5U);
    EXPECT_EQ(again.rejected, 0U);
    EXPECT_EQ(metric("tradebot_external_signals_rejected_total"), 3);

    const auto text = logs();
    EXPECT_THAT(text, HasSubstr("msg=\"external signal row rejected\" source=fas external_id=402 reason=bad_exchange "
                                "error=\"exchange 'unknown' is not binance or bybit (or 1 / 2)\""));
    EXPECT_THAT(text, HasSubstr("external_id=404 reason=bad_candle_time"));
    EXPECT_EQ(text.find("external_id=402"), text.rfind("external_id=402"));
}

TEST_F(external_source_test, the_watermark_follows_the_newest_candle) {
    settings_.overlap_minutes = 30min;
    settings_.lookback_minutes = 120min;
    // Before any row: now (02:00) minus the lookback.
    EXPECT_EQ(source().watermark(), at(0));
    score(501, 1, "BTCUSDT", "BUY", 80, 90, 60);
    score(502, 2, "ETHUSDT", "BUY", 80, 90, 90);
    ASSERT_TRUE(poll().ok) << source().last_error();
    EXPECT_EQ(source().watermark(), at(60));  // 01:30 - 30 min
    EXPECT_EQ(metric("tradebot_external_signals_newest_candle_seconds"),
              static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(at(90).time_since_epoch()).count()));

    clock_.advance(15min);
    score(503, 3, "SOLUSDT", "BUY", 80, 90, 105);
    score(504, 3, "SOLUSDT", "SELL", 80, 90, 45);  // written late for a candle behind the watermark
    const auto next = poll();
    EXPECT_EQ(next.read, 3U);  // 01:00, 01:30 and 01:45 (from the watermark on), not the late 00:45
    EXPECT_EQ(next.inserted, 1);
    EXPECT_EQ(source().watermark(), at(75));

    // Long quiet: the lookback bounds the read.
    clock_.advance(5h);
    EXPECT_EQ(source().watermark(), at(135 + 300 - 120));
    EXPECT_EQ(poll().read, 0U);
}

TEST_F(external_source_test, max_rows_reads_on_from_the_last_candle) {
    settings_.max_rows = 2;
    score(601, 1, "BTCUSDT", "BUY", 80, 90, 30);
    score(602, 2, "ETHUSDT", "BUY", 80, 90, 45);
    score(603, 3, "SOLUSDT", "BUY", 80, 90, 60);
    score(604, 1, "BTCUSDT", "SELL", 80, 90, 75);
    auto r = poll();
    EXPECT_EQ(r.read, 2U);
    EXPECT_EQ(source().watermark(), at(45));  // no overlap while catching up
    r = poll();
    EXPECT_EQ(r.read, 2U);  // 00:45 again and 01:00
    EXPECT_EQ(r.inserted, 1);
    r = poll();
    EXPECT_EQ(r.inserted, 1);
    EXPECT_EQ(copied(), 4);
    EXPECT_THAT(logs(), HasSubstr("external signal query hit max_rows"));
}

TEST_F(external_source_test, a_broken_query_is_logged_once_and_the_poller_recovers) {
    settings_.poll_interval_ms = 20ms;
    score(701, 1, "BTCUSDT", "BUY", 80, 90, 60);
    exec("ALTER TABLE " + fas_ + ".scoring_history RENAME COLUMN score_week TO score_wk");

    auto& s = source();
    s.start();
    run_until([&] { return metric("tradebot_external_signal_polls_total", "query_error") >= 3; });
    EXPECT_THAT(s.last_error(), HasSubstr("score_week"));
    EXPECT_THAT(s.last_error(), HasSubstr("does not exist"));
    EXPECT_EQ(copied(), 0);

    exec("ALTER TABLE " + fas_ + ".scoring_history RENAME COLUMN score_wk TO score_week");
    run_until([&] { return metric("tradebot_external_signals_inserted_total") >= 1; });
    EXPECT_EQ(copied(), 1);
    EXPECT_EQ(s.last_error(), "");

    s.stop();
    run_until([&] { return s.idle(); });

    const auto text = logs();
    EXPECT_THAT(text, HasSubstr("level=error module=signals msg=\"external signal query failed\" source=fas "
                                "error=\"query failed: ERROR:  column sh.score_week does not exist"));
    // Reported once, not every 20 ms.
    EXPECT_EQ(text.find("external signal query failed"), text.rfind("external signal query failed"));
    EXPECT_THAT(text, HasSubstr("msg=\"external signal source recovered\""));
}

TEST_F(external_source_test, a_slow_query_is_cancelled_by_the_timeout) {
    settings_.query_timeout_ms = 200ms;
    settings_.query = "SELECT 1 AS external_id, 'binance' AS exchange, 'BTCUSDT' AS symbol, 'BUY' AS side,"
                      " 1 AS score_week, 1 AS score_month, now() AS candle_time FROM pg_sleep(5)";
    const auto started = std::chrono::steady_clock::now();
    const auto r = poll();
    EXPECT_FALSE(r.ok);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
    EXPECT_THAT(source().last_error(), HasSubstr("statement timeout"));
}

TEST_F(external_source_test, the_query_cannot_write) {
    // A data-modifying CTE cannot be a subquery at all; a writing function is stopped by the
    // read-only transaction.
    exec("CREATE SEQUENCE " + fas_ + ".ids");
    settings_.query = "SELECT nextval('" + fas_ + ".ids') AS external_id, 'binance' AS exchange, 'BTCUSDT' AS symbol,"
                      " 'BUY' AS side, 1 AS score_week, 1 AS score_month, now() AS candle_time";
    EXPECT_FALSE(poll().ok);
    EXPECT_THAT(source().last_error(), HasSubstr("read-only transaction"));
    EXPECT_EQ(scalar("SELECT last_value FROM " + fas_ + ".ids"), "1");
    EXPECT_EQ(scalar("SELECT is_called::text FROM " + fas_ + ".ids"), "false");
}

}  // namespace
}  // namespace tradebot::signals
