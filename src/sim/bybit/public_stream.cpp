#include "sim/bybit/handlers.hpp"
#include "sim/bybit/streams.hpp"

namespace tradebot::sim::bybit {

namespace {

struct topic_parts {
    std::string_view kind;
    const engine::instrument* spec = nullptr;
};

// "tickers.BTCUSDT" / "orderbook.1.BTCUSDT" / "publicTrade.BTCUSDT" / "kline.1.BTCUSDT".
// [simplification] only depth 1 and the 1-minute interval are served.
topic_parts parse_topic(const context& ctx, std::string_view topic) {
    topic_parts out;
    for (const std::string_view prefix : {"tickers.", "orderbook.1.", "publicTrade.", "kline.1."}) {
        if (topic.substr(0, prefix.size()) == prefix) {
            out.kind = prefix;
            out.spec = instrument_of(ctx, topic.substr(prefix.size()));
            return out;
        }
    }
    return out;
}

void send_to(context& ctx, const std::string& topic, const json::object& msg) {
    std::string text;
    for (auto& [id, peer] : ctx.peers) {
        if (!peer.is_private && peer.topics.count(topic) != 0) {
            if (text.empty()) {
                text = json::serialize(msg);
            }
            peer.peer->send(text);
        }
    }
}

const json::object& stored_ticker(context& ctx, const engine::instrument& spec) {
    auto it = ctx.last_ticker.find(spec.symbol);
    if (it == ctx.last_ticker.end()) {
        it = ctx.last_ticker.emplace(spec.symbol, ticker_json(ctx, spec)).first;
    }
    return it->second;
}

json::object book_message(const context& ctx, const engine::instrument& i) {
    const auto* p = ctx.ex.prices(i.symbol);
    json::array b;
    json::array a;
    if (p != nullptr && p->bid.is_positive()) {
        b.push_back(json::array{px(i, p->bid), qt(i, p->bid_qty)});
    }
    if (p != nullptr && p->ask.is_positive()) {
        a.push_back(json::array{px(i, p->ask), qt(i, p->ask_qty)});
    }
    const auto u = ctx.book_update_id.find(i.symbol);
    const std::int64_t now = ctx.clock.server_now_ms();
    return json::object{{"topic", "orderbook.1." + i.venue_name()},
                        {"type", "snapshot"},
                        {"ts", now},
                        {"data", json::object{{"s", i.venue_name()}, {"b", std::move(b)}, {"a", std::move(a)},
                                              {"u", u == ctx.book_update_id.end() ? 1 : u->second},
                                              {"seq", ctx.cross_seq}}},
                        {"cts", now}};
}

json::object kline_message(const context& ctx, const engine::instrument& i, const candle& c, bool confirm) {
    json::object k{{"start", c.start_ms},         {"end", c.start_ms + 59'999},   {"interval", "1"},
                   {"open", px(i, c.open)},       {"close", px(i, c.close)},      {"high", px(i, c.high)},
                   {"low", px(i, c.low)},         {"volume", qt(i, c.volume)},    {"turnover", money(c.turnover)},
                   {"confirm", confirm},          {"timestamp", ctx.clock.server_now_ms()}};
    return json::object{{"topic", "kline.1." + i.venue_name()},
                        {"type", "snapshot"},
                        {"ts", ctx.clock.server_now_ms()},
                        {"data", json::array{std::move(k)}}};
}

}  // namespace

bool public_topic_known(const context& ctx, std::string_view topic) { return parse_topic(ctx, topic).spec != nullptr; }

void send_public_snapshot(context& ctx, peer_state& peer, std::string_view topic) {
    const auto t = parse_topic(ctx, topic);
    if (t.spec == nullptr) {
        return;
    }
    const auto& i = *t.spec;
    if (t.kind == "tickers.") {
        peer.peer->send(json::serialize(json::object{{"topic", topic},
                                                     {"type", "snapshot"},
                                                     {"data", stored_ticker(ctx, i)},
                                                     {"cs", ctx.cross_seq},
                                                     {"ts", ctx.clock.server_now_ms()}}));
    } else if (t.kind == "orderbook.1.") {
        peer.peer->send(json::serialize(book_message(ctx, i)));
    } else if (t.kind == "kline.1.") {
        if (const auto* c = ctx.klines.current(i.symbol)) {
            peer.peer->send(json::serialize(kline_message(ctx, i, *c, false)));
        }
    }
}

void publish_market(context& ctx, const core::symbol& s) {
    const auto* spec = ctx.ex.find_instrument(s);
    if (spec == nullptr) {
        return;
    }
    const auto& i = *spec;
    const std::string name = i.venue_name();
    if (!ctx.faults.drop_subscription.empty() && ctx.faults.drop_subscription == name) {
        const auto suffix = "." + name;
        for (auto& [id, p] : ctx.peers) {
            if (!p.is_private) {
                std::erase_if(p.topics, [&suffix](const std::string& t) { return t.ends_with(suffix); });
            }
        }
        ctx.faults.drop_subscription.clear();
    }
    // tickers: a delta holds only the fields that changed since the state subscribers hold.
    json::object now = ticker_json(ctx, i);
    const json::object before = stored_ticker(ctx, i);
    json::object delta{{"symbol", name}};
    for (const auto& kv : now) {
        const auto* old = before.if_contains(kv.key());
        if (old == nullptr || *old != kv.value()) {
            delta[kv.key()] = kv.value();
        }
    }
    ctx.last_ticker[s] = std::move(now);
    if (delta.size() > 1) {
        send_to(ctx, "tickers." + name,
                json::object{{"topic", "tickers." + name}, {"type", "delta"}, {"data", std::move(delta)},
                             {"cs", ctx.cross_seq}, {"ts", ctx.clock.server_now_ms()}});
    }
    send_to(ctx, "orderbook.1." + name, book_message(ctx, i));
    const auto recent = ctx.klines.query(s, std::nullopt, std::nullopt, 2);
    if (!recent.empty()) {
        auto& pushed = ctx.kline_pushed_start[s];
        if (pushed != 0 && pushed != recent[0].start_ms && recent.size() > 1) {
            send_to(ctx, "kline.1." + name, kline_message(ctx, i, recent[1], true));
        }
        pushed = recent[0].start_ms;
        send_to(ctx, "kline.1." + name, kline_message(ctx, i, recent[0], false));
    }
}

void publish_trade(context& ctx, const engine::fill_event& f) {
    const auto* spec = ctx.ex.find_instrument(f.record.symbol);
    if (spec == nullptr) {
        return;
    }
    const auto& i = *spec;
    const core::side taker = f.role == engine::liquidity::taker ? f.record.side : core::opposite(f.record.side);
    json::object t{{"T", engine::to_ms(f.time)}, {"s", i.venue_name()},   {"S", side_text(taker)},
                   {"v", qt(i, f.qty)},          {"p", px(i, f.price)},     {"L", "ZeroPlusTick"},
                   {"i", std::to_string(f.trade_id)}, {"BT", false},       {"RPI", false},
                   {"seq", ctx.cross_seq}};
    send_to(ctx, "publicTrade." + i.venue_name(),
            json::object{{"topic", "publicTrade." + i.venue_name()},
                         {"type", "snapshot"},
                         {"ts", ctx.clock.server_now_ms()},
                         {"data", json::array{std::move(t)}}});
}

}  // namespace tradebot::sim::bybit
