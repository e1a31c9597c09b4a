#include "exchange/binance/hot_codec.hpp"

#include <array>
#include <cstddef>
#include <string>

#include "exchange/flat_scan.hpp"

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

void keep(hot_fields& h, std::string_view key, const json::scalar& s) noexcept {
    const int idx = slot_of(key);
    if (idx >= 0 && !h.set[static_cast<std::size_t>(idx)]) {
        h.value[static_cast<std::size_t>(idx)] = s;
        h.set[static_cast<std::size_t>(idx)] = true;
    }
}

// False: leave the frame to the generic pass.
bool scan(od::object obj, hot_fields& h, bool in_wrapper) {
    for (auto member : obj) {
        od::raw_json_string k;
        if (member.key().get(k)) {
            return false;
        }
        const auto key = json::raw_key(k);
        if (!key) {
            return false;
        }
        od::value v;
        if (member.value().get(v)) {
            return false;
        }
        od::json_type t{};
        if (v.type().get(t)) {
            return false;
        }
        if (t == od::json_type::object || t == od::json_type::array) {
            od::object d;
            if (in_wrapper || *key != "data" || t != od::json_type::object || v.get_object().get(d) ||
                !scan(d, h, true)) {
                return false;
            }
            continue;
        }
        // Every scalar is read, as the generic pass does, so a bad atom is caught the same way.
        json::scalar s;
        if (json::read_scalar(v, t, s)) {
            return false;
        }
        keep(h, *key, s);
    }
    return true;
}

decoded mark_price(const hot_fields& h, const context& c) {
    json::extractor x;
    events::mark_price m;
    const auto name = x.str("s", h.get(s_symbol));
    m.exchange = core::exchange_id::binance;
    m.price = x.dec("p", h.get(p_price));
    m.index_price = x.opt_dec("i", h.get(i_index));
    m.exchange_ts = json::from_ms(x.int64("E", h.get(E_time)));
    m.receive_ts = c.receive_ts;
    if (!x.ok()) {
        return malformed{"markPriceUpdate: " + x.error()};
    }
    const auto sym = c.symbols.to_internal(name);
    if (!sym) {
        return unknown_symbol{std::string{name}, "markPriceUpdate"};
    }
    m.symbol = *sym;
    return m;
}

decoded book_ticker_of(const hot_fields& h, const context& c) {
    json::extractor x;
    book_ticker t;
    const auto name = x.str("s", h.get(s_symbol));
    t.update_id = static_cast<std::uint64_t>(x.int64("u", h.get(u_update)));
    t.bid_price = x.dec("b", h.get(b_bid));
    t.bid_quantity = x.dec("B", h.get(B_bid_qty));
    t.ask_price = x.dec("a", h.get(a_ask));
    t.ask_quantity = x.dec("A", h.get(A_ask_qty));
    t.exchange_ts = json::from_ms(x.int64("E", h.get(E_time)));
    t.transaction_ts = json::from_ms(x.opt_int64("T", h.get(T_time)).value_or(0));
    t.receive_ts = c.receive_ts;
    if (!x.ok()) {
        return malformed{"bookTicker: " + x.error()};
    }
    const auto sym = c.symbols.to_internal(name);
    if (!sym) {
        return unknown_symbol{std::string{name}, "bookTicker"};
    }
    t.symbol = *sym;
    return t;
}

std::optional<decoded> dispatch(const hot_fields& h, const context& c) {
    const auto* e = h.get(e_event);
    if (e == nullptr || e->type != json::kind::string) {
        return std::nullopt;
    }
    if (e->text == "markPriceUpdate") {
        return mark_price(h, c);
    }
    if (e->text == "bookTicker") {
        return book_ticker_of(h, c);
    }
    return std::nullopt;
}

}  // namespace

std::optional<decoded> decode_flat(std::string_view text, const context& c) {
    hot_fields h;
    const auto scalar = [&h](std::string_view key, const json::scalar& s, bool) { keep(h, key, s); };
    if (!json::flat_scan(text, scalar, [](std::string_view) { return true; })) {
        return std::nullopt;
    }
    return dispatch(h, c);
}

std::optional<decoded> decode_hot(od::document& doc, const context& c) {
    od::object obj;
    if (doc.get_object().get(obj)) {
        return std::nullopt;
    }
    hot_fields h;
    if (!scan(obj, h, false) || !json::at_end(doc)) {
        return std::nullopt;
    }
    return dispatch(h, c);
}

}  // namespace tradebot::exchange::binance::detail
