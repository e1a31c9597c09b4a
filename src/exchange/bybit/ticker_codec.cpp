#include "exchange/bybit/ticker_codec.hpp"

#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <utility>

#include "exchange/flat_scan.hpp"

namespace tradebot::exchange::bybit::detail {
namespace {

namespace od = json::od;

// The decimal fields of a ticker, in the order the generic decoder reads them (so the first
// error reported is the same).
struct dec_field {
    std::string_view key;
    patch_field<core::decimal> ticker_patch::*member;
};
constexpr std::array<dec_field, 15> dec_fields{{
    {"lastPrice", &ticker_patch::last_price},       {"markPrice", &ticker_patch::mark_price},
    {"indexPrice", &ticker_patch::index_price},     {"bid1Price", &ticker_patch::bid1_price},
    {"bid1Size", &ticker_patch::bid1_size},         {"ask1Price", &ticker_patch::ask1_price},
    {"ask1Size", &ticker_patch::ask1_size},         {"fundingRate", &ticker_patch::funding_rate},
    {"openInterest", &ticker_patch::open_interest}, {"volume24h", &ticker_patch::volume_24h},
    {"turnover24h", &ticker_patch::turnover_24h},   {"highPrice24h", &ticker_patch::high_price_24h},
    {"lowPrice24h", &ticker_patch::low_price_24h},  {"prevPrice24h", &ticker_patch::prev_price_24h},
    {"price24hPcnt", &ticker_patch::price_24h_pcnt},
}};
constexpr std::size_t symbol_slot = dec_fields.size();
constexpr std::size_t next_funding_slot = symbol_slot + 1;
constexpr std::size_t data_slots = next_funding_slot + 1;

enum top_slot : std::uint8_t { topic_slot, type_slot, ts_slot, cs_slot, top_slots };

template <std::size_t N>
struct slots {
    std::array<json::scalar, N> value;
    std::array<bool, N> set{};

    // Where member i's value goes: nowhere after its first occurrence (the first one wins, as
    // in the generic pass).
    json::scalar* slot(std::size_t i) noexcept {
        if (set[i]) {
            return nullptr;
        }
        set[i] = true;
        return &value[i];
    }
    [[nodiscard]] const json::scalar* get(std::size_t i) const noexcept { return set[i] ? &value[i] : nullptr; }
};

// One dispatch on the length, then at most five comparisons.
int data_slot_of(std::string_view k) noexcept {
    const auto at = [k](std::initializer_list<std::size_t> candidates) {
        for (const auto i : candidates) {
            if (dec_fields[i].key == k) {
                return static_cast<int>(i);
            }
        }
        return -1;
    };
    switch (k.size()) {
        case 6: return k == "symbol" ? static_cast<int>(symbol_slot) : -1;
        case 8: return at({4, 6});
        case 9: return at({1, 0, 3, 5, 9});
        case 10: return at({2});
        case 11: return at({7, 10, 12});
        case 12: return at({8, 11, 13, 14});
        case 15: return k == "nextFundingTime" ? static_cast<int>(next_funding_slot) : -1;
        default: return -1;
    }
}

int top_slot_of(std::string_view k) noexcept {
    if (k == "topic") return topic_slot;
    if (k == "type") return type_slot;
    if (k == "ts") return ts_slot;
    if (k == "cs") return cs_slot;
    return -1;
}

// The members both passes collect: the frame's own and those of its one "data" object.
struct ticker_fields {
    slots<top_slots> top;
    slots<data_slots> data;
    bool data_seen = false;

    json::scalar* slot(std::string_view k, bool in_data) noexcept {
        const int i = in_data ? data_slot_of(k) : top_slot_of(k);
        if (i < 0) {
            return nullptr;
        }
        return in_data ? data.slot(static_cast<std::size_t>(i)) : top.slot(static_cast<std::size_t>(i));
    }
    void keep(std::string_view k, const json::scalar& s, bool in_data) noexcept {
        if (auto* into = slot(k, in_data)) {
            *into = s;
        }
    }
};

struct key_value {
    std::string_view key;
    od::value value;
    od::json_type type{};
};

// Walks `obj`; scalars go to `on_scalar(key, scalar)`, nested values to `on_nested(key_value&)`.
// False: leave the frame to the generic pass.
template <class OnScalar, class OnNested>
bool scan(od::object obj, OnScalar&& on_scalar, OnNested&& on_nested) {
    for (auto member : obj) {
        od::raw_json_string k;
        if (member.key().get(k)) {
            return false;
        }
        const auto key = json::raw_key(k);
        if (!key) {
            return false;
        }
        key_value kv{*key, {}, {}};
        if (member.value().get(kv.value) || kv.value.type().get(kv.type)) {
            return false;
        }
        if (kv.type == od::json_type::object || kv.type == od::json_type::array) {
            if (!on_nested(kv)) {
                return false;
            }
            continue;
        }
        json::scalar s;
        if (json::read_scalar(kv.value, kv.type, s)) {
            return false;
        }
        on_scalar(*key, s);
    }
    return true;
}

// The ticker from its collected members; nullopt (before touching `book`) for another topic.
std::optional<decoded> finish(const ticker_fields& f, const context& c, ticker_book& book) {
    const auto& top = f.top;
    const auto& data = f.data;
    const auto* topic_field = top.get(topic_slot);
    if (topic_field == nullptr || topic_field->type != json::kind::string ||
        topic_field->text.substr(0, 8) != "tickers.") {
        return std::nullopt;
    }
    const std::string_view topic = topic_field->text;
    json::extractor t;
    json::extractor x;
    const auto type = t.str("type", top.get(type_slot));
    const auto ts = json::from_ms(t.int64("ts", top.get(ts_slot)));
    const auto cs = t.opt_int64("cs", top.get(cs_slot)).value_or(0);
    std::string_view name = x.opt_str("symbol", data.get(symbol_slot));
    if (name.empty()) {
        name = topic.substr(topic.find('.') + 1);
    }
    ticker_patch p;
    for (std::size_t i = 0; i < dec_fields.size(); ++i) {
        const auto* s = data.get(i);
        // absent or null: untouched; "": no value; else the value (one lookup, one parse)
        const auto v = x.opt_dec(dec_fields[i].key, s);
        if (json::extractor::has(s)) {
            p.*(dec_fields[i].member) = v;
        }
    }
    if (const auto* s = data.get(next_funding_slot); json::extractor::has(s)) {
        p.next_funding_time_ms = x.opt_int64("nextFundingTime", s);
    }
    p.cross_seq = static_cast<std::uint64_t>(cs);
    p.exchange_ts = ts;
    if (!t.ok() || !x.ok()) {
        return malformed{"tickers: " + (t.ok() ? x.error() : t.error())};
    }
    return apply_ticker(p, type, name, c, book, topic);
}

}  // namespace

std::optional<decoded> decode_ticker_hot(od::document& doc, const context& c, ticker_book& book) {
    od::object root;
    if (doc.get_object().get(root)) {
        return std::nullopt;
    }
    ticker_fields f;
    const bool scanned = scan(
        root, [&f](std::string_view k, const json::scalar& s) { f.keep(k, s, false); },
        [&f](key_value& kv) {
            od::object obj;
            if (f.data_seen || kv.key != "data" || kv.type != od::json_type::object || kv.value.get_object().get(obj)) {
                return false;
            }
            f.data_seen = true;
            return scan(
                obj, [&f](std::string_view k, const json::scalar& s) { f.keep(k, s, true); },
                [](key_value&) { return false; });
        });
    if (!scanned || !f.data_seen || !json::at_end(doc)) {
        return std::nullopt;
    }
    return finish(f, c, book);
}

std::optional<decoded> decode_ticker_flat(std::string_view text, const context& c, ticker_book& book) {
    ticker_fields f;
    const auto into = [&f](std::string_view k, bool in_data) { return f.slot(k, in_data); };
    // One "data" object, as the simdjson pass takes it.
    const auto one_data = [&f](std::string_view) { return !std::exchange(f.data_seen, true); };
    if (!json::flat_scan(text, into, one_data) || !f.data_seen) {
        return std::nullopt;
    }
    return finish(f, c, book);
}

decoded apply_ticker(ticker_patch& p, std::string_view type, std::string_view name, const context& c,
                     ticker_book& book, std::string_view topic) {
    const auto sym = c.symbols.to_internal(name);
    if (!sym) {
        return unknown_symbol{std::string{name}, std::string{topic}};
    }
    p.symbol = *sym;
    ticker_update out;
    out.receive_ts = c.receive_ts;
    if (type == "snapshot") {
        out.snapshot = true;
        out.state = book.apply_snapshot(p);
    } else if (type == "delta") {
        const auto* merged = book.apply_delta(p);
        if (merged == nullptr) {
            return delta_without_snapshot{*sym, std::string{topic}};
        }
        out.state = *merged;
    } else {
        return malformed{"tickers: unknown type '" + std::string{type} + "'"};
    }
    if ((p.mark_price || p.index_price) && out.state.mark_price) {
        out.mark = events::mark_price{core::exchange_id::bybit, *sym, *out.state.mark_price, out.state.index_price,
                                      p.exchange_ts, c.receive_ts};
    }
    return out;
}

}  // namespace tradebot::exchange::bybit::detail
