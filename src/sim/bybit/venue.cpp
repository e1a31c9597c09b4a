#include "tradebot/sim/bybit/venue.hpp"

#include <array>

#include "sim/bybit/auth.hpp"
#include "sim/bybit/context.hpp"
#include "sim/bybit/handlers.hpp"
#include "sim/bybit/streams.hpp"

namespace tradebot::sim::bybit {

namespace {

using handler_fn = outcome (*)(context&, const request&);

struct route {
    std::string_view method;
    std::string_view path;
    bool signed_request;
    handler_fn fn;
};

const std::array<route, 28> routes{{
    {"GET", "/v5/market/time", false, market_time},
    {"GET", "/v5/market/instruments-info", false, instruments_info},
    {"GET", "/v5/market/tickers", false, tickers},
    {"GET", "/v5/market/kline", false, kline},
    {"GET", "/v5/market/mark-price-kline", false, mark_price_kline},
    {"GET", "/v5/market/funding/history", false, funding_history},
    {"GET", "/v5/market/orderbook", false, orderbook},
    {"GET", "/v5/market/open-interest", false, open_interest},
    {"GET", "/v5/market/risk-limit", false, risk_limit},
    {"GET", "/v5/account/fee-rate", true, fee_rate},
    {"POST", "/v5/order/create", true, order_create},
    {"POST", "/v5/order/amend", true, order_amend},
    {"POST", "/v5/order/cancel", true, order_cancel},
    {"POST", "/v5/order/cancel-all", true, order_cancel_all},
    {"GET", "/v5/order/realtime", true, order_realtime},
    {"GET", "/v5/order/history", true, order_history},
    {"GET", "/v5/execution/list", true, execution_list},
    {"GET", "/v5/position/list", true, position_list},
    {"GET", "/v5/position/closed-pnl", true, closed_pnl},
    {"POST", "/v5/position/set-leverage", true, set_leverage},
    {"POST", "/v5/position/switch-mode", true, switch_mode},
    {"POST", "/v5/position/trading-stop", true, trading_stop},
    {"GET", "/v5/account/wallet-balance", true, wallet_balance},
    {"POST", "/v5/account/set-margin-mode", true, set_margin_mode},
    {"GET", "/v5/account/info", true, account_info},
    {"GET", "/v5/account/transaction-log", true, transaction_log},
    {"GET", "/v5/user/query-api", true, query_api},
    {"GET", "/v5/asset/coin/query-info", true, coin_info},
}};

// The text Bybit sends for a retCode (exchange-apis §B4), for reject_next faults without one.
std::string text_of(int code) {
    switch (code) {
    case 10001: return "params error";
    case 10003: return "API key is invalid.";
    case 10004: return "error sign!";
    case 10005: return "Invalid API-key, IP, or permissions for action.";
    case 10006: return "Too many visits!";
    case 10010: return "Unmatched IP, please check your API key's bound IP addresses.";
    case 10016: return "Server error";
    case 110001: return "order not exists or too late to cancel";
    case 110007: return "ab not enough for new order";
    case 110017: return "current position is zero, cannot fix reduce-only order qty";
    case 110043: return "leverage not modified";
    case 110072: return "OrderLinkedID is duplicate";
    case 34040: return "not modified";
    default: return "error";  // [U] no documented text for this code
    }
}

wire::reply send(net::http_response res) {
    wire::reply r;
    r.response = std::move(res);
    return r;
}

}  // namespace

venue::venue(wire::sim_clock& clock, engine::exchange_config config) {
    config.venue = engine::venue::bybit;
    ctx_ = std::make_unique<context>(clock, std::move(config));
}

venue::~venue() = default;

engine::exchange& venue::exchange() noexcept { return ctx_->ex; }
wire::faults& venue::faults() noexcept { return ctx_->faults; }

void venue::add_account(const engine::account_config& cfg, std::string secret) {
    ctx_->secrets[cfg.id] = std::move(secret);
    ctx_->ex.add_account(cfg);
    drain_events(*ctx_);
}

const wire::arrival_log& venue::arrivals() const noexcept { return ctx_->arrivals; }

wire::reply venue::handle(const net::http_request& http, wire::arrival_time arrival) {
    context& ctx = *ctx_;
    const std::int64_t now_ms = ctx.clock.server_now_ms();
    if (ctx.faults.throttle || !ctx.limiter.hit_ip(ctx.clock.steady_now())) {
        // [U] B3: the IP limit answers HTTP 403 "access too frequent"; the body is not documented.
        net::http_response res;
        res.status = 403;
        res.body = "access too frequent";
        return send(std::move(res));
    }
    const std::string_view path = http.path();
    const route* found = nullptr;
    for (const auto& r : routes) {
        if (r.fn != nullptr && r.path == path) {
            found = &r;
        }
    }
    if (found == nullptr || found->method != http.method) {
        return send(envelope(fail(10017, "route not found", 404), now_ms));  // [U] B11 step 1
    }
    request req;
    req.path = path;
    req.post = found->method == "POST";
    req.arrival = arrival;
    const std::string_view raw_query = wire::query_of(http.target);
    if (req.post) {
        boost::system::error_code ec;
        auto body = json::parse(http.body, ec);
        if (ec || !body.is_object()) {
            return send(envelope(param_error("body"), now_ms));  // [U] text for malformed JSON
        }
        req.body = std::move(body.get_object());
    } else {
        req.query = wire::params::parse(raw_query);
    }
    if (ctx.faults.reject_next_code) {
        const int code = *ctx.faults.reject_next_code;
        std::string msg = ctx.faults.reject_next_message.empty() ? text_of(code) : ctx.faults.reject_next_message;
        ctx.faults.reject_next_code.reset();
        ctx.faults.reject_next_message.clear();
        return send(envelope(fail(code, std::move(msg)), now_ms));
    }
    std::vector<std::pair<std::string, std::string>> limit_headers;
    if (found->signed_request) {
        auto auth = authenticate(ctx, http, req.post ? std::string_view{http.body} : raw_query);
        if (auth.error) {
            return send(envelope(*auth.error, now_ms));
        }
        req.account = auth.account;
        if (req.post) {
            // [U] a read-only key: every POST changes the account and is refused with 10005.
            const auto* account = ctx.ex.find_account(req.account);
            if (account != nullptr && account->config().read_only) {
                return send(envelope(fail(10005, text_of(10005)), now_ms));
            }
        }
        const auto v = ctx.limiter.hit_uid(req.account, path, ctx.clock.steady_now());
        if (v.limit > 0) {
            limit_headers = {{"X-Bapi-Limit", std::to_string(v.limit)},
                             {"X-Bapi-Limit-Status", std::to_string(v.remaining)},
                             {"X-Bapi-Limit-Reset-Timestamp", std::to_string(now_ms + v.reset_in_ms)}};
        }
        if (!v.allowed) {
            auto res = envelope(fail(10006, "Too many visits!"), now_ms);
            res.headers = std::move(limit_headers);
            return send(std::move(res));
        }
    }
    const outcome out = found->fn(ctx, req);
    drain_events(ctx);
    auto res = envelope(out, ctx.clock.server_now_ms());
    res.headers = std::move(limit_headers);
    wire::reply reply = send(std::move(res));
    if (path == "/v5/order/create" && out.code == 0 && ctx.faults.hang_after_accept_next > 0) {
        --ctx.faults.hang_after_accept_next;
        reply.action = wire::disposition::hang;
    }
    return reply;
}

std::optional<wire::reply> venue::ws_accept(const net::http_request& upgrade) {
    const auto path = upgrade.path();
    if (path == "/v5/public/linear" || path == "/v5/private") {
        return std::nullopt;
    }
    net::http_response res;
    res.status = 404;
    res.body = "404 page not found";  // [U]
    return send(std::move(res));
}

void venue::ws_open(wire::ws_peer& peer) {
    peer_state st;
    st.peer = &peer;
    const std::string_view target = peer.target();
    st.is_private = target.substr(0, target.find('?')) == "/v5/private";
    st.conn_id = "sim-" + std::to_string(++ctx_->conn_counter);
    ctx_->peers[peer.id()] = std::move(st);
}

void venue::ws_message(wire::ws_peer& peer, std::string_view text) {
    auto it = ctx_->peers.find(peer.id());
    if (it == ctx_->peers.end()) {
        ws_open(peer);
        it = ctx_->peers.find(peer.id());
    }
    handle_ws_message(*ctx_, it->second, text);
}

void venue::ws_closed(wire::ws_peer& peer) { ctx_->peers.erase(peer.id()); }

void venue::on_price(const core::symbol& symbol, const engine::market_prices& prices) {
    ctx_->ex.on_price(symbol, prices);
    ctx_->klines.on_price(symbol, prices.last, ctx_->clock.now_ms());
    ctx_->mark_klines.on_price(symbol, prices.mark, ctx_->clock.now_ms());
    ++ctx_->book_update_id[symbol];
    ++ctx_->cross_seq;
    drain_events(*ctx_);
    publish_market(*ctx_, symbol);
}

void venue::on_prices(const std::vector<std::pair<core::symbol, engine::market_prices>>& moved) {
    ctx_->ex.on_prices(moved);
    for (const auto& [symbol, prices] : moved) {
        ctx_->klines.on_price(symbol, prices.last, ctx_->clock.now_ms());
        ctx_->mark_klines.on_price(symbol, prices.mark, ctx_->clock.now_ms());
        ++ctx_->book_update_id[symbol];
        ++ctx_->cross_seq;
    }
    drain_events(*ctx_);
    for (const auto& [symbol, prices] : moved) {
        publish_market(*ctx_, symbol);
    }
}

void venue::tick() {
    settle_funding(*ctx_, ctx_->clock.now());
    drain_events(*ctx_);
}

boost::json::value venue::state() const {
    json::array peers;
    for (const auto& [id, p] : ctx_->peers) {
        json::array topics;
        for (const auto& t : p.topics) {
            topics.emplace_back(t);
        }
        peers.push_back(json::object{{"id", id},
                                     {"private", p.is_private},
                                     {"conn_id", p.conn_id},
                                     {"account", p.account ? json::value(*p.account) : json::value(nullptr)},
                                     {"topics", std::move(topics)}});
    }
    return json::object{{"venue", "bybit"},
                        {"peers", std::move(peers)},
                        {"rate_limits", ctx_->limiter.state(ctx_->clock.steady_now())},
                        {"orders_known", ctx_->orders.size()},
                        {"executions_known", ctx_->executions.size()}};
}

}  // namespace tradebot::sim::bybit
