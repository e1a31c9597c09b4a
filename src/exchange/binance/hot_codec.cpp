#include "exchange/binance/hot_codec.hpp"

#include <array>
#include <cstddef>
#include <string>

#include "exchange/fixed_scan.hpp"
#include "exchange/flat_scan.hpp"
#include "tradebot/core/clock.hpp"

namespace tradebot::exchange::binance::detail {
namespace {

namespace od = json::od;

// The members the hot decoders read; the first occurrence wins, as in the generic pass, where a
// combined frame's wrapper and "data" scalars form one list in wire order.
enum slot : std::uint8_t { e_event, s_symbol, p_price, i_index, E_time, u_update, b_bid, B_bid_qty, a_ask,
                           A_ask_qty, T_time, slot_count };

struct hot_fields {
    std::array<json::scalar, slot_count> value;
    std::array<bool, slot_count> set{};

    [[nodiscard]] const json::scalar* get(slot s) const noexcept { return set[s] ? &value[s] : nullptr; }
};

int slot_of(std::string_view key) noexcept {
    if (key.size() != 1) {
        return -1;
    }
    switch (key[0]) {
        case 'e': return e_event;
        case 's': return s_symbol;
        case 'p': return p_price;
        case 'i': return i_index;
        case 'E': return E_time;
        case 'u': return u_update;
        case 'b': return b_bid;
        case 'B': return B_bid_qty;
        case 'a': return a_ask;
        case 'A': return A_ask_qty;
        case 'T': return T_time;
        default: return -1;
    }
}

// Where the member's value goes: its slot the first time the key is seen, else nowhere.
json::scalar* slot_for(hot_fields& h, std::string_view key) noexcept {
    const int idx = slot_of(key);
    if (idx < 0 || h.set[static_cast<std::size_t>(idx)]) {
        return nullptr;
    }
    h.set[static_cast<std::size_t>(idx)] = true;
    return &h.value[static_cast<std::size_t>(idx)];
}

void keep(hot_fields& h, std::string_view key, const json::scalar& s) noexcept {
    if (auto* into = slot_for(h, key)) {
        *into = s;
    }
}

// The root, and "data" of a combined-stream wrapper; false: leave the frame to the generic pass.
bool scan(od::object obj, hot_fields& h, bool in_wrapper) {
    return json::scan_members(
        obj, [&h](std::string_view key, const json::scalar& s) { keep(h, key, s); },
        [&h, in_wrapper](json::raw_member& m) {
            od::object d;
            return !in_wrapper && m.key == "data" && m.type == od::json_type::object && !m.value.get_object().get(d) &&
                   scan(d, h, true);
        });
}

// The symbol the venue calls `name`; nullptr once `out` holds why there is none: a field `x`
// could not read, or a name not in the venue's instrument list.
const symbol_entry* resolve(const json::extractor& x, std::string_view event, std::string_view name,
                            const context& c, decoded& out) {
    if (!x.ok()) {
        out = malformed{std::string{event} + ": " + x.error()};
        return nullptr;
    }
    const auto* entry = c.symbols.find_venue(name);
    if (entry == nullptr) {
        out = unknown_symbol{std::string{name}, std::string{event}};
    }
    return entry;
}

// Both write the event in place: the decoded variant is 500 bytes, the events a fifth of that.
void mark_price(const hot_fields& h, const context& c, decoded& out) {
    json::extractor x;
    auto& m = out.emplace<events::mark_price>();
    const auto name = x.str("s", h.get(s_symbol));
    m.exchange = core::exchange_id::binance;
    m.price = x.dec("p", h.get(p_price));
    m.index_price = x.opt_dec("i", h.get(i_index));
    m.exchange_ts = x.time("E", h.get(E_time));
    m.receive_ts = c.receive_ts;
    if (const auto* entry = resolve(x, "markPriceUpdate", name, c, out)) {
        m.symbol = entry->internal;
    }
}

void book_ticker_of(const hot_fields& h, const context& c, decoded& out) {
    json::extractor x;
    auto& t = out.emplace<book_ticker>();
    const auto name = x.str("s", h.get(s_symbol));
    t.update_id = static_cast<std::uint64_t>(x.int64("u", h.get(u_update)));
    t.bid_price = x.dec("b", h.get(b_bid));
    t.bid_quantity = x.dec("B", h.get(B_bid_qty));
    t.ask_price = x.dec("a", h.get(a_ask));
    t.ask_quantity = x.dec("A", h.get(A_ask_qty));
    t.exchange_ts = x.time("E", h.get(E_time));
    t.transaction_ts = x.opt_time("T", h.get(T_time)).value_or(events::time_point{});
    t.receive_ts = c.receive_ts;
    if (const auto* entry = resolve(x, "bookTicker", name, c, out)) {
        t.symbol = entry->internal;
    }
}

bool dispatch(const hot_fields& h, const context& c, decoded& out) {
    const auto* e = h.get(e_event);
    if (e == nullptr || e->type != json::kind::string) {
        return false;
    }
    if (e->text == "markPriceUpdate") {
        mark_price(h, c, out);
        return true;
    }
    if (e->text == "bookTicker") {
        book_ticker_of(h, c, out);
        return true;
    }
    return false;
}

// ---- The venue's exact layouts (json::fixed_scan) --------------------------------------------
// As the reference gives them and tradebot-sim sends them, with or without the combined
// stream's wrapper; any other text goes on to json::flat_scan.

// `{"stream":"…","data":{` or `{`; `wrapped` says which, so the end can be checked.
bool open_event(json::fixed_scan& f, bool& wrapped) {
    std::string_view stream;
    wrapped = f.lit(R"({"stream":")");
    return wrapped ? f.str(stream) && f.lit(R"(,"data":{)") : f.lit("{");
}

bool close_event(json::fixed_scan& f, bool wrapped) { return f.lit(wrapped ? "}}" : "}") && f.at_end(); }

// The members after the event name (already read), then the end.
bool fixed_mark_price(json::fixed_scan& f, bool wrapped, const context& c, decoded& out) {
    std::string_view name;
    std::string_view unused;
    std::uint64_t event_ms = 0;
    std::uint64_t next_funding_ms = 0;
    core::decimal price;
    core::decimal index;
    if (!f.uint(event_ms) || !f.lit(R"(,"s":")") || !f.str(name) || !f.lit(R"(,"p":")") || !f.dec(price) ||
        (f.lit(R"(,"ap":")") && !f.str(unused)) || !f.lit(R"(,"i":")") || !f.dec(index) ||
        !f.lit(R"(,"P":")") || !f.str(unused) || !f.lit(R"(,"r":")") || !f.str(unused) || !f.lit(R"(,"T":)") ||
        !f.uint(next_funding_ms) || !close_event(f, wrapped)) {
        return false;
    }
    // fixed_scan's integers have at most 18 digits, so they fit an int64. A time out of range
    // is left to decode_flat, which reports it.
    const auto event_ts = core::time_from_ms(static_cast<std::int64_t>(event_ms));
    if (!event_ts) {
        return false;
    }
    const auto* entry = resolve(json::extractor{}, "markPriceUpdate", name, c, out);
    if (entry == nullptr) {
        return true;
    }
    out = events::mark_price{core::exchange_id::binance, entry->internal, price, index, *event_ts, c.receive_ts};
    return true;
}

bool fixed_book_ticker(json::fixed_scan& f, bool wrapped, const context& c, decoded& out) {
    std::string_view name;
    std::uint64_t update_id = 0;
    std::uint64_t event_ms = 0;
    std::uint64_t transaction_ms = 0;
    core::decimal bid;
    core::decimal bid_quantity;
    core::decimal ask;
    core::decimal ask_quantity;
    if (!f.uint(update_id) || !f.lit(R"(,"E":)") || !f.uint(event_ms) || !f.lit(R"(,"T":)") ||
        !f.uint(transaction_ms) || !f.lit(R"(,"s":")") || !f.str(name) || !f.lit(R"(,"b":")") || !f.dec(bid) ||
        !f.lit(R"(,"B":")") || !f.dec(bid_quantity) || !f.lit(R"(,"a":")") || !f.dec(ask) || !f.lit(R"(,"A":")") ||
        !f.dec(ask_quantity) || !close_event(f, wrapped)) {
        return false;
    }
    const auto event_ts = core::time_from_ms(static_cast<std::int64_t>(event_ms));
    const auto transaction_ts = core::time_from_ms(static_cast<std::int64_t>(transaction_ms));
    if (!event_ts || !transaction_ts) {
        return false;  // as in fixed_mark_price
    }
    const auto* entry = resolve(json::extractor{}, "bookTicker", name, c, out);
    if (entry == nullptr) {
        return true;
    }
    out = book_ticker{entry->internal,
                      update_id,
                      bid,
                      bid_quantity,
                      ask,
                      ask_quantity,
                      *event_ts,
                      *transaction_ts,
                      c.receive_ts};
    return true;
}

}  // namespace

bool decode_fixed(std::string_view text, const context& c, decoded& out) {
    json::fixed_scan f{text};
    bool wrapped = false;
    if (!open_event(f, wrapped)) {
        return false;
    }
    // A literal that does not match consumes nothing: the second event name is tried at the same place.
    if (f.lit(R"("e":"markPriceUpdate","E":)")) {
        return fixed_mark_price(f, wrapped, c, out);
    }
    return f.lit(R"("e":"bookTicker","u":)") && fixed_book_ticker(f, wrapped, c, out);
}

bool decode_flat(std::string_view text, const context& c, decoded& out) {
    hot_fields h;
    const auto into = [&h](std::string_view key, bool) { return slot_for(h, key); };
    return json::flat_scan(text, into, [](std::string_view) { return true; }) && dispatch(h, c, out);
}

bool decode_hot(od::document& doc, const context& c, decoded& out) {
    od::object obj;
    if (doc.get_object().get(obj)) {
        return false;
    }
    hot_fields h;
    return scan(obj, h, false) && json::at_end(doc) && dispatch(h, c, out);
}

}  // namespace tradebot::exchange::binance::detail
