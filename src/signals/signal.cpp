#include "tradebot/signals/signal.hpp"

#include <chrono>
#include <exception>
#include <stdexcept>

#include <boost/throw_exception.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "tradebot/db/signal_repository.hpp"

#include "signals/producer_fields.hpp"

namespace tradebot::signals {

std::string_view detail::trim(std::string_view s) noexcept {
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && blank(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && blank(s.back()))
        s.remove_suffix(1);
    return s;
}

namespace {

using detail::trim;

constexpr auto candle_period = std::chrono::minutes{15};

std::string in_quotes(std::string_view text) {
    // Bounded: a producer's junk must not blow up the status_reason column or the log line.
    constexpr std::size_t max_quote = 64;
    std::string out = "'";
    out.append(text.substr(0, max_quote));
    if (text.size() > max_quote)
        out += "...";
    out += "'";
    return out;
}

reject fail(reject_reason reason, std::string message) {
    return reject{reason, std::move(message)};
}

std::optional<core::exchange_id> parse_venue(std::string_view text) noexcept {
    // The FAS scoring table numbered the venues (original-bot.md §2.1): 1 Binance, 2 Bybit.
    if (text == "1")
        return core::exchange_id::binance;
    if (text == "2")
        return core::exchange_id::bybit;
    const auto venue = core::parse_exchange(text);
    // "paper" is how the bot fills orders in test mode, not a venue a signal can name.
    if (!venue || *venue == core::exchange_id::paper)
        return std::nullopt;
    return venue;
}

std::optional<core::side> parse_action(std::string_view text) noexcept {
    if (const auto s = core::parse_side(text))
        return s;
    if (const auto p = core::parse_position_side(text))
        return core::entry_side(*p);
    return std::nullopt;
}

// nullopt on success; the reject otherwise.
std::optional<reject> parse_score(const std::optional<std::string>& text, std::string_view field, core::decimal& out) {
    if (!text)
        return fail(reject_reason::missing_score, std::string{field} + " is missing");
    const auto value = core::decimal::parse(trim(*text));
    if (!value) {
        return fail(reject_reason::bad_score, std::string{field} + " is not a decimal number: " + in_quotes(*text));
    }
    out = *value;
    return std::nullopt;
}

bool on_candle_boundary(time_point t) noexcept {
    return t.time_since_epoch() % std::chrono::duration_cast<time_point::duration>(candle_period) ==
           time_point::duration::zero();
}

// Exchange, symbol, side and scores: the text columns every kind of row carries, under the same
// names (raw_signal, db::signal_row).
template <typename Row>
std::optional<reject> check_trade_fields(const Row& raw, signal& out) {
    const auto venue = parse_venue(trim(raw.exchange));
    if (!venue) {
        return fail(
            reject_reason::bad_exchange, "exchange " + in_quotes(raw.exchange) + " is not binance or bybit (or 1 / 2)"
        );
    }
    out.exchange = *venue;

    const auto sym = core::symbol::parse(trim(raw.symbol));
    if (!sym) {
        return fail(
            reject_reason::bad_symbol,
            "symbol " + in_quotes(raw.symbol) + " is not BASEQUOTE, BASE/QUOTE or BASE/QUOTE:SETTLE"
        );
    }
    out.symbol = *sym;

    const auto action = parse_action(trim(raw.side));
    if (!action) {
        return fail(reject_reason::bad_side, "side " + in_quotes(raw.side) + " is not BUY, SELL, LONG or SHORT");
    }
    out.side = *action;

    if (auto r = parse_score(raw.score_week, "score_week", out.score_week))
        return r;
    if (auto r = parse_score(raw.score_month, "score_month", out.score_month))
        return r;
    try {
        // Ranking adds the two scores; a pair that cannot be added exactly is refused here,
        // where it is a bad row, rather than in the middle of a wave.
        (void)out.score();
    } catch (const std::exception&) {
        return fail(
            reject_reason::bad_score,
            "score_week " + in_quotes(*raw.score_week) + " and score_month " + in_quotes(*raw.score_month) +
                " are out of range"
        );
    }
    return std::nullopt;
}

}  // namespace

namespace detail {

std::optional<reject> check_producer_fields(const raw_signal& raw, signal& out) {
    if (auto r = check_trade_fields(raw, out))
        return r;
    if (!raw.candle_time)
        return fail(reject_reason::missing_candle_time, "candle_time is missing");
    const auto candle = parse_timestamp(*raw.candle_time);
    if (!candle) {
        return fail(reject_reason::bad_candle_time, "candle_time " + in_quotes(*raw.candle_time) + " is not a timestamp");
    }
    if (!on_candle_boundary(*candle)) {
        // A wave matches candle open times exactly; an off-grid time would never match and the
        // signal would be silently lost.
        return fail(
            reject_reason::bad_candle_time,
            "candle_time " + in_quotes(*raw.candle_time) + " is not the open of a 15-minute candle"
        );
    }
    out.candle_time = *candle;

    if (raw.wave_time) {
        const auto wave = parse_timestamp(*raw.wave_time);
        if (!wave) {
            return fail(reject_reason::bad_wave_time, "wave_time " + in_quotes(*raw.wave_time) + " is not a timestamp");
        }
        out.wave_time = *wave;
    }
    return std::nullopt;
}

}  // namespace detail

namespace {

// Id, source and the producer's id, the first fields of both kinds of row.
template <typename Row>
std::optional<reject> check_identity(const Row& raw, signal& out) {
    if (raw.id <= 0)
        return fail(reject_reason::bad_id, "id must be positive, got " + std::to_string(raw.id));
    out.id = raw.id;

    const auto source = trim(raw.source);
    if (source.empty())
        return fail(reject_reason::bad_source, "source is empty");
    out.source = std::string{source};
    if (raw.external_id)
        out.external_id = std::string{trim(*raw.external_id)};
    return std::nullopt;
}

validation check(const raw_signal& raw) {
    signal out;
    if (auto r = check_identity(raw, out))
        return *r;
    if (auto r = detail::check_producer_fields(raw, out))
        return *r;

    const auto received = parse_timestamp(raw.received_at);
    if (!received) {
        return fail(reject_reason::bad_received_at, "received_at " + in_quotes(raw.received_at) + " is not a timestamp");
    }
    out.received_at = *received;
    return out;
}

// The range parse_timestamp() accepts, so that a row read typed is judged as one read as text.
bool in_timestamp_range(time_point t) noexcept {
    using namespace std::chrono;
    return t >= sys_days{year{1970} / January / 1} && t < sys_days{year{2201} / January / 1};
}

validation check_row(const db::signal_row& row) {
    // The text columns go through the same checks as a raw row's; the times are typed already
    // (PostgreSQL's timestamptz), so only their range and the candle grid are left to check.
    signal out;
    if (auto r = check_identity(row, out))
        return *r;
    if (auto r = check_trade_fields(row, out))
        return *r;
    if (!row.candle_time)
        return fail(reject_reason::missing_candle_time, "candle_time is missing");
    if (!in_timestamp_range(*row.candle_time))
        return fail(reject_reason::bad_candle_time, "candle_time " + in_quotes(format_timestamp(*row.candle_time)) + " is out of range");
    if (!on_candle_boundary(*row.candle_time)) {
        return fail(
            reject_reason::bad_candle_time,
            "candle_time " + in_quotes(format_timestamp(*row.candle_time)) + " is not the open of a 15-minute candle"
        );
    }
    out.candle_time = *row.candle_time;
    if (row.wave_time && !in_timestamp_range(*row.wave_time))
        return fail(reject_reason::bad_wave_time, "wave_time " + in_quotes(format_timestamp(*row.wave_time)) + " is out of range");
    out.wave_time = row.wave_time;
    if (!in_timestamp_range(row.received_at)) {
        return fail(
            reject_reason::bad_received_at, "received_at " + in_quotes(format_timestamp(row.received_at)) + " is out of range"
        );
    }
    out.received_at = row.received_at;
    return out;
}

}  // namespace

std::string_view to_string(reject_reason r) noexcept {
    switch (r) {
    case reject_reason::bad_id:
        return "bad_id";
    case reject_reason::bad_source:
        return "bad_source";
    case reject_reason::bad_exchange:
        return "bad_exchange";
    case reject_reason::bad_symbol:
        return "bad_symbol";
    case reject_reason::bad_side:
        return "bad_side";
    case reject_reason::missing_score:
        return "missing_score";
    case reject_reason::bad_score:
        return "bad_score";
    case reject_reason::missing_candle_time:
        return "missing_candle_time";
    case reject_reason::bad_candle_time:
        return "bad_candle_time";
    case reject_reason::bad_wave_time:
        return "bad_wave_time";
    case reject_reason::bad_received_at:
        return "bad_received_at";
    case reject_reason::missing_external_id:
        return "missing_external_id";
    case reject_reason::future_time:
        return "future_time";
    }
    return "unknown";
}

void throw_exception_from_error(const reject& r, const boost::source_location& loc) {
    boost::throw_with_location(std::invalid_argument(std::string{to_string(r.reason)} + ": " + r.message), loc);
}

validation validate(const raw_signal& raw) noexcept {
    // Only allocation can throw past check(); a row is small, so that is out of memory.
    return check(raw);
}

validation validate(const db::signal_row& row) noexcept {
    // As above: only allocation can throw past check_row().
    return check_row(row);
}

}  // namespace tradebot::signals
