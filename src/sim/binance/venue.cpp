#include "tradebot/sim/binance/venue.hpp"

#include <string>

#include "sim/binance/context.hpp"
#include "sim/binance/router.hpp"

namespace tradebot::sim::binance {

namespace {

wire::params merged_params(const net::http_request& req) {
    // Query and form body are read together; a name in both takes the query's value (§A2).
    wire::params out = wire::params::parse(wire::query_of(req.target));
    std::string_view raw = req.body;
    while (!raw.empty()) {
        const auto amp = raw.find('&');
        const auto one = wire::params::parse(raw.substr(0, amp));
        raw = amp == std::string_view::npos ? std::string_view{} : raw.substr(amp + 1);
        if (!one.items().empty() && !out.has(one.items().front().first)) {
            out.append(one);
        }
    }
    return out;
}

void add_header(wire::reply& r, std::string name, std::string value) {
    r.response.headers.emplace_back(std::move(name), std::move(value));
}

wire::reply not_found() {
    wire::reply r;
    r.response.status = 404;
    r.response.content_type = "text/html";
    r.response.body = "<html><body><h2>404 Not found</h2></body></html>";
    return r;
}

}  // namespace

venue::venue(wire::sim_clock& clock, engine::exchange_config config)
    : ctx_{std::make_unique<context>(clock, std::move(config))} {}

venue::~venue() = default;

engine::exchange& venue::exchange() noexcept { return ctx_->ex; }
wire::faults& venue::faults() noexcept { return ctx_->faults; }

void venue::add_account(const engine::account_config& cfg, std::string secret) {
    ctx_->secrets[cfg.id] = std::move(secret);
    ctx_->ex.add_account(cfg);
    drain(*ctx_);
}

const wire::arrival_log& venue::arrivals() const noexcept { return ctx_->arrivals; }

wire::reply venue::handle(const net::http_request& request, wire::arrival_time arrival) {
    context& ctx = *ctx_;
    const route* rt = find_route(request.method, request.path());
    if (rt == nullptr) {
        return not_found();
    }
    call c{request, merged_params(request), {}, arrival};
    const auto steady = ctx.clock.steady_now();
    auto finish = [&](wire::reply r, bool order_headers) {
        add_header(r, "X-MBX-USED-WEIGHT-1M", std::to_string(ctx.limiter.used_weight(steady)));
        if (order_headers && !c.account.empty()) {
            const auto [n10, n60] = ctx.limiter.order_counts(steady, c.account);
            add_header(r, "X-MBX-ORDER-COUNT-10S", std::to_string(n10));
            add_header(r, "X-MBX-ORDER-COUNT-1M", std::to_string(n60));
        }
        return r;
    };

    if (ctx.faults.reject_next_code) {
        auto e = error_for_code(*ctx.faults.reject_next_code);
        if (!ctx.faults.reject_next_message.empty()) {
            e.message = ctx.faults.reject_next_message;
        }
        ctx.faults.reject_next_code.reset();
        ctx.faults.reject_next_message.clear();
        return finish(error_reply(e), false);
    }
    if (auto err = authenticate(ctx, c, rt->level)) {
        return finish(std::move(*err), false);
    }
    const auto v = ctx.limiter.on_request(steady, ctx.now_ms(), rt->weight(c), ctx.faults.throttle);
    using kind = rate_limiter::verdict::kind;
    if (v.what == kind::too_many || v.what == kind::banned) {
        wire::reply r = v.what == kind::too_many
                            ? error_reply(429, -1003, error_for_code(-1003).message)
                            : error_reply(418, -1003,
                                          "Way too many requests; IP banned until " + std::to_string(v.banned_until_ms) +
                                              ". Please use the websocket for live updates to avoid bans.");
        add_header(r, "Retry-After", std::to_string(v.retry_after_s));
        return finish(std::move(r), false);
    }
    if (rt->counts_order) {
        const auto ov = ctx.limiter.on_order(steady, c.account);
        if (ov.what == kind::too_many_orders) {
            wire::reply r = error_reply(429, -1015,
                                        "Too many new orders; current limit is " + std::to_string(ov.order_limit) +
                                            " orders per " + ov.order_window + ".");
            add_header(r, "Retry-After", std::to_string(ov.retry_after_s));
            return finish(std::move(r), true);
        }
    }
    wire::reply r = rt->handler(ctx, c);
    drain(ctx);
    if (rt->counts_order && ctx.faults.hang_after_accept_next > 0) {
        --ctx.faults.hang_after_accept_next;
        r.action = wire::disposition::hang;
    }
    return finish(std::move(r), rt->counts_order);
}

std::optional<wire::reply> venue::ws_accept(const net::http_request& upgrade) {
    return binance::ws_accept(*ctx_, upgrade);
}
void venue::ws_open(wire::ws_peer& peer) { binance::ws_open(*ctx_, peer); }
void venue::ws_message(wire::ws_peer& peer, std::string_view text) { binance::ws_message(*ctx_, peer, text); }
void venue::ws_closed(wire::ws_peer& peer) { ctx_->peers.erase(peer.id()); }

void venue::on_price(const core::symbol& symbol, const engine::market_prices& prices) {
    ctx_->ex.on_price(symbol, prices);
    record_kline(*ctx_, symbol, prices.last, {});
    record_mark_kline(*ctx_, symbol, prices.mark);
    drain(*ctx_);
    on_price_streams(*ctx_, symbol);
}

void venue::on_prices(const std::vector<std::pair<core::symbol, engine::market_prices>>& moved) {
    ctx_->ex.on_prices(moved);
    for (const auto& [symbol, prices] : moved) {
        record_kline(*ctx_, symbol, prices.last, {});
        record_mark_kline(*ctx_, symbol, prices.mark);
    }
    drain(*ctx_);
    for (const auto& [symbol, prices] : moved) {
        on_price_streams(*ctx_, symbol);
    }
}

void venue::tick() {
    settle_funding(*ctx_, ctx_->clock.now());
    run_countdowns(*ctx_);
    drain(*ctx_);
    expire_listen_keys(*ctx_);
    tick_streams(*ctx_);
}

boost::json::value venue::state() const {
    const context& ctx = *ctx_;
    boost::json::object o;
    boost::json::array keys;
    for (const auto& [k, v] : ctx.listen_keys) {
        keys.push_back({{"listenKey", k}, {"account", v.account}, {"expiresAt", engine::to_ms(v.expires)}});
    }
    o["listenKeys"] = std::move(keys);
    boost::json::array peers;
    for (const auto& [id, p] : ctx.peers) {
        boost::json::array streams;
        for (const auto& s : p.streams) {
            streams.push_back(boost::json::string{s});
        }
        boost::json::array lks;
        for (const auto& k : p.listen_keys) {
            lks.push_back(boost::json::string{k});
        }
        peers.push_back({{"id", id},
                         {"target", p.peer != nullptr ? p.peer->target() : std::string{}},
                         {"combined", p.combined},
                         {"streams", std::move(streams)},
                         {"listenKeys", std::move(lks)},
                         {"openedAt", engine::to_ms(p.opened)}});
    }
    o["connections"] = std::move(peers);
    o["rateLimits"] = ctx.limiter.state(ctx.clock.steady_now());
    return o;
}

}  // namespace tradebot::sim::binance
