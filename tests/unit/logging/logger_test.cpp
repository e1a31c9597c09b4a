#include "tradebot/logging/logger.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/ostream_sink.h>

#include "tradebot/logging/secret.hpp"
#include "tradebot/logging/structured.hpp"

namespace logging = tradebot::logging;
using logging::kv;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in{text};
    for (std::string line; std::getline(in, line);) {
        out.push_back(line);
    }
    return out;
}

// The line without its timestamp, which comes from the real clock.
std::string without_ts(const std::string& line) {
    if (line.rfind("ts=", 0) == 0) {
        return line.substr(line.find(' ') + 1);
    }
    if (line.rfind("{\"ts\":\"", 0) == 0) {
        return "{" + line.substr(line.find(',') + 1);
    }
    return line;
}

class captured {
public:
    explicit captured(logging::options opts = quiet()) {
        logging::init(opts, {std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)});
    }
    ~captured() { logging::shutdown(); }
    captured(const captured&) = delete;
    captured& operator=(const captured&) = delete;

    // Drains the writer thread and returns what it wrote, timestamps removed.
    std::vector<std::string> finish() {
        logging::shutdown();
        std::vector<std::string> out;
        for (const auto& line : lines_of(out_.str())) {
            out.push_back(without_ts(line));
        }
        return out;
    }

    static logging::options quiet() {
        logging::options o;
        o.console = false;
        return o;
    }

private:
    std::ostringstream out_;
};

}  // namespace

TEST(logger, usable_before_init_without_crashing) {
    logging::shutdown();
    auto log = logging::get("early");
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(log->name(), "early");
    logging::debug(log, "below the default level");
    EXPECT_FALSE(log->should_log(spdlog::level::debug));
    EXPECT_TRUE(log->should_log(spdlog::level::info));
}

TEST(logger, same_logger_per_module) {
    EXPECT_EQ(logging::get("db"), logging::get("db"));
    EXPECT_NE(logging::get("db"), logging::get("http"));
}

TEST(logger, key_value_lines_through_the_writer_thread) {
    captured cap;
    const std::string host = "127.0.0.1";
    logging::info(logging::get("db"), "connected", kv("host", host), kv("port", 5432));
    logging::get("http")->warn("plain {} message", 7);
    EXPECT_EQ(cap.finish(), (std::vector<std::string>{
                                "level=info module=db msg=\"connected\" host=127.0.0.1 port=5432",
                                "level=warn module=http msg=\"plain 7 message\"",
                            }));
}

TEST(logger, json_lines) {
    auto opts = captured::quiet();
    opts.fmt = logging::options::format::json;
    captured cap{opts};
    logging::error(*logging::get("router"), "dropped", kv("topic", "mark_price"), kv("count", 3));
    EXPECT_EQ(cap.finish(), (std::vector<std::string>{
                                "{\"level\":\"error\",\"module\":\"router\",\"msg\":\"dropped\",\"topic\":\"mark_price\","
                                "\"count\":3}",
                            }));
}

TEST(logger, timestamp_is_utc_iso8601_with_milliseconds) {
    std::ostringstream out;
    logging::init(captured::quiet(), {std::make_shared<spdlog::sinks::ostream_sink_mt>(out)});
    logging::info(logging::get("db"), "x");
    logging::shutdown();
    const std::string line = out.str();
    ASSERT_GE(line.size(), 28U);
    EXPECT_EQ(line.substr(0, 3), "ts=");
    const std::string ts = line.substr(3, 24);
    EXPECT_EQ(ts[4], '-');
    EXPECT_EQ(ts[10], 'T');
    EXPECT_EQ(ts[19], '.');
    EXPECT_EQ(ts[23], 'Z');
    EXPECT_EQ(line[27], ' ');
}

TEST(logger, module_levels_override_the_global_level) {
    auto opts = captured::quiet();
    opts.level = "warn";
    opts.module_levels = {{"http", "debug"}};
    auto db = logging::get("db");  // taken before init: must pick up the new level
    captured cap{opts};
    logging::info(db, "hidden");
    logging::warn(db, "shown");
    logging::debug(logging::get("http"), "detail");
    logging::trace(logging::get("http"), "too fine");
    EXPECT_EQ(cap.finish(), (std::vector<std::string>{
                                "level=warn module=db msg=\"shown\"",
                                "level=debug module=http msg=\"detail\"",
                            }));
}

TEST(logger, rejects_unknown_level_names) {
    auto opts = captured::quiet();
    opts.level = "loud";
    EXPECT_THROW(logging::init(opts), std::invalid_argument);
    opts.level = "info";
    opts.module_levels = {{"db", "verbose"}};
    EXPECT_THROW(logging::init(opts), std::invalid_argument);
    EXPECT_EQ(logging::parse_level("WARNING"), spdlog::level::warn);
    EXPECT_EQ(logging::parse_level("err"), spdlog::level::err);
    EXPECT_EQ(logging::parse_level("off"), spdlog::level::off);
    EXPECT_EQ(logging::parse_level(""), std::nullopt);
}

TEST(logger, registered_secret_never_reaches_the_output) {
    const std::string key = "Ab9\"xQ7-super-secret-key";
    logging::register_secret(key);
    for (const auto fmt : {logging::options::format::kv, logging::options::format::json}) {
        auto opts = captured::quiet();
        opts.fmt = fmt;
        std::ostringstream out;
        logging::init(opts, {std::make_shared<spdlog::sinks::ostream_sink_mt>(out)});
        auto log = logging::get("exchange");
        log->info("request failed, key={}", key);
        logging::warn(log, "signed", kv("api_key", key), kv("query", "symbol=BTCUSDT&key=" + key + "&x=1"));
        logging::info(log, "message with " + key + " inside");
        logging::info(log, "as secret", kv("k", logging::secret{key}));
        logging::shutdown();
        const std::string text = out.str();
        EXPECT_EQ(lines_of(text).size(), 4U);
        EXPECT_EQ(text.find(key), std::string::npos) << text;
        EXPECT_EQ(text.find("super-secret"), std::string::npos) << text;
        EXPECT_NE(text.find("***"), std::string::npos);
    }
    logging::clear_registered_secrets();
}

namespace {

// Holds the writer thread inside the first write until released, so the queue fills
// deterministically behind it.
class gate_sink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    std::promise<void> entered;
    std::shared_future<void> release;
    std::vector<std::string> seen;

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        seen.emplace_back(msg.payload.data(), msg.payload.size());
        if (seen.size() == 1) {
            entered.set_value();
            release.wait();
        }
    }
    void flush_() override {}
};

}  // namespace

TEST(logger, full_queue_drops_the_oldest_lines) {
    auto gate = std::make_shared<gate_sink>();
    std::promise<void> open;
    gate->release = open.get_future().share();
    auto opts = captured::quiet();
    opts.queue_size = 2;
    const auto dropped_before = logging::dropped_lines();
    logging::init(opts, {gate});
    auto log = logging::get("q");
    log->info("1");
    gate->entered.get_future().wait();
    for (const char* m : {"2", "3", "4", "5", "6"}) {
        log->info(m);
    }
    open.set_value();
    logging::shutdown();
    EXPECT_EQ(gate->seen, (std::vector<std::string>{"1", "5", "6"}));
    EXPECT_EQ(logging::dropped_lines() - dropped_before, 3U);
}

TEST(logger, rotating_file_sink_writes_lines) {
    const auto path = std::filesystem::temp_directory_path() / ("tradebot-logging-" + std::to_string(::getpid()) + ".log");
    std::filesystem::remove(path);
    auto opts = captured::quiet();
    opts.file = path.string();
    logging::init(opts);
    logging::info(logging::get("app"), "to file", kv("n", 1));
    logging::shutdown();
    std::ifstream in{path};
    std::string line;
    ASSERT_TRUE(std::getline(in, line));
    EXPECT_EQ(without_ts(line), "level=info module=app msg=\"to file\" n=1");
    std::filesystem::remove(path);
}
