#include <algorithm>
#include <cctype>

#include "sim/binance/context.hpp"

namespace tradebot::sim::binance {

namespace {

constexpr std::size_t max_streams = 1024;
constexpr std::size_t max_messages_per_second = 10;

struct parsed_target {
    bool ok = false;
    ws_route route = ws_route::legacy;
    bool combined = false;
    std::vector<std::string> streams;
    std::vector<std::string> listen_keys;
    std::set<std::string> events;
};

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    while (!s.empty()) {
        const auto p = s.find(sep);
        if (p != 0) {
            out.emplace_back(s.substr(0, p));
        }
        s = p == std::string_view::npos ? std::string_view{} : s.substr(p + 1);
    }
    return out;
}

parsed_target parse_target(std::string_view target) {
    parsed_target t;
    const auto q = target.find('?');
    std::string_view path = target.substr(0, q);
    const auto params = wire::params::parse(wire::query_of(target));
    if (path.starts_with("/public/")) {
        t.route = ws_route::public_;
        path.remove_prefix(7);
    } else if (path.starts_with("/market/")) {
        t.route = ws_route::market;
        path.remove_prefix(7);
    } else if (path.starts_with("/private/")) {
        t.route = ws_route::private_;
        path.remove_prefix(8);
    }
    if (path == "/ws" || path.starts_with("/ws/")) {
        const auto rest = path.size() > 3 ? path.substr(4) : std::string_view{};
        if (t.route == ws_route::private_) {
            for (auto& k : split(rest, '/')) t.listen_keys.push_back(k);
        } else {
            t.streams = split(rest, '/');
        }
    } else if (path == "/stream") {
        t.combined = true;
        if (const auto s = params.get("streams")) {
            t.streams = split(*s, '/');
        }
    } else {
        return t;
    }
    if (t.route == ws_route::private_) {
        for (const auto& [k, v] : params.items()) {
            if (k == "listenKey") t.listen_keys.push_back(v);
            if (k == "events") for (auto& e : split(v, '/')) t.events.insert(e);
        }
        t.streams.clear();
    }
    t.ok = true;
    return t;
}

// §A9: book data lives on /public, everything else on /market; the retired paths carry public only.
bool route_carries(ws_route r, std::string_view stream) {
    // "<symbol>@bookTicker", "!bookTicker" (every symbol's), "<symbol>@depth...".
    const bool book = stream.find("bookTicker") != std::string_view::npos || stream.find("@depth") != std::string_view::npos;
    switch (r) {
    case ws_route::public_:
    case ws_route::legacy: return book;
    case ws_route::market: return !book;
    case ws_route::private_: return false;
    }
    return false;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

void send_result(wire::ws_peer& peer, const boost::json::value& result, const boost::json::value& id) {
    peer.send(boost::json::serialize(boost::json::object{{"result", result}, {"id", id}}));
}

// The error frame as exchange-apis.md gives it for USD-M ({"code":2,"msg":"Invalid request: ..."}),
// with the request's id when it had a usable one [U: the id beside the code].
void send_error(wire::ws_peer& peer, int code, const std::string& msg, const boost::json::value& id) {
    boost::json::object frame{{"code", code}, {"msg", msg}};
    if (!id.is_null()) {
        frame["id"] = id;
    }
    peer.send(boost::json::serialize(frame));
}

}  // namespace

std::optional<wire::reply> ws_accept(context& ctx, const net::http_request& upgrade) {
    const auto t = parse_target(upgrade.target);
    if (!t.ok) {
        wire::reply r;
        r.response.status = 404;
        r.response.body = "Not Found";
        return r;
    }
    if (t.route == ws_route::private_) {
        if (t.listen_keys.empty()) {
            return error_reply(400, -1102, mandatory_msg("listenKey"));
        }
        for (const auto& k : t.listen_keys) {
            if (!ctx.listen_keys.contains(k)) {
                return error_reply(error_for_code(-1125));  // [U] refusal form for an unknown key
            }
        }
    }
    if (t.streams.size() > max_streams) {
        return error_reply(400, -1130, "Data sent for parameter 'streams' is not valid.");
    }
    return std::nullopt;
}

void ws_open(context& ctx, wire::ws_peer& peer) {
    const auto t = parse_target(peer.target());
    peer_state s;
    s.peer = &peer;
    s.route = t.route;
    s.combined = t.combined;
    s.streams.insert(t.streams.begin(), t.streams.end());
    s.listen_keys = t.listen_keys;
    s.events = t.events;
    s.opened = ctx.clock.now();
    ctx.peers[peer.id()] = std::move(s);
}

void ws_message(context& ctx, wire::ws_peer& peer, std::string_view text) {
    const auto it = ctx.peers.find(peer.id());
    if (it == ctx.peers.end()) {
        return;
    }
    peer_state& ps = it->second;
    const auto now = ctx.clock.steady_now();
    ps.recent_messages.push_back(now);
    while (!ps.recent_messages.empty() && now - ps.recent_messages.front() >= std::chrono::seconds{1}) {
        ps.recent_messages.pop_front();
    }
    if (ps.recent_messages.size() > max_messages_per_second) {
        peer.close(1008, "Too many messages");  // [U] close code and reason
        return;
    }
    boost::system::error_code ec;
    const auto v = boost::json::parse(text, ec);
    if (ec) {
        send_error(peer, 3, "Invalid JSON: expected value at line 1 column 1", nullptr);
        return;
    }
    const auto* o = v.if_object();
    if (o == nullptr) {
        send_error(peer, 2, "Invalid request: expected an object", nullptr);
        return;
    }
    boost::json::value id = nullptr;
    if (const auto* i = o->if_contains("id")) {
        if (!(i->is_uint64() || (i->is_int64() && i->as_int64() >= 0))) {
            send_error(peer, 2, "Invalid request: request ID must be an unsigned integer", nullptr);
            return;
        }
        id = *i;
    }
    const auto* m = o->if_contains("method");
    if (m == nullptr || !m->is_string()) {
        send_error(peer, 2, "Invalid request: missing field `method`", id);
        return;
    }
    const std::string method{m->as_string()};
    std::vector<std::string> params;
    if (const auto* p = o->if_contains("params"); p != nullptr && p->is_array()) {
        for (const auto& x : p->as_array()) {
            if (x.is_string()) params.emplace_back(x.as_string());
        }
    }
    if (method == "SUBSCRIBE") {
        if (ctx.faults.refuse_subscribe_next > 0) {
            --ctx.faults.refuse_subscribe_next;
            send_error(peer, 2, "Invalid request: subscription refused", id);  // [U] the venue's text for a refusal
            return;
        }
        if (ps.streams.size() + params.size() > max_streams) {
            send_error(peer, 2, "Invalid request: too many parameters", id);
            return;
        }
        ps.streams.insert(params.begin(), params.end());
        send_result(peer, nullptr, id);
    } else if (method == "UNSUBSCRIBE") {
        for (const auto& s : params) ps.streams.erase(s);
        send_result(peer, nullptr, id);
    } else if (method == "LIST_SUBSCRIPTIONS") {
        boost::json::array out;
        for (const auto& s : ps.streams) out.push_back(boost::json::string{s});
        send_result(peer, out, id);
    } else if (method == "SET_PROPERTY") {
        const auto* p = o->if_contains("params");
        const auto* arr = p != nullptr ? p->if_array() : nullptr;
        if (arr == nullptr || arr->size() != 2 || !(*arr)[0].is_string() || (*arr)[0].as_string() != "combined") {
            send_error(peer, 0, "Unknown property", id);
        } else if (!(*arr)[1].is_bool()) {
            send_error(peer, 1, "Invalid value type: expected Boolean", id);
        } else {
            ps.combined = (*arr)[1].as_bool();
            send_result(peer, nullptr, id);
        }
    } else if (method == "GET_PROPERTY") {
        if (params.size() != 1 || params[0] != "combined") {
            send_error(peer, 0, "Unknown property", id);
        } else {
            send_result(peer, ps.combined, id);
        }
    } else {
        send_error(peer, 2,
                   "Invalid request: unknown variant `" + method +
                       "`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`",
                   id);
    }
}

void publish_market(context& ctx, const core::symbol& s, const std::string& stream, const boost::json::object& data) {
    const auto* spec = ctx.ex.find_instrument(s);
    const std::string venue_name = spec != nullptr ? spec->venue_name() : s.str();
    const std::string name = lower(venue_name) + "@" + stream;
    if (!ctx.faults.drop_subscription.empty() && ctx.faults.drop_subscription == venue_name) {
        const auto prefix = lower(venue_name) + "@";
        for (auto& [id, p] : ctx.peers) {
            std::erase_if(p.streams, [&prefix](const std::string& n) { return n.starts_with(prefix); });
        }
        ctx.faults.drop_subscription.clear();
    }
    // §A9: "!bookTicker" carries every symbol's bookTicker, under its own name in combined frames.
    const std::string all_name = stream == "bookTicker" ? "!bookTicker" : std::string{};
    std::string raw;
    std::string wrapped;
    std::string wrapped_all;
    for (auto& [id, p] : ctx.peers) {
        const bool one = p.streams.contains(name);
        const bool all = !one && !all_name.empty() && p.streams.contains(all_name);
        if ((!one && !all) || !route_carries(p.route, name)) {
            continue;
        }
        if (p.combined) {
            auto& frame = all ? wrapped_all : wrapped;
            if (frame.empty()) {
                frame = boost::json::serialize(boost::json::object{{"stream", all ? all_name : name}, {"data", data}});
            }
            p.peer->send(frame);
        } else {
            if (raw.empty()) raw = boost::json::serialize(data);
            p.peer->send(raw);
        }
    }
}

void record_kline(context& ctx, const core::symbol& s, core::decimal price, core::decimal volume) {
    if (!price.is_positive()) {
        return;
    }
    auto& rows = ctx.klines[s];
    const std::int64_t open = ctx.now_ms() / 60'000 * 60'000;
    if (rows.empty() || rows.back().open_ms != open) {
        rows.push_back({open, price, price, price, price, {}, {}, 0});
        while (rows.size() > 1500) rows.pop_front();  // bounded: the klines limit maximum
    }
    kline& k = rows.back();
    k.high = std::max(k.high, price);
    k.low = std::min(k.low, price);
    k.close = price;
    if (volume.is_positive()) {
        k.volume += volume;
        k.quote_volume += volume * price;
        ++k.trades;
    }
}

void record_mark_kline(context& ctx, const core::symbol& s, core::decimal mark) {
    if (!mark.is_positive()) {
        return;
    }
    auto& rows = ctx.mark_klines[s];
    const std::int64_t open = ctx.now_ms() / 60'000 * 60'000;
    if (rows.empty() || rows.back().open_ms != open) {
        rows.push_back({open, mark, mark, mark, mark, {}, {}, 0});
        while (rows.size() > 1500) rows.pop_front();  // bounded as the trade candles
    }
    kline& k = rows.back();
    k.high = std::max(k.high, mark);
    k.low = std::min(k.low, mark);
    k.close = mark;
    ++k.trades;
}

namespace {

boost::json::object mark_payload(const context& ctx, const engine::instrument& i, const engine::market_prices& p) {
    const auto next = ctx.ex.next_funding(i.symbol);
    return {{"e", "markPriceUpdate"}, {"E", ctx.now_ms()}, {"s", i.venue_name()}, {"p", px(&i, p.mark)},
            {"ap", px(&i, p.mark)}, {"i", px(&i, p.index)}, {"P", px(&i, p.index)},
            {"r", ctx.ex.funding_rate(i.symbol).rescale(8, core::rounding::half_even).to_string()},
            {"T", next ? engine::to_ms(*next) : 0}};
}

boost::json::object kline_payload(const context& ctx, const engine::instrument& i, const kline& k, bool closed) {
    return {{"e", "kline"}, {"E", ctx.now_ms()}, {"s", i.venue_name()},
            {"k", {{"t", k.open_ms}, {"T", k.open_ms + 59'999}, {"s", i.venue_name()}, {"i", "1m"}, {"f", 0}, {"L", 0},
                   {"o", px(&i, k.open)}, {"c", px(&i, k.close)}, {"h", px(&i, k.high)}, {"l", px(&i, k.low)},
                   {"v", qty(&i, k.volume)}, {"n", k.trades}, {"x", closed}, {"q", money(k.quote_volume)},
                   {"V", "0"}, {"Q", "0"}, {"B", "0"}}}};
}

}  // namespace

void on_price_streams(context& ctx, const core::symbol& s) {
    const auto* spec = ctx.ex.find_instrument(s);
    const auto* p = ctx.ex.prices(s);
    if (spec == nullptr || p == nullptr) {
        return;
    }
    ++ctx.update_id;
    publish_market(ctx, s, "bookTicker",
                   {{"e", "bookTicker"}, {"u", ctx.update_id}, {"E", ctx.now_ms()}, {"T", ctx.now_ms()},
                    {"s", spec->venue_name()}, {"b", px(spec, p->bid)}, {"B", qty(spec, p->bid_qty)},
                    {"a", px(spec, p->ask)}, {"A", qty(spec, p->ask_qty)}});
    auto& last = ctx.last_trade_price[s];
    if (last != p->last) {
        last = p->last;
        // [U] a price move is shown as a market trade of one step so price feeds built on aggTrade move.
        publish_market(ctx, s, "aggTrade",
                       {{"e", "aggTrade"}, {"E", ctx.now_ms()}, {"s", spec->venue_name()}, {"a", ++ctx.agg_trade_id},
                        {"p", px(spec, p->last)}, {"q", qty(spec, spec->step_size)}, {"nq", qty(spec, spec->step_size)},
                        {"f", ctx.agg_trade_id}, {"l", ctx.agg_trade_id}, {"T", ctx.now_ms()}, {"m", false}});
    }
    if (const auto it = ctx.klines.find(s); it != ctx.klines.end() && !it->second.empty()) {
        if (it->second.size() >= 2 && it->second.back().high == it->second.back().low &&
            it->second.back().open == it->second.back().close && it->second.back().trades == 0) {
            // A new candle just opened: the previous one closes now.
            publish_market(ctx, s, "kline_1m", kline_payload(ctx, *spec, it->second[it->second.size() - 2], true));
        }
        publish_market(ctx, s, "kline_1m", kline_payload(ctx, *spec, it->second.back(), false));
    }
}

void tick_streams(context& ctx) {
    const auto now = ctx.clock.now();
    std::vector<wire::ws_peer*> expired;
    for (auto& [id, p] : ctx.peers) {
        if (now - p.opened >= std::chrono::hours{24}) {
            expired.push_back(p.peer);
        }
    }
    for (auto* peer : expired) {
        // The server may call ws_closed from inside close(): the map is not walked here.
        ctx.peers.erase(peer->id());
        peer->close(1000, "24h connection limit");  // [U] close code and reason
    }
    const std::int64_t second = ctx.now_ms() / 1000;
    if (second == ctx.last_mark_second) {
        return;
    }
    ctx.last_mark_second = second;
    for (const auto& sv : ctx.ex.snapshot().symbols) {
        if (!sv.prices.valid()) continue;
        const auto payload = mark_payload(ctx, sv.spec, sv.prices);
        publish_market(ctx, sv.spec.symbol, "markPrice@1s", payload);
        if (second % 3 == 0) {
            publish_market(ctx, sv.spec.symbol, "markPrice", payload);
        }
        if (second % 2 == 0) {
            // [U] @ticker every 2 s like the mini ticker; fields from the 1m history.
            const auto it = ctx.klines.find(sv.spec.symbol);
            core::decimal open = sv.prices.last, high = sv.prices.last, low = sv.prices.last, vol, quote;
            if (it != ctx.klines.end() && !it->second.empty()) {
                open = it->second.front().open;
                for (const auto& k : it->second) {
                    high = std::max(high, k.high);
                    low = std::min(low, k.low);
                    vol += k.volume;
                    quote += k.quote_volume;
                }
            }
            const auto& i = sv.spec;
            publish_market(ctx, i.symbol, "ticker",
                           {{"e", "24hrTicker"}, {"E", ctx.now_ms()}, {"s", i.venue_name()},
                            {"p", px(&i, sv.prices.last - open)}, {"P", "0"}, {"w", px(&i, sv.prices.last)},
                            {"c", px(&i, sv.prices.last)}, {"Q", "0"}, {"o", px(&i, open)}, {"h", px(&i, high)},
                            {"l", px(&i, low)}, {"v", qty(&i, vol)}, {"q", money(quote)},
                            {"O", ctx.now_ms() - 86'400'000}, {"C", ctx.now_ms()}, {"F", 0}, {"L", 0}, {"n", 0}});
        }
    }
}

}  // namespace tradebot::sim::binance
