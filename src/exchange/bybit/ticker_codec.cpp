#include "exchange/bybit/ticker_codec.hpp"

#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <utility>

#include "exchange/fixed_scan.hpp"
#include "exchange/flat_scan.hpp"
#include "tradebot/core/clock.hpp"

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

// The ticker from its collected members into `out`; false (before touching `book` or `out`) for
// another topic.
bool finish(const ticker_fields& f, const context& c, ticker_book& book, decoded& out) {
    const auto& top = f.top;
    const auto& data = f.data;
    const auto* topic_field = top.get(topic_slot);
    if (topic_field == nullptr || topic_field->type != json::kind::string ||
        topic_field->text.substr(0, 8) != "tickers.") {
        return false;
    }
    const std::string_view topic = topic_field->text;
    json::extractor t;
    json::extractor x;
    const auto type = t.str("type", top.get(type_slot));
    const auto ts = t.time("ts", top.get(ts_slot));
    const auto cs = t.opt_int64("cs", top.get(cs_slot)).value_or(0);
    std::string_view name = x.opt_str("symbol", data.get(symbol_slot));
    if (name.empty()) {
        name = topic.substr(topic.find('.') + 1);
    }
    ticker_patch p;
    for (std::size_t i = 0; i < dec_fields.size(); ++i) {
        // absent or null: untouched; "": no value; else the value
        const auto* s = data.get(i);
        if (json::extractor::has(s)) {
            auto& field = p.*(dec_fields[i].member);
            if (s->type == json::kind::string && s->text.empty()) {
                field.emplace(std::nullopt);
            } else {
                field.emplace(x.dec(dec_fields[i].key, s));
            }
        }
    }
    if (const auto* s = data.get(next_funding_slot); json::extractor::has(s)) {
        p.next_funding_time_ms = x.opt_int64("nextFundingTime", s);
    }
    p.cross_seq = static_cast<std::uint64_t>(cs);
    p.exchange_ts = ts;
    if (!t.ok() || !x.ok()) {
        out = malformed{"tickers: " + (t.ok() ? x.error() : t.error())};
        return true;
    }
    apply_ticker(p, type, name, c, book, topic, out);
    return true;
}

}  // namespace

bool decode_ticker_fixed(std::string_view text, const context& c, ticker_book& book, decoded& out) {
    json::fixed_scan f{text};
    std::string_view topic;
    std::string_view type;
    if (!f.lit(R"({"topic":")") || !f.str(topic) || topic.substr(0, 8) != "tickers." || !f.lit(R"(,"type":")") ||
        !f.str(type) || !f.lit(R"(,"data":{)")) {
        return false;
    }
    ticker_patch p;
    std::string_view name;
    std::array<bool, data_slots> seen{};
    if (!f.lit("}")) {
        do {
            std::string_view key;
            if (!f.lit("\"") || !f.str(key) || !f.lit(R"(:")")) {
                return false;  // every member this layout takes is a string
            }
            const int i = data_slot_of(key);
            if (i < 0) {
                std::string_view unused;  // a member nobody reads (tickDirection, prevPrice1h, ...)
                if (!f.str(unused)) {
                    return false;
                }
                continue;
            }
            const auto slot = static_cast<std::size_t>(i);
            if (std::exchange(seen[slot], true)) {
                return false;  // a repeated member: the first one wins, on the general path
            }
            if (slot == symbol_slot) {
                if (!f.str(name)) {
                    return false;
                }
            } else if (slot == next_funding_slot) {
                std::uint64_t ms = 0;
                if (!f.uint(ms) || !f.lit("\"")) {
                    return false;
                }
                p.next_funding_time_ms.emplace(static_cast<std::int64_t>(ms));
            } else if (f.lit("\"")) {
                (p.*(dec_fields[slot].member)).emplace(std::nullopt);  // "": no value
            } else {
                core::decimal d;
                if (!f.dec(d)) {
                    return false;
                }
                (p.*(dec_fields[slot].member)).emplace(d);
            }
        } while (f.lit(","));
        if (!f.lit("}")) {
            return false;
        }
    }
    std::uint64_t cs = 0;
    std::uint64_t ts = 0;
    if (!f.lit(R"(,"cs":)") || !f.uint(cs) || !f.lit(R"(,"ts":)") || !f.uint(ts) || !f.lit("}") || !f.at_end()) {
        return false;
    }
    // At most 18 digits (fixed_scan), so it fits an int64; a time out of range is left to
    // decode_ticker_flat, which reports it.
    const auto exchange_ts = core::time_from_ms(static_cast<std::int64_t>(ts));
    if (!exchange_ts) {
        return false;
    }
    if (name.empty()) {
        name = topic.substr(8);
    }
    p.cross_seq = cs;
    p.exchange_ts = *exchange_ts;
    apply_ticker(p, type, name, c, book, topic, out);
    return true;
}

bool decode_ticker_hot(od::document& doc, const context& c, ticker_book& book, decoded& out) {
    od::object root;
    if (doc.get_object().get(root)) {
        return false;
    }
    ticker_fields f;
    const bool scanned = json::scan_members(
        root, [&f](std::string_view k, const json::scalar& s) { f.keep(k, s, false); },
        [&f](json::raw_member& kv) {
            od::object obj;
            if (f.data_seen || kv.key != "data" || kv.type != od::json_type::object || kv.value.get_object().get(obj)) {
                return false;
            }
            f.data_seen = true;
            return json::scan_members(
                obj, [&f](std::string_view k, const json::scalar& s) { f.keep(k, s, true); },
                [](json::raw_member&) { return false; });
        });
    return scanned && f.data_seen && json::at_end(doc) && finish(f, c, book, out);
}

bool decode_ticker_flat(std::string_view text, const context& c, ticker_book& book, decoded& out) {
    ticker_fields f;
    const auto into = [&f](std::string_view k, bool in_data) { return f.slot(k, in_data); };
    // One "data" object, as the simdjson pass takes it.
    const auto one_data = [&f](std::string_view) { return !std::exchange(f.data_seen, true); };
    return json::flat_scan(text, into, one_data) && f.data_seen && finish(f, c, book, out);
}

void apply_ticker(ticker_patch& p, std::string_view type, std::string_view name, const context& c, ticker_book& book,
                  std::string_view topic, decoded& out) {
    const auto* entry = c.symbols.find_venue(name);
    if (entry == nullptr) {
        out = unknown_symbol{std::string{name}, std::string{topic}};
        return;
    }
    p.symbol = entry->internal;
    const ticker* merged = nullptr;
    bool snapshot = false;
    if (type == "snapshot") {
        snapshot = true;
        merged = &book.apply_snapshot(p);
    } else if (type == "delta") {
        merged = book.apply_delta(p);
        if (merged == nullptr) {
            out = delta_without_snapshot{p.symbol, std::string{topic}};
            return;
        }
    } else {
        out = malformed{"tickers: unknown type '" + std::string{type} + "'"};
        return;
    }
    auto& u = out.emplace<ticker_update>();
    u.receive_ts = c.receive_ts;
    u.snapshot = snapshot;
    u.state = *merged;
    if ((p.mark_price || p.index_price) && u.state.mark_price) {
        u.mark = events::mark_price{core::exchange_id::bybit, p.symbol, *u.state.mark_price, u.state.index_price,
                                    p.exchange_ts, c.receive_ts};
    }
}

}  // namespace tradebot::exchange::bybit::detail
