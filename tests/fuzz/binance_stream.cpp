// Binance stream frames, differential: every decode path of the same frame must agree.
//   fixed (json::fixed_scan over the venue's exact layout) and flat (json::flat_scan) stand in
//   front of the simdjson hot pass; what either takes it must decode exactly as the hot pass,
//   malformed reason included (the contract tests/unit/exchange_binance/flat_scan_test.cpp states).
//   The hot pass stands in front of the generic pass; what it takes must be the generic pass's
//   answer (kind and values; the wording of a malformed reason may differ).
//   The connection's stream_decoder, reused across the frames of one input (a line each), must
//   answer as the generic pass does.
// A disagreement aborts: libFuzzer keeps the frame.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include <fmt/format.h>

#include "exchange/binance/hot_codec.hpp"
#include "fuzz_check.hpp"
#include "tradebot/exchange/binance/stream_codec.hpp"

namespace {

using namespace tradebot::exchange::binance;
namespace fuzz = tradebot::fuzz;
namespace events = tradebot::events;
namespace json = tradebot::exchange::json;
using tradebot::core::decimal;

const time_point rx{std::chrono::milliseconds{1'767'225'600'000}};

std::string dec(const std::optional<decimal>& d) { return d ? d->to_string() : "-"; }
long long ns(time_point t) { return static_cast<long long>(t.time_since_epoch().count()); }

std::string mark(const events::mark_price& m) {
    return fmt::format("mark {} {} {} {} {}", m.symbol.view(), m.price.to_string(), dec(m.index_price),
                       ns(m.exchange_ts), ns(m.receive_ts));
}

// `reasons`: whether a malformed answer's wording counts.
std::string summary(const std::optional<decoded>& d, bool reasons) {
    if (!d) {
        return "declined";
    }
    if (const auto* m = std::get_if<events::mark_price>(&*d)) {
        return mark(*m);
    }
    if (const auto* t = std::get_if<book_ticker>(&*d)) {
        return fmt::format("book {} {} {} {} {} {} {} {} {}", t->symbol.view(), t->update_id,
                           t->bid_price.to_string(), t->bid_quantity.to_string(), t->ask_price.to_string(),
                           t->ask_quantity.to_string(), ns(t->exchange_ts), ns(t->transaction_ts), ns(t->receive_ts));
    }
    if (const auto* b = std::get_if<mark_price_batch>(&*d)) {
        std::string out = "batch";
        for (const auto& m : b->prices) {
            out += " [" + mark(m) + "]";
        }
        for (const auto& u : b->unknown_symbols) {
            out += " unknown:" + u;
        }
        return out;
    }
    if (const auto* m = std::get_if<malformed>(&*d)) {
        return reasons ? "malformed " + m->reason : "malformed";
    }
    if (const auto* u = std::get_if<unknown_symbol>(&*d)) {
        return "unknown " + u->venue_name + " " + u->event;
    }
    if (const auto* i = std::get_if<ignored>(&*d)) {
        return "ignored " + i->event;
    }
    // The user-data and control events have one decoder, the generic pass: their kind is enough.
    return fmt::format("variant {}", d->index());
}

struct paths {
    paths() {
        symbols.add_instrument("BTCUSDT", "BTC", "USDT");
        symbols.add_instrument("BNBUSDT", "BNB", "USDT");
        symbols.add_instrument("ETHUSDT", "ETH", "USDT");
    }

    using fast_path = bool (*)(std::string_view, const detail::context&, decoded&);
    std::optional<decoded> fast(fast_path path, std::string_view text) const {
        decoded out;
        if (!path(text, detail::context{symbols, rx}, out)) {
            return std::nullopt;
        }
        return out;
    }

    std::optional<decoded> hot(std::string_view text) {
        const auto padded = json::pad(text, buffer);
        json::od::document doc;
        if (parser.iterate(padded).get(doc)) {
            return std::nullopt;
        }
        decoded out;
        if (!detail::decode_hot(doc, detail::context{symbols, rx}, out)) {
            return std::nullopt;
        }
        return out;
    }

    void check(std::string_view text) {
        const auto hot_answer = hot(text);
        const auto hot_exact = summary(hot_answer, true);
        if (const auto f = fast(&detail::decode_fixed, text)) {
            fuzz::same(summary(f, true), hot_exact, "decode_fixed disagrees with decode_hot");
        }
        if (const auto f = fast(&detail::decode_flat, text)) {
            fuzz::same(summary(f, true), hot_exact, "decode_flat disagrees with decode_hot");
        }
        const auto generic = summary(detail::decode_generic(text, detail::context{symbols, rx}), false);
        if (hot_answer) {
            fuzz::same(summary(hot_answer, false), generic, "decode_hot disagrees with the generic pass");
        }
        fuzz::same(summary(connection.decode(text, rx), false), generic,
                   "stream_decoder disagrees with the generic pass");
    }

    tradebot::exchange::symbol_map symbols{tradebot::core::exchange_id::binance};
    json::od::parser parser;
    std::string buffer;
    stream_decoder connection{symbols};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static paths p;
    for (const auto frame : fuzz::split_lines(fuzz::as_text(data, size), 8)) {
        p.check(frame);
    }
    return 0;
}
