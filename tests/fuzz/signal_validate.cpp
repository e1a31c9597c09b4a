// signals::validate and validate_external: every row a producer writes into the signals table
// (or an external scoring table) reaches them as text. The input is the row's fields, one per
// line, in raw_signal's order (a line that is exactly "\N" is SQL NULL); the id is the first
// line's number. Properties: never throws (noexcept: a throw terminates); an accepted row has a
// candle time on the 15-minute grid and the scores its text says; a timestamp the parser accepts
// prints (format_timestamp) to a text that parses to the same instant.

#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "fuzz_check.hpp"
#include "tradebot/signals/external_signal.hpp"
#include "tradebot/signals/signal.hpp"
#include "tradebot/signals/timestamp.hpp"

namespace {

namespace fuzz = tradebot::fuzz;
namespace signals = tradebot::signals;

std::optional<std::string> nullable(std::string_view line) {
    if (line == "\\N") {
        return std::nullopt;
    }
    return std::string{line};
}

std::string_view blank_trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
        s.remove_suffix(1);
    }
    return s;
}

void check_timestamp(std::string_view text) {
    const auto t = signals::parse_timestamp(text);
    if (!t) {
        return;
    }
    const auto micros = std::chrono::floor<std::chrono::microseconds>(*t);
    const auto printed = signals::format_timestamp(*t);
    const auto again = signals::parse_timestamp(printed);
    if (!again || *again != micros) {
        fuzz::fail("a timestamp changed in a print and parse round trip", text, printed);
    }
}

void check_accepted(const signals::raw_signal& raw, const signals::validation& v) {
    if (!v) {
        return;
    }
    const auto since_epoch = v->candle_time.time_since_epoch();
    fuzz::check(since_epoch % std::chrono::minutes{15} == std::chrono::nanoseconds{0},
                "an accepted candle time is off the 15-minute grid");
    fuzz::check(raw.score_week && raw.score_month, "a row without scores was accepted");
    const auto week = tradebot::core::decimal::parse(blank_trimmed(*raw.score_week));
    const auto month = tradebot::core::decimal::parse(blank_trimmed(*raw.score_month));
    fuzz::check(week && *week == v->score_week && month && *month == v->score_month,
                "accepted scores differ from their text");
    fuzz::check(!v->symbol.view().empty(), "an accepted row has no symbol");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto lines = fuzz::split_lines(fuzz::as_text(data, size), 11);
    auto line = [&lines](std::size_t i) { return i < lines.size() ? lines[i] : std::string_view{}; };
    signals::raw_signal raw;
    std::int64_t id = 0;
    const auto first = line(0);
    (void)std::from_chars(first.data(), first.data() + first.size(), id);
    raw.id = id;
    raw.source = std::string{line(1)};
    raw.external_id = nullable(line(2));
    raw.exchange = std::string{line(3)};
    raw.symbol = std::string{line(4)};
    raw.side = std::string{line(5)};
    raw.score_week = nullable(line(6));
    raw.score_month = nullable(line(7));
    raw.candle_time = nullable(line(8));
    raw.wave_time = nullable(line(9));
    raw.received_at = std::string{line(10)};

    check_accepted(raw, signals::validate(raw));
    check_accepted(raw, signals::validate_external(raw));
    for (const auto l : lines) {
        check_timestamp(l);
    }
    return 0;
}
