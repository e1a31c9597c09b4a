#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "sim/binance/rate_limiter.hpp"
#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/net/http_server.hpp"
#include "tradebot/sim/engine/exchange.hpp"
#include "tradebot/sim/engine/venue_errors.hpp"
#include "tradebot/sim/wire/arrival_log.hpp"
#include "tradebot/sim/wire/faults.hpp"
#include "tradebot/sim/wire/params.hpp"
#include "tradebot/sim/wire/sim_clock.hpp"
#include "tradebot/sim/wire/venue.hpp"

namespace tradebot::sim::binance {

using engine::time_point;

// Which 2026 route a WebSocket came in on (§A9): /public carries book data, /market the rest,
// /private user data; the retired /ws and /stream paths still connect but carry public data only.
enum class ws_route : std::uint8_t { legacy, public_, market, private_ };

struct peer_state {
    wire::ws_peer* peer = nullptr;
    ws_route route = ws_route::legacy;
    bool combined = false;
    std::set<std::string> streams;
    std::vector<std::string> listen_keys;
    std::set<std::string> events;  // private `events=` filter; empty = all
    time_point opened{};
    std::deque<std::chrono::steady_clock::time_point> recent_messages;
};

struct listen_key_state {
    engine::account_id account;
    time_point expires{};
};

struct kline {
    std::int64_t open_ms = 0;
    core::decimal open, high, low, close, volume, quote_volume;
    std::int64_t trades = 0;
};

struct trade_record {
    engine::fill_event fill;
};

// One settled funding of a symbol (GET /fapi/v1/fundingRate).
struct funding_record {
    time_point time{};
    core::decimal rate;
    core::decimal mark;
};

// One row of GET /fapi/v1/income: the wallet changes the simulator makes (§A8).
struct income_record {
    core::symbol symbol;
    std::string type;  // COMMISSION, REALIZED_PNL, FUNDING_FEE
    core::decimal amount;
    std::int64_t time_ms = 0;
    std::int64_t tran_id = 0;
    std::int64_t trade_id = 0;  // 0 = none
};

// Everything the venue knows beyond the engine: keys, listen keys, peers, windows, history.
struct context {
    context(wire::sim_clock& c, engine::exchange_config cfg) : clock{c}, ex{c, std::move(cfg)} {}

    wire::sim_clock& clock;
    engine::exchange ex;
    wire::faults faults;
    std::map<std::string, std::string> secrets;  // api key -> secret
    std::map<std::string, listen_key_state> listen_keys;
    std::uint64_t listen_key_counter = 0;
    std::map<std::uint64_t, peer_state> peers;
    rate_limiter limiter;
    std::map<core::symbol, std::deque<kline>> klines;
    std::map<core::symbol, std::deque<kline>> mark_klines;  // trades = mark prices in the minute
    std::map<engine::account_id, std::map<engine::order_id, engine::order>> orders;  // history
    std::map<engine::account_id, std::deque<trade_record>> trades;
    std::map<engine::account_id, std::deque<income_record>> income;
    std::map<core::symbol, std::deque<funding_record>> fundings;
    std::int64_t income_tran_id = 9'689'322'392;
    std::map<std::pair<engine::account_id, core::symbol>, time_point> position_opened;
    std::map<core::symbol, core::decimal> last_trade_price;
    std::map<std::pair<engine::account_id, core::symbol>, time_point> countdowns;  // countdownCancelAll
    wire::arrival_log arrivals;  // new orders as order_new placed or refused them
    std::int64_t agg_trade_id = 0;
    std::int64_t update_id = 0;
    std::int64_t last_mark_second = 0;
    std::int64_t last_slow_push_second = 0;

    [[nodiscard]] std::int64_t server_ms() const { return clock.server_now_ms(); }
    [[nodiscard]] std::int64_t now_ms() const { return clock.now_ms(); }
};

// One REST call after routing: the merged parameters (query wins over body) and the caller.
struct call {
    const net::http_request& request;
    wire::params params;
    std::string account;  // API key, empty for public endpoints
    wire::arrival_time arrival{};  // when the request's last byte was read
};

// --- responses (json_format.cpp) -------------------------------------------------------
wire::reply json_reply(unsigned status, const boost::json::value& body);
wire::reply error_reply(unsigned status, int code, const std::string& msg);
wire::reply error_reply(const engine::binance_error& e);
// The venue's text and HTTP status for a code (reject_next fault): wire-level codes first,
// then the engine's table in venue_errors.cpp.
engine::binance_error error_for_code(int code);
std::string mandatory_msg(std::string_view param);
wire::reply mandatory_missing(std::string_view param);
wire::reply invalid_param(std::string_view param);
wire::reply engine_error(const engine::rejection& r);
std::optional<std::int64_t> to_i64(std::string_view s);
// An order named by id or by client id (orderId / origClientOrderId, algoId / clientAlgoId):
// -1102 in the venue's "both were empty" form when neither is sent.
std::optional<wire::reply> order_ref_of(const call& c, std::string_view id_param, std::string_view client_param,
                                        engine::order_ref& ref);

std::string px(const engine::instrument* spec, core::decimal d);   // tick scale
std::string qty(const engine::instrument* spec, core::decimal d);  // step scale
std::string money(core::decimal d);                                // 8 decimals
std::string plain(core::decimal d);                                // as is

boost::json::object order_json(const context& ctx, const engine::order& o, bool with_time);
boost::json::object algo_json(const context& ctx, const engine::conditional_order& c, bool query);
std::string_view conditional_type_name(engine::conditional_kind k);
std::string_view algo_status_name(engine::conditional_status s);
std::string_view margin_type_name(engine::margin_mode m);

// --- parameter helpers (params_check.cpp) ----------------------------------------------
// -1101 for a parameter repeated within the query or within the body, -1103 for one the
// endpoint does not know. timestamp, recvWindow and signature are always known.
std::optional<wire::reply> check_params(const call& c, std::initializer_list<std::string_view> allowed);
std::optional<std::string_view> param(const call& c, std::string_view key);  // empty value = absent
std::optional<core::symbol> symbol_param(const context& ctx, const call& c, const engine::instrument** spec);

// --- endpoints --------------------------------------------------------------------------
wire::reply md_ping(context&, call&);
wire::reply md_time(context&, call&);
wire::reply md_exchange_info(context&, call&);
wire::reply md_ticker_price(context&, call&);
wire::reply md_book_ticker(context&, call&);
wire::reply md_premium_index(context&, call&);
wire::reply md_ticker_24hr(context&, call&);
wire::reply md_klines(context&, call&);
wire::reply md_mark_price_klines(context&, call&);
wire::reply md_open_interest(context&, call&);
wire::reply md_depth(context&, call&);

wire::reply order_new(context&, call&);
wire::reply order_cancel(context&, call&);
wire::reply order_modify(context&, call&);
wire::reply order_query(context&, call&);
wire::reply open_order_query(context&, call&);
wire::reply open_orders(context&, call&);
wire::reply all_orders(context&, call&);
wire::reply cancel_all_open(context&, call&);
wire::reply countdown_cancel_all(context&, call&);
wire::reply user_trades(context&, call&);
wire::reply income_history(context&, call&);  // income.cpp
wire::reply md_funding_rate(context&, call&);  // funding_history.cpp
// Settles funding up to `now`, recording each symbol's settlements for md_funding_rate.
void settle_funding(context& ctx, time_point now);
// Records the income rows a fill or a funding settlement makes (user_stream.cpp's drain).
void record_income(context& ctx, const engine::event& ev);

wire::reply set_leverage(context&, call&);
wire::reply set_margin_type(context&, call&);
wire::reply get_dual(context&, call&);
wire::reply set_dual(context&, call&);
wire::reply account_v2(context&, call&);
wire::reply account_v3(context&, call&);
wire::reply balance(context&, call&);
wire::reply position_risk_v2(context&, call&);
wire::reply position_risk_v3(context&, call&);
wire::reply leverage_bracket(context&, call&);  // leverage_brackets.cpp
wire::reply capital_config_getall(context&, call&);  // sapi.cpp: what ccxt loads before markets
wire::reply margin_all_pairs(context&, call&);       // sapi.cpp
wire::reply symbol_config(context&, call&);          // symbol_config.cpp
wire::reply commission_rate(context&, call&);        // symbol_config.cpp

wire::reply algo_new(context&, call&);
wire::reply algo_cancel(context&, call&);
wire::reply algo_query(context&, call&);
wire::reply algo_open_orders(context&, call&);
wire::reply algo_cancel_all(context&, call&);

wire::reply listen_key_new(context&, call&);
wire::reply listen_key_keepalive(context&, call&);
wire::reply listen_key_close(context&, call&);

// --- streams (streams.cpp, user_stream.cpp) ---------------------------------------------
std::optional<wire::reply> ws_accept(context& ctx, const net::http_request& upgrade);
void ws_open(context& ctx, wire::ws_peer& peer);
void ws_message(context& ctx, wire::ws_peer& peer, std::string_view text);
void publish_market(context& ctx, const core::symbol& s, const std::string& stream, const boost::json::object& data);
void on_price_streams(context& ctx, const core::symbol& s);
void tick_streams(context& ctx);
void record_kline(context& ctx, const core::symbol& s, core::decimal price, core::decimal volume);
void record_mark_kline(context& ctx, const core::symbol& s, core::decimal mark);
// Takes the engine's events, keeps the venue's history and sends the user data events.
void drain(context& ctx);
void publish_user(context& ctx, const engine::account_id& account, const std::string& event_type,
                  const boost::json::object& payload);
void expire_listen_keys(context& ctx);
void run_countdowns(context& ctx);
// Positions hidden by faults().position_visibility_delay.
bool position_visible(const context& ctx, const engine::account_id& a, const core::symbol& s);

}  // namespace tradebot::sim::binance
