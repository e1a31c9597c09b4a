// Bybit stream frames, differential, with the tickers state: every decode path of the same
// frame, starting from the same ticker book, must give the same answer and leave the same book.
//   fixed (json::fixed_scan) and flat (json::flat_scan) stand in front of the simdjson hot pass;
//   what either takes it must decode exactly as the hot pass, malformed reason included
//   (tests/unit/exchange_bybit/flat_ticker_test.cpp states that contract).
//   The hot pass stands in front of the generic pass; what it takes must be the generic pass's
//   answer (kind and values; the wording of a malformed reason may differ).
//   The connection's stream_decoder, fed every frame of one input (a line each: a snapshot, then
//   deltas), must answer as the generic pass does and hold the same book.
// A disagreement aborts: libFuzzer keeps the frames.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include <fmt/format.h>

#include "exchange/bybit/ticker_codec.hpp"
#include "fuzz_check.hpp"
#include "tradebot/exchange/bybit/stream_codec.hpp"

namespace {

using namespace tradebot::exchange::bybit;
namespace fuzz = tradebot::fuzz;
namespace json = tradebot::exchange::json;
using tradebot::core::decimal;

const time_point rx{std::chrono::milliseconds{1'767'225'600'000}};
constexpr std::array<std::string_view, 3> venue_names{"BTCUSDT", "ETHUSDT", "1000PEPEUSDT"};

std::string dec(const std::optional<decimal>& d) { return d ? d->to_string() : "-"; }
long long ns(time_point t) { return static_cast<long long>(t.time_since_epoch().count()); }

std::string state(const ticker& t) {
    return fmt::format("{} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {}", t.symbol.view(),
                       dec(t.last_price), dec(t.mark_price), dec(t.index_price), dec(t.bid1_price),
                       dec(t.bid1_size), dec(t.ask1_price), dec(t.ask1_size), dec(t.funding_rate),
                       t.next_funding_time_ms.value_or(-1), dec(t.open_interest), dec(t.volume_24h),
                       dec(t.turnover_24h), dec(t.high_price_24h), dec(t.low_price_24h), dec(t.prev_price_24h),
                       dec(t.price_24h_pcnt), t.cross_seq, ns(t.exchange_ts));
}

std::string summary(const std::optional<decoded>& d, bool reasons) {
    if (!d) {
        return "declined";
    }
    if (const auto* u = std::get_if<ticker_update>(&*d)) {
        return fmt::format("ticker {} snapshot={} mark={} {} {} {}", state(u->state), u->snapshot,
                           u->mark ? u->mark->price.to_string() : "-",
                           u->mark ? dec(u->mark->index_price) : "-", u->mark ? ns(u->mark->exchange_ts) : 0,
                           ns(u->receive_ts));
    }
    if (const auto* m = std::get_if<malformed>(&*d)) {
        return reasons ? "malformed " + m->reason : "malformed";
    }
    if (const auto* w = std::get_if<delta_without_snapshot>(&*d)) {
        return fmt::format("delta without snapshot {} {}", w->symbol.view(), w->topic);
    }
    if (const auto* u = std::get_if<unknown_symbol>(&*d)) {
        return "unknown " + u->venue_name + " " + u->topic;
    }
    if (const auto* i = std::get_if<ignored>(&*d)) {
        return "ignored " + i->topic;
    }
    // The other topics have one decoder, the generic pass: their kind is enough.
    return fmt::format("variant {}", d->index());
}

struct paths {
    paths() {
        symbols.add_instrument("BTCUSDT", "BTC", "USDT");
        symbols.add_instrument("ETHUSDT", "ETH", "USDT");
        symbols.add_instrument("1000PEPEUSDT", "1000PEPE", "USDT");
    }

    // Every symbol's merged state; the books of two paths must match exactly.
    std::string book_text(const ticker_book& book) const {
        std::string out = fmt::format("{} symbols", book.size());
        for (const auto name : venue_names) {
            const auto sym = symbols.to_internal(name);
            const auto* t = sym ? book.find(*sym) : nullptr;
            out += t != nullptr ? " [" + state(*t) + "]" : " [-]";
        }
        return out;
    }

    using fast_path = bool (*)(std::string_view, const detail::context&, ticker_book&, decoded&);
    std::optional<decoded> fast(fast_path path, std::string_view text, ticker_book& book) const {
        decoded out;
        if (!path(text, detail::context{symbols, rx}, book, out)) {
            return std::nullopt;
        }
        return out;
    }

    std::optional<decoded> hot(std::string_view text, ticker_book& book) {
        const auto padded = json::pad(text, buffer);
        json::od::document doc;
        if (parser.iterate(padded).get(doc)) {
            return std::nullopt;
        }
        decoded out;
        if (!detail::decode_ticker_hot(doc, detail::context{symbols, rx}, book, out)) {
            return std::nullopt;
        }
        return out;
    }

    // A fast path that declines leaves its book alone; one that takes the frame must leave the
    // book the reference path left.
    void compare_fast(fast_path path, std::string_view text, const std::string& expected,
                      const std::string& expected_book, std::string_view name) const {
        ticker_book book = reference;
        if (const auto f = fast(path, text, book)) {
            fuzz::same(summary(f, true), expected, std::string{name} + " disagrees with decode_ticker_hot");
            fuzz::same(book_text(book), expected_book, std::string{name} + " left another book than the hot pass");
        } else {
            fuzz::same(book_text(book), book_text(reference), std::string{name} + " declined but changed the book");
        }
    }

    void check(std::string_view text) {
        ticker_book generic_book = reference;
        const auto generic = summary(detail::decode_generic(text, detail::context{symbols, rx}, generic_book), false);
        const auto generic_state = book_text(generic_book);

        ticker_book hot_book = reference;
        const auto hot_answer = hot(text, hot_book);
        if (hot_answer) {
            fuzz::same(summary(hot_answer, false), generic, "decode_ticker_hot disagrees with the generic pass");
            fuzz::same(book_text(hot_book), generic_state, "decode_ticker_hot left another book than the generic pass");
            const auto hot_exact = summary(hot_answer, true);
            compare_fast(&detail::decode_ticker_fixed, text, hot_exact, generic_state, "decode_ticker_fixed");
            compare_fast(&detail::decode_ticker_flat, text, hot_exact, generic_state, "decode_ticker_flat");
        } else {
            compare_fast(&detail::decode_ticker_fixed, text, "declined", book_text(reference), "decode_ticker_fixed");
            compare_fast(&detail::decode_ticker_flat, text, "declined", book_text(reference), "decode_ticker_flat");
        }

        fuzz::same(summary(connection.decode(text, rx), false), generic,
                   "stream_decoder disagrees with the generic pass");
        fuzz::same(book_text(connection.tickers()), generic_state, "stream_decoder holds another book");
        reference = std::move(generic_book);
    }

    tradebot::exchange::symbol_map symbols{tradebot::core::exchange_id::bybit};
    json::od::parser parser;
    std::string buffer;
    ticker_book reference;
    stream_decoder connection{symbols};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static paths p;
    // Each input starts from an empty book, on every path.
    p.reference.clear();
    p.connection.tickers().clear();
    for (const auto frame : fuzz::split_lines(fuzz::as_text(data, size), 8)) {
        p.check(frame);
    }
    return 0;
}
