#include "tradebot/exchange/binance/stream_codec.hpp"

#include <exception>
#include <utility>

#include "exchange/binance/frame.hpp"
#include "exchange/binance/hot_codec.hpp"
#include "exchange/staged_decode.hpp"

namespace tradebot::exchange::binance {
namespace {

using detail::context;
using detail::frame;
namespace od = json::od;

simdjson::error_code read_items(od::array arr, std::vector<json::fields>& out) {
    return json::for_each_object(arr, [&out](od::object o) {
        out.emplace_back();
        return json::read_object(o, out.back());
    });
}

simdjson::error_code read_items(od::value& v, std::vector<json::fields>& out) {
    od::array arr;
    if (const auto e = v.get_array().get(arr)) {
        return e;
    }
    return read_items(arr, out);
}

simdjson::error_code read_account(od::value& v, frame& f) {
    od::object obj;
    if (const auto e = v.get_object().get(obj)) {
        return e;
    }
    f.has_account = true;
    return json::read_object(obj, f.account, [&f](std::string_view key, od::value& inner, od::json_type t) {
        if (t == od::json_type::array && key == "B") {
            return read_items(inner, f.balances);
        }
        if (t == od::json_type::array && key == "P") {
            return read_items(inner, f.positions);
        }
        return simdjson::SUCCESS;
    });
}

simdjson::error_code read_root(od::object obj, frame& f, bool in_wrapper) {
    return json::read_object(obj, f.top, [&f, in_wrapper](std::string_view key, od::value& v, od::json_type t) {
        if (key == "o" && t == od::json_type::object) {
            od::object o;
            if (const auto e = v.get_object().get(o)) {
                return e;
            }
            f.has_order = true;
            return json::read_object(o, f.order);
        }
        if (key == "a" && t == od::json_type::object) {
            return read_account(v, f);
        }
        if (key == "data" && !in_wrapper) {
            if (t == od::json_type::object) {
                od::object d;
                if (const auto e = v.get_object().get(d)) {
                    return e;
                }
                return read_root(d, f, true);
            }
            f.is_array = true;
            return read_items(v, f.array_items);
        }
        if (key == "result" && t == od::json_type::array) {
            od::array arr;
            if (const auto e = v.get_array().get(arr)) {
                return e;
            }
            f.has_result_list = true;
            for (auto item : arr) {
                std::string_view s;
                if (const auto e = item.get_string().get(s)) {
                    return e;
                }
                f.result_list.push_back(s);
            }
        }
        return simdjson::SUCCESS;
    });
}

enum class item_status : std::uint8_t { ok, unknown_symbol, bad };

item_status read_mark_price(const json::fields& fields, const context& c, events::mark_price& out, std::string& note) {
    json::extractor x{fields};
    const auto name = x.str("s");
    out.exchange = core::exchange_id::binance;
    out.price = x.dec("p");
    out.index_price = x.opt_dec("i");
    out.exchange_ts = x.time("E");
    out.receive_ts = c.receive_ts;
    if (!x.ok()) {
        note = "markPriceUpdate: " + x.error();
        return item_status::bad;
    }
    const auto sym = c.symbols.to_internal(name);
    if (!sym) {
        note = std::string{name};
        return item_status::unknown_symbol;
    }
    out.symbol = *sym;
    return item_status::ok;
}

decoded decode_mark_price(const frame& f, const context& c) {
    events::mark_price m;
    std::string note;
    switch (read_mark_price(f.top, c, m, note)) {
        case item_status::ok: return m;
        case item_status::unknown_symbol: return unknown_symbol{std::move(note), "markPriceUpdate"};
        case item_status::bad: break;
    }
    return malformed{std::move(note)};
}

decoded decode_mark_price_array(const frame& f, const context& c) {
    mark_price_batch batch;
    for (const auto& item : f.array_items) {
        events::mark_price m;
        std::string note;
        switch (read_mark_price(item, c, m, note)) {
            case item_status::ok: batch.prices.push_back(m); break;
            case item_status::unknown_symbol: batch.unknown_symbols.push_back(std::move(note)); break;
            case item_status::bad: return malformed{std::move(note)};
        }
    }
    return batch;
}

// The end both market events share: stamped with the receive time, malformed on a field error,
// and known only under a loaded symbol.
template <class Event>
decoded finish(Event& t, const json::extractor& x, std::string_view name, const context& c, std::string_view event) {
    t.receive_ts = c.receive_ts;
    if (!x.ok()) {
        return malformed{std::string{event} + ": " + x.error()};
    }
    const auto sym = c.symbols.to_internal(name);
    if (!sym) {
        return unknown_symbol{std::string{name}, std::string{event}};
    }
    t.symbol = *sym;
    return std::move(t);
}

decoded decode_book_ticker(const frame& f, const context& c) {
    json::extractor x{f.top};
    book_ticker t;
    const auto name = x.str("s");
    t.update_id = static_cast<std::uint64_t>(x.int64("u"));
    t.bid_price = x.dec("b");
    t.bid_quantity = x.dec("B");
    t.ask_price = x.dec("a");
    t.ask_quantity = x.dec("A");
    t.exchange_ts = x.time("E");
    t.transaction_ts = x.opt_time("T").value_or(events::time_point{});
    return finish(t, x, name, c, "bookTicker");
}

decoded decode_agg_trade(const frame& f, const context& c) {
    json::extractor x{f.top};
    agg_trade t;
    const auto name = x.str("s");
    t.agg_trade_id = static_cast<std::uint64_t>(x.int64("a"));
    t.price = x.dec("p");
    t.quantity = x.dec("q");
    t.buyer_is_maker = x.boolean("m");
    t.trade_ts = x.time("T");
    t.exchange_ts = x.time("E");
    return finish(t, x, name, c, "aggTrade");
}

decoded decode_control(const frame& f) {
    json::extractor x{f.top};
    if (x.has("code")) {
        command_error err;
        err.code = x.int64("code");
        err.message = std::string{x.str("msg")};
        if (x.has("id")) {
            err.id = static_cast<std::uint64_t>(x.int64("id"));
        }
        if (!x.ok()) {
            return malformed{"command error: " + x.error()};
        }
        return err;
    }
    command_result r;
    const auto id = x.int64("id");
    if (!x.ok() || id < 0) {
        return malformed{"command result: " + (x.ok() ? std::string{"negative id"} : x.error())};
    }
    r.id = static_cast<std::uint64_t>(id);
    if (f.has_result_list) {
        r.streams.assign(f.result_list.begin(), f.result_list.end());
    } else if (const auto* res = f.top.find("result"); res != nullptr && res->type == json::kind::boolean) {
        r.flag = res->text == "true";
    } else if (res == nullptr || res->type != json::kind::null) {
        return malformed{"command result: unexpected 'result'"};
    }
    return r;
}

decoded dispatch(const frame& f, const context& c) {
    if (f.is_array) {
        return decode_mark_price_array(f, c);
    }
    const auto* e = f.top.find("e");
    if (e == nullptr) {
        if (f.top.find("result") != nullptr || f.has_result_list || f.top.find("code") != nullptr ||
            f.top.find("id") != nullptr) {
            return decode_control(f);
        }
        return ignored{};
    }
    if (e->type != json::kind::string) {
        return malformed{"field 'e': not a string"};
    }
    const std::string_view event = e->text;
    if (event == "markPriceUpdate") {
        return decode_mark_price(f, c);
    }
    if (event == "bookTicker") {
        return decode_book_ticker(f, c);
    }
    if (event == "aggTrade") {
        return decode_agg_trade(f, c);
    }
    if (event == "ORDER_TRADE_UPDATE") {
        return detail::decode_order_trade_update(f, c);
    }
    if (event == "ALGO_UPDATE") {
        return detail::decode_algo_update(f, c);
    }
    if (event == "ACCOUNT_UPDATE") {
        return detail::decode_account_update(f, c);
    }
    if (event == "listenKeyExpired") {
        return detail::decode_listen_key_expired(f, c);
    }
    return ignored{std::string{event}};
}

// The generic pass: an object (plain or combined-stream wrapper) or an array (!markPrice@arr).
const char* read_frame(od::document& doc, frame& parts) {
    od::json_type t{};
    if (const auto e = doc.type().get(t)) {
        return simdjson::error_message(e);
    }
    simdjson::error_code err = simdjson::SUCCESS;
    if (t == od::json_type::object) {
        od::object obj;
        err = doc.get_object().get(obj);
        if (!err) {
            err = read_root(obj, parts, false);
        }
    } else if (t == od::json_type::array) {
        od::array arr;
        err = doc.get_array().get(arr);
        if (!err) {
            parts.is_array = true;
            err = read_items(arr, parts.array_items);
        }
    } else {
        return "not a JSON object or array";
    }
    return err ? simdjson::error_message(err) : nullptr;
}

// The generic pass alone: detail::decode_generic. Here, so that `dispatch` and `read_frame` are
// this file's (in a unity batch, detail's own names would hide them inside a detail function).
decoded generic_pass(std::string_view text, const context& c) noexcept {
    try {
        decoder_scratch<frame> scratch{c.symbols};
        return decode_staged<decoded, malformed>(
            text, scratch, [](decoded&) { return false; }, [](od::document&, decoded&) { return false; }, read_frame,
            [&](const frame& parts) { return dispatch(parts, c); });
    } catch (...) {
        return malformed{"out of memory"};
    }
}

}  // namespace

struct stream_decoder::state : decoder_scratch<frame> {
    using decoder_scratch::decoder_scratch;
};

stream_decoder::stream_decoder(const symbol_map& symbols) : state_{std::make_unique<state>(symbols)} {}
stream_decoder::~stream_decoder() = default;
stream_decoder::stream_decoder(stream_decoder&&) noexcept = default;
stream_decoder& stream_decoder::operator=(stream_decoder&&) noexcept = default;

decoded stream_decoder::decode(std::string_view text, time_point receive_ts) noexcept {
    const context ctx{*state_->symbols, receive_ts};
    return decode_staged<decoded, malformed>(
        text, *state_,
        [&](decoded& out) { return detail::decode_fixed(text, ctx, out) || detail::decode_flat(text, ctx, out); },
        [&](od::document& doc, decoded& out) { return detail::decode_hot(doc, ctx, out); }, read_frame,
        [&](const frame& parts) { return dispatch(parts, ctx); });
}

decoded detail::decode_generic(std::string_view text, const context& c) noexcept { return generic_pass(text, c); }


decoded decode_message(std::string_view frame_text, const symbol_map& symbols, time_point receive_ts) noexcept {
    try {
        stream_decoder d{symbols};
        return d.decode(frame_text, receive_ts);
    } catch (...) {
        return malformed{"out of memory"};
    }
}

std::string stream_name(std::string_view venue_symbol, std::string_view stream) {
    std::string out;
    out.reserve(venue_symbol.size() + 1 + stream.size());
    for (const char ch : venue_symbol) {
        out.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch);
    }
    out.push_back('@');
    out.append(stream);
    return out;
}

}  // namespace tradebot::exchange::binance
