#include <utility>
#include <algorithm>

#include "sim/binance/context.hpp"

namespace tradebot::sim::binance {

namespace {

constexpr std::chrono::minutes listen_key_life{60};

std::string new_key(context& ctx) {
    // 64 characters like the real keys; deterministic per venue.
    static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::uint64_t x = ++ctx.listen_key_counter * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(ctx.now_ms());
    std::string k;
    for (int i = 0; i < 64; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        k.push_back(alphabet[x % (sizeof(alphabet) - 1)]);
    }
    return k;
}

std::string side_name(core::side s) { return s == core::side::buy ? "BUY" : "SELL"; }

boost::json::object order_update(const context& ctx, const engine::order& o, std::string_view exec,
                                 const engine::fill_event* f) {
    const auto* spec = ctx.ex.find_instrument(o.symbol);
    const std::string type = o.type == core::order_type::limit ? "LIMIT" : "MARKET";
    std::string client = o.client_id;
    if (o.origin == engine::order_origin::liquidation) {
        client = "autoclose-" + std::to_string(o.id);
    }
    boost::json::object j{{"s", spec != nullptr ? spec->venue_name() : o.symbol.str()},
                          {"c", client},
                          {"S", side_name(o.side)},
                          {"o", o.origin == engine::order_origin::liquidation ? "LIQUIDATION" : type},
                          {"f", std::string{engine::to_string(o.tif)}},
                          {"q", qty(spec, o.qty)},
                          {"p", px(spec, o.price)},
                          {"ap", px(spec, o.avg_price)},
                          {"sp", "0"},
                          {"x", std::string{exec}},
                          {"X", std::string{engine::to_string(o.status)}},
                          {"i", o.id},
                          {"l", f != nullptr ? qty(spec, f->qty) : "0"},
                          {"z", qty(spec, o.filled_qty)},
                          {"L", f != nullptr ? px(spec, f->price) : "0"},
                          {"N", ctx.ex.config().settlement_asset},
                          {"n", f != nullptr ? money(f->fee) : "0"},
                          {"T", engine::to_ms(f != nullptr ? f->time : o.updated)},
                          {"t", f != nullptr ? f->trade_id : 0},
                          {"b", "0"},
                          {"a", "0"},
                          {"m", f != nullptr && f->role == engine::liquidity::maker},
                          {"R", o.reduce_only},
                          {"wt", "CONTRACT_PRICE"},
                          {"ot", type},
                          {"ps", "BOTH"},
                          {"cp", o.close_position},
                          {"rp", f != nullptr ? money(f->realized_pnl) : "0"},
                          {"pP", false},
                          {"si", 0},
                          {"ss", 0},
                          {"V", "NONE"},
                          {"pm", "NONE"},
                          {"gtd", 0},
                          {"er", o.status == engine::order_status::expired && o.type == core::order_type::market ? "9"
                                 : o.status == engine::order_status::expired                                       ? "2"
                                                                                                                   : "0"}};
    return j;
}

boost::json::object algo_update(const context& ctx, const engine::conditional_event& e) {
    const auto& c = e.record;
    const auto* spec = ctx.ex.find_instrument(c.request.symbol);
    std::string ai;
    std::string ap = "0";
    std::string aq = "0";
    if (c.triggered_order_id) {
        ai = std::to_string(*c.triggered_order_id);
        if (const auto acc = ctx.orders.find(c.account); acc != ctx.orders.end()) {
            if (const auto it = acc->second.find(*c.triggered_order_id); it != acc->second.end()) {
                ap = px(spec, it->second.avg_price);
                aq = qty(spec, it->second.filled_qty);
            }
        }
    }
    const bool trailing = c.request.kind == engine::conditional_kind::trailing_stop_market;
    // Docs label T "Event Time" and E "Transaction Time" on this event only (§A10).
    return {{"e", "ALGO_UPDATE"},
            {"T", engine::to_ms(e.time)},
            {"E", engine::to_ms(e.time)},
            {"o",
             {{"caid", c.request.client_id},
              {"aid", c.id},
              {"at", "CONDITIONAL"},
              {"o", std::string{conditional_type_name(c.request.kind)}},
              {"s", spec != nullptr ? spec->venue_name() : c.request.symbol.str()},
              {"S", side_name(c.request.side)},
              {"ps", "BOTH"},
              {"f", "GTC"},
              {"q", qty(spec, c.request.qty)},
              {"X", std::string{algo_status_name(c.status)}},
              {"ai", ai},
              {"ap", ap},
              {"aq", aq},
              {"act", c.triggered_order_id ? "MARKET" : "0"},
              {"tp", trailing ? "0" : px(spec, c.request.trigger_price)},
              {"p", "0"},
              {"V", "NONE"},
              {"wt", c.request.working == engine::working_type::mark ? "MARK_PRICE" : "CONTRACT_PRICE"},
              {"pm", "NONE"},
              {"cp", c.request.close_position},
              {"pP", false},
              {"R", c.request.reduce_only},
              {"tt", c.trigger_time ? engine::to_ms(*c.trigger_time) : 0},
              {"gtd", 0},
              {"rm", c.status == engine::conditional_status::rejected ? "Margin is insufficient." : ""}}}};
}

// Balance and position changes of one account and reason, merged into one ACCOUNT_UPDATE.
struct pending_account_update {
    engine::account_id account;
    std::string reason;
    std::int64_t time = 0;
    boost::json::array balances;
    boost::json::array positions;
};

void flush(context& ctx, std::optional<pending_account_update>& p) {
    if (!p) {
        return;
    }
    publish_user(ctx, p->account, "ACCOUNT_UPDATE",
                 {{"e", "ACCOUNT_UPDATE"},
                  {"E", p->time},
                  {"T", p->time},
                  {"a", {{"m", p->reason}, {"B", std::move(p->balances)}, {"P", std::move(p->positions)}}}});
    p.reset();
}

pending_account_update& pending_for(context& ctx, std::optional<pending_account_update>& p, const engine::account_id& a,
                                    const std::string& reason, std::int64_t time) {
    if (p && (p->account != a || p->reason != reason)) {
        flush(ctx, p);
    }
    if (!p) {
        p = pending_account_update{a, reason, time, {}, {}};
    }
    return *p;
}

void remember_order(context& ctx, const engine::order& o) {
    auto& book = ctx.orders[o.account];
    book[o.id] = o;
    while (book.size() > 5000) {
        book.erase(book.begin());
    }
}

}  // namespace

void publish_user(context& ctx, const engine::account_id& account, const std::string& event_type,
                  const boost::json::object& payload) {
    for (auto& [id, p] : ctx.peers) {
        if (p.route != ws_route::private_) {
            continue;  // user data flows on /private only since the 2026 split (§A9)
        }
        for (const auto& key : p.listen_keys) {
            const auto it = ctx.listen_keys.find(key);
            if (it == ctx.listen_keys.end() || it->second.account != account) {
                continue;
            }
            if (!p.events.empty() && !p.events.contains(event_type)) {
                continue;
            }
            const std::string text = p.combined ? boost::json::serialize(boost::json::object{{"stream", key}, {"data", payload}})
                                                : boost::json::serialize(payload);
            p.peer->send(text);
        }
    }
}

void drain(context& ctx) {
    std::optional<pending_account_update> pending;
    for (const auto& ev : ctx.ex.drain_events()) {
        record_income(ctx, ev);
        if (const auto* o = std::get_if<engine::order_event>(&ev)) {
            flush(ctx, pending);
            remember_order(ctx, o->record);
            publish_user(ctx, o->record.account, "ORDER_TRADE_UPDATE",
                         {{"e", "ORDER_TRADE_UPDATE"}, {"E", engine::to_ms(o->time)}, {"T", engine::to_ms(o->time)},
                          {"o", order_update(ctx, o->record,
                                                 o->amended ? "AMENDMENT" : engine::to_string(o->record.status),
                                                 nullptr)}});
        } else if (const auto* f = std::get_if<engine::fill_event>(&ev)) {
            flush(ctx, pending);
            remember_order(ctx, f->record);
            auto& trades = ctx.trades[f->record.account];
            trades.push_back({*f});
            if (trades.size() > 5000) {
                trades.pop_front();
            }
            record_kline(ctx, f->record.symbol, f->price, f->qty);
            publish_user(ctx, f->record.account, "ORDER_TRADE_UPDATE",
                         {{"e", "ORDER_TRADE_UPDATE"}, {"E", engine::to_ms(f->time)}, {"T", engine::to_ms(f->time)},
                          {"o", order_update(ctx, f->record, "TRADE", f)}});
            const auto* spec = ctx.ex.find_instrument(f->record.symbol);
            publish_market(ctx, f->record.symbol, "aggTrade",
                           {{"e", "aggTrade"}, {"E", ctx.now_ms()}, {"s", spec->venue_name()}, {"a", ++ctx.agg_trade_id},
                            {"p", px(spec, f->price)}, {"q", qty(spec, f->qty)}, {"nq", qty(spec, f->qty)},
                            {"f", f->trade_id}, {"l", f->trade_id}, {"T", engine::to_ms(f->time)},
                            {"m", f->record.side == core::side::sell}});
        } else if (const auto* c = std::get_if<engine::conditional_event>(&ev)) {
            flush(ctx, pending);
            publish_user(ctx, c->record.account, "ALGO_UPDATE", algo_update(ctx, *c));
        } else if (const auto* b = std::get_if<engine::balance_event>(&ev)) {
            auto& p = pending_for(ctx, pending, b->account, b->reason, engine::to_ms(b->time));
            p.balances.push_back({{"a", b->asset}, {"wb", money(b->wallet_balance)}, {"cw", money(b->wallet_balance)},
                                  {"bc", b->reason == "DEPOSIT" ? money(b->change) : "0"}});
        } else if (const auto* pe = std::get_if<engine::position_event>(&ev)) {
            const auto key = std::pair{pe->account, pe->symbol};
            if (pe->size.is_zero()) {
                ctx.position_opened.erase(key);
            } else if (!ctx.position_opened.contains(key)) {
                ctx.position_opened[key] = pe->time;
            }
            const auto* spec = ctx.ex.find_instrument(pe->symbol);
            const auto* acc = ctx.ex.find_account(pe->account);
            const auto* pos = acc != nullptr ? acc->find_position(pe->symbol) : nullptr;
            auto& p = pending_for(ctx, pending, pe->account, pe->reason, engine::to_ms(pe->time));
            p.positions.push_back(
                {{"s", spec->venue_name()}, {"pa", qty(spec, pe->size)}, {"ep", px(spec, pe->entry_price)},
                 {"bep", px(spec, pe->entry_price)},
                 {"cr", money(pos != nullptr ? pos->cumulative_realized_pnl() : core::decimal{})},
                 {"up", money(pe->unrealized_pnl)},
                 {"mt", std::string{margin_type_name(acc != nullptr ? acc->margin(pe->symbol) : engine::margin_mode::cross)}},
                 {"iw", money(pos != nullptr ? pos->isolated_margin() : core::decimal{})}, {"ps", "BOTH"}});
        }
    }
    flush(ctx, pending);
}

wire::reply listen_key_new(context& ctx, call& c) {
    // One live key per account: POST again returns it and extends it (§A8).
    for (auto& [k, v] : ctx.listen_keys) {
        if (v.account == c.account) {
            v.expires = ctx.clock.now() + listen_key_life;
            return json_reply(200, boost::json::object{{"listenKey", k}});
        }
    }
    const std::string k = new_key(ctx);
    ctx.listen_keys[k] = {c.account, ctx.clock.now() + listen_key_life};
    return json_reply(200, boost::json::object{{"listenKey", k}});
}

namespace {
std::map<std::string, listen_key_state>::iterator key_of(context& ctx, const call& c) {
    for (auto it = ctx.listen_keys.begin(); it != ctx.listen_keys.end(); ++it) {
        if (it->second.account == c.account) {
            return it;
        }
    }
    return ctx.listen_keys.end();
}
}  // namespace

wire::reply listen_key_keepalive(context& ctx, call& c) {
    const auto it = key_of(ctx, c);
    if (it == ctx.listen_keys.end()) {
        return error_reply(error_for_code(-1125));
    }
    it->second.expires = ctx.clock.now() + listen_key_life;
    return json_reply(200, boost::json::object{{"listenKey", it->first}});
}

wire::reply listen_key_close(context& ctx, call& c) {
    const auto it = key_of(ctx, c);
    if (it != ctx.listen_keys.end()) {
        ctx.listen_keys.erase(it);
    }
    return json_reply(200, boost::json::object{});
}

void expire_listen_keys(context& ctx) {
    const auto now = ctx.clock.now();
    // The expire_listen_key fault ends every key at once, as a missed keepalive would.
    const bool forced = std::exchange(ctx.faults.expire_listen_keys, false);
    for (auto it = ctx.listen_keys.begin(); it != ctx.listen_keys.end();) {
        if (!forced && it->second.expires > now) {
            ++it;
            continue;
        }
        // E is a string in the docs' example (§A10).
        const boost::json::object payload{{"e", "listenKeyExpired"}, {"E", std::to_string(ctx.now_ms())}, {"listenKey", it->first}};
        publish_user(ctx, it->second.account, "listenKeyExpired", payload);
        it = ctx.listen_keys.erase(it);
    }
}

}  // namespace tradebot::sim::binance
