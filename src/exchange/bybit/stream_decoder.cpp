#include "tradebot/exchange/bybit/stream_codec.hpp"

#include <exception>
#include <utility>

#include "exchange/bybit/frame.hpp"
#include "exchange/bybit/ticker_codec.hpp"
#include "exchange/staged_decode.hpp"

namespace tradebot::exchange::bybit {
namespace {

using detail::context;
using detail::frame;
namespace od = json::od;

// The first [price, size] pair of an orderbook side, if any.
simdjson::error_code read_best_level(od::value& v, std::optional<detail::level>& out) {
    od::array levels;
    if (const auto e = v.get_array().get(levels)) {
        return e;
    }
    for (auto lvl : levels) {
        od::array pair;
        if (const auto e = lvl.get_array().get(pair)) {
            return e;
        }
        std::string_view parts[2];
        std::size_t n = 0;
        for (auto part : pair) {
            std::string_view s;
            if (const auto e = part.get_string().get(s)) {
                return e;
            }
            if (n < 2) {
                parts[n] = s;
            }
            ++n;
        }
        if (n != 2) {
            return simdjson::INCORRECT_TYPE;
        }
        if (!out) {
            out = detail::level{parts[0], parts[1]};
        }
    }
    return simdjson::SUCCESS;
}

simdjson::error_code read_data(od::value& v, od::json_type t, frame& f) {
    if (t == od::json_type::object) {
        od::object obj;
        if (const auto e = v.get_object().get(obj)) {
            return e;
        }
        f.data_is_object = true;
        return json::read_object(obj, f.data, [&f](std::string_view key, od::value& inner, od::json_type it) {
            if (it == od::json_type::array && key == "b") {
                return read_best_level(inner, f.best_bid);
            }
            if (it == od::json_type::array && key == "a") {
                return read_best_level(inner, f.best_ask);
            }
            return simdjson::SUCCESS;
        });
    }
    od::array arr;
    if (const auto e = v.get_array().get(arr)) {
        return e;
    }
    f.data_is_array = true;
    return json::for_each_object(arr, [&f](od::object obj) {
        auto& it = f.items.emplace_back();
        return json::read_object(obj, it.scalars, [&it](std::string_view key, od::value& inner, od::json_type t2) {
            if (key != "coin" || t2 != od::json_type::array) {
                return simdjson::SUCCESS;
            }
            od::array coins;
            if (const auto e = inner.get_array().get(coins)) {
                return e;
            }
            return json::for_each_object(coins, [&it](od::object c) {
                it.coins.emplace_back();
                return json::read_object(c, it.coins.back());
            });
        });
    });
}

decoded decode_op(const frame& f) {
    json::extractor x{f.top};
    op_response r;
    r.op = std::string{x.str("op")};
    r.req_id = std::string{x.opt_str("req_id")};
    if (r.req_id.empty()) {
        r.req_id = std::string{x.opt_str("reqId")};
    }
    r.conn_id = std::string{x.opt_str("conn_id")};
    if (r.conn_id.empty()) {
        r.conn_id = std::string{x.opt_str("connId")};
    }
    if (x.has("success")) {
        r.success = x.boolean("success");
        r.message = std::string{x.opt_str("ret_msg")};
    } else if (x.has("retCode")) {
        r.success = x.int64("retCode") == 0;
        r.message = std::string{x.opt_str("retMsg")};
    }
    if (!x.ok()) {
        return malformed{"op reply: " + x.error()};
    }
    return r;
}

// Reads one ticker field into the patch: absent -> untouched, "" -> "no value", else the value.
void patch_dec(json::extractor& x, std::string_view key, patch_field<core::decimal>& out) {
    const auto v = x.opt_dec(key);
    if (x.has(key)) {
        out = v;
    }
}

decoded decode_ticker(const frame& f, const context& c, ticker_book& book, std::string_view topic) {
    if (!f.data_is_object) {
        return malformed{"tickers: 'data' is not an object"};
    }
    json::extractor top{f.top};
    json::extractor x{f.data};
    const auto type = top.str("type");
    const auto ts = top.time("ts");
    const auto cs = top.opt_int64("cs").value_or(0);
    std::string_view name = x.opt_str("symbol");
    if (name.empty()) {
        name = topic.substr(topic.find('.') + 1);
    }
    ticker_patch p;
    patch_dec(x, "lastPrice", p.last_price);
    patch_dec(x, "markPrice", p.mark_price);
    patch_dec(x, "indexPrice", p.index_price);
    patch_dec(x, "bid1Price", p.bid1_price);
    patch_dec(x, "bid1Size", p.bid1_size);
    patch_dec(x, "ask1Price", p.ask1_price);
    patch_dec(x, "ask1Size", p.ask1_size);
    patch_dec(x, "fundingRate", p.funding_rate);
    patch_dec(x, "openInterest", p.open_interest);
    patch_dec(x, "volume24h", p.volume_24h);
    patch_dec(x, "turnover24h", p.turnover_24h);
    patch_dec(x, "highPrice24h", p.high_price_24h);
    patch_dec(x, "lowPrice24h", p.low_price_24h);
    patch_dec(x, "prevPrice24h", p.prev_price_24h);
    patch_dec(x, "price24hPcnt", p.price_24h_pcnt);
    if (x.has("nextFundingTime")) {
        p.next_funding_time_ms = x.opt_int64("nextFundingTime");
    }
    p.cross_seq = static_cast<std::uint64_t>(cs);
    p.exchange_ts = ts;
    if (!top.ok() || !x.ok()) {
        return malformed{"tickers: " + (top.ok() ? x.error() : top.error())};
    }
    decoded out;
    detail::apply_ticker(p, type, name, c, book, topic, out);
    return out;
}

decoded decode_book_top(const frame& f, const context& c, std::string_view topic) {
    if (!f.data_is_object) {
        return malformed{"orderbook: 'data' is not an object"};
    }
    json::extractor top{f.top};
    if (top.str("type") != "snapshot") {
        // [U] Level 1 is documented as snapshots only; a delta there is not merged.
        return ignored{std::string{topic}};
    }
    json::extractor x{f.data};
    book_top b;
    const auto name = x.str("s");
    b.update_id = static_cast<std::uint64_t>(x.int64("u"));
    b.seq = static_cast<std::uint64_t>(x.opt_int64("seq").value_or(0));
    b.exchange_ts = top.time("ts");
    b.receive_ts = c.receive_ts;
    const auto level = [&x](const std::optional<detail::level>& l, std::optional<core::decimal>& price,
                            std::optional<core::decimal>& size) {
        if (!l) {
            return;
        }
        price = core::decimal::parse(l->first);
        size = core::decimal::parse(l->second);
        if (!price || !size) {
            x.fail("b/a", "not a decimal");
        }
    };
    level(f.best_bid, b.bid_price, b.bid_size);
    level(f.best_ask, b.ask_price, b.ask_size);
    if (!top.ok() || !x.ok()) {
        return malformed{"orderbook: " + (top.ok() ? x.error() : top.error())};
    }
    const auto sym = c.symbols.to_internal(name);
    if (!sym) {
        return unknown_symbol{std::string{name}, std::string{topic}};
    }
    b.symbol = *sym;
    return b;
}

decoded decode_trades(const frame& f, const context& c) {
    if (!f.data_is_array) {
        return malformed{"publicTrade: 'data' is not an array"};
    }
    trade_batch out;
    for (const auto& it : f.items) {
        json::extractor x{it.scalars};
        public_trade t;
        const auto name = x.str("s");
        t.trade_id = std::string{x.str("i")};
        t.price = x.dec("p");
        t.quantity = x.dec("v");
        if (const auto s = core::parse_side(x.str("S")); s) {
            t.taker_side = *s;
        } else {
            x.fail("S", "unknown side");
        }
        t.block_trade = x.opt_boolean("BT", false);
        t.trade_ts = x.time("T");
        t.receive_ts = c.receive_ts;
        if (!x.ok()) {
            out.rejected.push_back("publicTrade: " + x.error());
        } else if (const auto sym = c.symbols.to_internal(name); sym) {
            t.symbol = *sym;
            out.items.push_back(std::move(t));
        } else {
            out.unknown_symbols.emplace_back(name);
        }
    }
    return out;
}

bool starts_with(std::string_view s, std::string_view prefix) noexcept { return s.substr(0, prefix.size()) == prefix; }

decoded dispatch(const frame& f, const context& c, ticker_book& book) {
    const auto* topic_field = f.top.find("topic");
    if (topic_field == nullptr) {
        if (f.top.find("op") != nullptr) {
            return decode_op(f);
        }
        return ignored{};
    }
    if (topic_field->type != json::kind::string) {
        return malformed{"field 'topic': not a string"};
    }
    const std::string_view topic = topic_field->text;
    if (starts_with(topic, "tickers.")) {
        return decode_ticker(f, c, book, topic);
    }
    if (starts_with(topic, "orderbook.1.")) {
        return decode_book_top(f, c, topic);
    }
    if (starts_with(topic, "publicTrade.")) {
        return decode_trades(f, c);
    }
    // Private topics: all-in-one ("order") or categorised ("order.linear").
    const auto base = topic.substr(0, topic.find('.'));
    const auto rest = base.size() < topic.size() ? topic.substr(base.size() + 1) : std::string_view{};
    if (rest.empty() || rest == "linear") {
        if (!f.data_is_array && (base == "order" || base == "execution" || base == "position" || base == "wallet")) {
            return malformed{std::string{base} + ": 'data' is not an array"};
        }
        if (base == "order") {
            return detail::decode_orders(f, c);
        }
        if (base == "execution") {
            return detail::decode_executions(f, c);
        }
        if (base == "position") {
            return detail::decode_positions(f, c);
        }
        if (base == "wallet") {
            return detail::decode_wallet(f, c);
        }
    }
    return ignored{std::string{topic}};
}

// The generic pass: Bybit frames are objects, with the payload in "data".
const char* read_frame(od::document& doc, frame& parts) {
    od::object obj;
    if (const auto e = doc.get_object().get(obj)) {
        return simdjson::error_message(e);
    }
    const auto err = json::read_object(obj, parts.top, [&parts](std::string_view key, od::value& v, od::json_type t) {
        return key == "data" ? read_data(v, t, parts) : simdjson::SUCCESS;
    });
    return err ? simdjson::error_message(err) : nullptr;
}

// The generic pass alone: detail::decode_generic. Here, so that `dispatch` and `read_frame` are
// this file's (in a unity batch, detail's own names would hide them inside a detail function).
decoded generic_pass(std::string_view text, const context& c, ticker_book& book) noexcept {
    try {
        decoder_scratch<frame> scratch{c.symbols};
        return decode_staged<decoded, malformed>(
            text, scratch, [](decoded&) { return false; }, [](od::document&, decoded&) { return false; }, read_frame,
            [&](const frame& parts) { return dispatch(parts, c, book); });
    } catch (...) {
        return malformed{"out of memory"};
    }
}

}  // namespace

struct stream_decoder::state : decoder_scratch<frame> {
    using decoder_scratch::decoder_scratch;
    ticker_book book;
};

stream_decoder::stream_decoder(const symbol_map& symbols) : state_{std::make_unique<state>(symbols)} {}
stream_decoder::~stream_decoder() = default;
stream_decoder::stream_decoder(stream_decoder&&) noexcept = default;
stream_decoder& stream_decoder::operator=(stream_decoder&&) noexcept = default;

decoded detail::decode_generic(std::string_view text, const context& c, ticker_book& book) noexcept {
    return generic_pass(text, c, book);
}


ticker_book& stream_decoder::tickers() noexcept { return state_->book; }

decoded stream_decoder::decode(std::string_view text, time_point receive_ts) noexcept {
    auto& s = *state_;
    const context ctx{*s.symbols, receive_ts};
    return decode_staged<decoded, malformed>(
        text, s,
        [&](decoded& out) {
            return detail::decode_ticker_fixed(text, ctx, s.book, out) ||
                   detail::decode_ticker_flat(text, ctx, s.book, out);
        },
        [&](od::document& doc, decoded& out) { return detail::decode_ticker_hot(doc, ctx, s.book, out); }, read_frame,
        [&](const frame& parts) { return dispatch(parts, ctx, s.book); });
}

}  // namespace tradebot::exchange::bybit
