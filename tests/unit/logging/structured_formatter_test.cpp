#include "logging/structured_formatter.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <system_error>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/logging/secret.hpp"
#include "tradebot/logging/structured.hpp"

namespace logging = tradebot::logging;
namespace core = tradebot::core;
using logging::kv;

namespace {

// 2026-11-26T12:00:00.123Z
const spdlog::log_clock::time_point fixed_time{std::chrono::milliseconds{1'795'694'400'123}};

template <class... V>
std::string payload(std::string_view msg, const logging::field<V>&... fields) {
    logging::detail::buffer out;
    logging::detail::buffer scratch;
    logging::detail::begin_payload(out, msg);
    (logging::detail::add(out, scratch, fields), ...);
    return {out.data(), out.size()};
}

std::string line(logging::options::format fmt, std::string_view text,
                 spdlog::level::level_enum level = spdlog::level::info, std::string_view module = "db") {
    logging::structured_formatter f{fmt};
    const spdlog::details::log_msg msg{fixed_time, spdlog::source_loc{}, module, level, text};
    spdlog::memory_buf_t out;
    f.format(msg, out);
    return {out.data(), out.size()};
}

std::string kv_line(std::string_view text, spdlog::level::level_enum level = spdlog::level::info) {
    return line(logging::options::format::kv, text, level);
}
std::string json_line(std::string_view text, spdlog::level::level_enum level = spdlog::level::info) {
    return line(logging::options::format::json, text, level);
}

}  // namespace

TEST(structured_formatter, key_value_line) {
    const std::string host = "127.0.0.1";
    EXPECT_EQ(kv_line(payload("connected", kv("host", host), kv("port", 5432))),
              "ts=2026-11-26T12:00:00.123Z level=info module=db msg=\"connected\" host=127.0.0.1 port=5432\n");
}

TEST(structured_formatter, json_line) {
    const std::string host = "127.0.0.1";
    EXPECT_EQ(json_line(payload("connected", kv("host", host), kv("port", 5432), kv("tls", false))),
              "{\"ts\":\"2026-11-26T12:00:00.123Z\",\"level\":\"info\",\"module\":\"db\",\"msg\":\"connected\","
              "\"host\":\"127.0.0.1\",\"port\":5432,\"tls\":false}\n");
}

TEST(structured_formatter, level_names) {
    EXPECT_NE(kv_line("x", spdlog::level::warn).find(" level=warn "), std::string::npos);
    EXPECT_NE(kv_line("x", spdlog::level::err).find(" level=error "), std::string::npos);
    EXPECT_NE(json_line("x", spdlog::level::critical).find("\"level\":\"critical\""), std::string::npos);
}

TEST(structured_formatter, plain_spdlog_message_becomes_msg) {
    EXPECT_EQ(kv_line("order 42 filled"),
              "ts=2026-11-26T12:00:00.123Z level=info module=db msg=\"order 42 filled\"\n");
    EXPECT_EQ(json_line("say \"hi\""),
              "{\"ts\":\"2026-11-26T12:00:00.123Z\",\"level\":\"info\",\"module\":\"db\",\"msg\":\"say \\\"hi\\\"\"}\n");
}

TEST(structured_formatter, escapes_quotes_newlines_and_control_bytes_in_kv) {
    const std::string nasty = "a \"b\"\nc=d\\e\x01";
    const std::string_view prefix = "ts=2026-11-26T12:00:00.123Z level=info module=db ";
    EXPECT_EQ(kv_line(payload("multi\nline", kv("v", nasty), kv("empty", ""))),
              std::string{prefix} + "msg=\"multi\\nline\" v=\"a \\\"b\\\"\\nc=d\\\\e\\x01\" empty=\"\"\n");
}

TEST(structured_formatter, escapes_in_json_and_keeps_unicode) {
    const std::string nasty = "a \"b\"\nc\\\t\x01\x7f";
    const std::string unicode = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80";  // café € 🚀
    EXPECT_EQ(json_line(payload("m", kv("v", nasty), kv("u", unicode))),
              "{\"ts\":\"2026-11-26T12:00:00.123Z\",\"level\":\"info\",\"module\":\"db\",\"msg\":\"m\","
              "\"v\":\"a \\\"b\\\"\\nc\\\\\\t\\u0001\\u007f\",\"u\":\"" +
                  unicode + "\"}\n");
    EXPECT_EQ(kv_line(payload("m", kv("u", unicode))),
              "ts=2026-11-26T12:00:00.123Z level=info module=db msg=\"m\" u=\"" + unicode + "\"\n");
}

TEST(structured_formatter, invalid_utf8_never_breaks_the_line) {
    const std::string bad = "x\xff\xc3(\xed\xa0\x80";  // stray byte, truncated sequence, surrogate
    EXPECT_EQ(json_line(payload("m", kv("b", bad))),
              "{\"ts\":\"2026-11-26T12:00:00.123Z\",\"level\":\"info\",\"module\":\"db\",\"msg\":\"m\","
              "\"b\":\"x\\ufffd\\ufffd(\\ufffd\\ufffd\\ufffd\"}\n");
    EXPECT_EQ(kv_line(payload("m", kv("b", bad))),
              "ts=2026-11-26T12:00:00.123Z level=info module=db msg=\"m\" b=\"x\\xff\\xc3(\\xed\\xa0\\x80\"\n");
}

TEST(structured_formatter, renders_core_types) {
    const auto price = core::decimal::from_string("65000.10");
    const auto sym = core::symbol::from_string("BTCUSDT");
    const std::optional<core::decimal> none;
    const std::optional<int> some = 3;
    const std::error_code ec = std::make_error_code(std::errc::connection_refused);
    const double ratio = 0.25;
    EXPECT_EQ(json_line(payload("p", kv("price", price), kv("symbol", sym), kv("side", core::side::sell),
                                kv("venue", core::exchange_id::bybit), kv("index", none), kv("n", some),
                                kv("ratio", ratio), kv("ec", ec))),
              "{\"ts\":\"2026-11-26T12:00:00.123Z\",\"level\":\"info\",\"module\":\"db\",\"msg\":\"p\","
              "\"price\":\"65000.10\",\"symbol\":\"BTCUSDT\",\"side\":\"sell\",\"venue\":\"bybit\",\"index\":null,"
              "\"n\":3,\"ratio\":0.25,\"ec\":\"" +
                  ec.message() + " (" + std::to_string(ec.value()) + ")\"}\n");
}

TEST(structured_formatter, non_finite_numbers_stay_valid_json) {
    const double inf = std::numeric_limits<double>::infinity();
    EXPECT_EQ(json_line(payload("m", kv("x", inf))),
              "{\"ts\":\"2026-11-26T12:00:00.123Z\",\"level\":\"info\",\"module\":\"db\",\"msg\":\"m\",\"x\":\"inf\"}\n");
}

TEST(structured_formatter, keys_are_sanitised) {
    EXPECT_EQ(kv_line(payload("m", kv("bad key=\"", 1), kv("", 2))),
              "ts=2026-11-26T12:00:00.123Z level=info module=db msg=\"m\" bad_key__=1 _=2\n");
}

TEST(structured_formatter, corrupt_payload_is_printed_whole) {
    const std::string corrupt = std::string{"\x1e"} + "3:abc" + "99:x";
    EXPECT_EQ(kv_line(corrupt), "ts=2026-11-26T12:00:00.123Z level=info module=db msg=\"3:abc99:x\"\n");
}

TEST(structured_formatter, secret_prints_as_mask) {
    const logging::secret key{"hunter2-api-key"};
    EXPECT_EQ(kv_line(payload("signing", kv("key", key))),
              "ts=2026-11-26T12:00:00.123Z level=info module=db msg=\"signing\" key=***\n");
    EXPECT_EQ(fmt::format("{}", key), "***");
    EXPECT_EQ(key.reveal(), "hunter2-api-key");
}
