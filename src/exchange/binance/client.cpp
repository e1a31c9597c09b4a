#include "tradebot/exchange/binance/client.hpp"

#include <utility>

#include <boost/json.hpp>

#include "tradebot/exchange/binance/wire.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::exchange::binance {

namespace asio = boost::asio;
using logging::kv;

client::client(rest_client& rest, symbol_map& symbols, std::shared_ptr<spdlog::logger> log)
    : rest_{rest}, symbols_{symbols}, log_{std::move(log)}, orders_{rest, symbols, log_, *this} {}

venue_client::task<std::vector<instrument_rules>> client::load_instruments() {
    auto r = public_get("/fapi/v1/exchangeInfo", "", binance_endpoint::exchange_info, request_priority::background);
    auto v = co_await rest_.call(std::move(r));
    if (!v) co_return v.error();
    co_return parse_exchange_info(*v, symbols_);
}

venue_client::task<std::int64_t> client::server_time() {
    co_return co_await rest_.sync_time(request_priority::normal);
}

venue_client::task<mark_price_state> client::mark_price(core::symbol symbol, request_priority priority) {
    auto name = venue_symbol_of(symbols_, symbol);
    if (!name) co_return name.error();
    auto r = public_get("/fapi/v1/premiumIndex", query_builder{}.add("symbol", *name).str(),
                        binance_endpoint::premium_index, priority);
    auto v = co_await rest_.call(std::move(r));
    if (!v) co_return v.error();
    co_return parse_premium_index(*v, symbols_);
}

venue_client::task<book_top_state> client::book_top(core::symbol symbol, request_priority priority) {
    auto name = venue_symbol_of(symbols_, symbol);
    if (!name) co_return name.error();
    auto r = public_get("/fapi/v1/ticker/bookTicker", query_builder{}.add("symbol", *name).str(),
                        binance_endpoint::book_ticker, priority);
    auto v = co_await rest_.call(std::move(r));
    if (!v) co_return v.error();
    co_return parse_book_ticker(*v, symbols_);
}

venue_client::task<std::vector<book_top_state>> client::book_tops(request_priority priority) {
    auto r = public_get("/fapi/v1/ticker/bookTicker", "", binance_endpoint::book_ticker_all, priority);
    auto v = co_await rest_.call(std::move(r));
    if (!v) co_return v.error();
    co_return parse_book_tickers(*v, symbols_);
}

venue_client::task<std::vector<mark_price_state>> client::mark_prices(request_priority priority) {
    auto r = public_get("/fapi/v1/premiumIndex", "", binance_endpoint::premium_index_all, priority);
    auto v = co_await rest_.call(std::move(r));
    if (!v) co_return v.error();
    co_return parse_premium_index_all(*v, symbols_);
}

venue_client::task<std::vector<balance_state>> client::balances() {
    auto r = signed_get("/fapi/v2/balance", "", binance_endpoint::balance, request_priority::normal);
    auto v = co_await rest_.call(std::move(r));
    if (!v) co_return v.error();
    co_return parse_balances(*v);
}

venue_client::task<std::vector<position_state>> client::positions(request_priority priority) {
    auto r = signed_get("/fapi/v2/positionRisk", "", binance_endpoint::position_risk, priority);
    auto v = co_await rest_.call(std::move(r));
    if (!v) co_return v.error();
    co_return parse_positions(*v, symbols_);
}

venue_client::task<std::vector<order_state>> client::open_orders(std::optional<core::symbol> symbol) {
    auto r = signed_get("/fapi/v1/openOrders", "", binance_endpoint::open_orders_all, request_priority::background);
    if (symbol) {
        auto name = venue_symbol_of(symbols_, *symbol);
        if (!name) co_return name.error();
        r.query = query_builder{}.add("symbol", *name).str();
        r.endpoint = binance_endpoint::open_orders;
    }
    auto v = co_await rest_.call(std::move(r));
    if (!v) co_return v.error();
    co_return parse_orders(*v, symbols_);
}

venue_client::task<std::vector<stop_state>> client::open_stops(std::optional<core::symbol> symbol) {
    // Background, as Bybit's: the reconcile passes and the check for an earlier position's stop
    // after each entry are no reason for an entry's own reads to wait behind them.
    auto r = signed_get("/fapi/v1/openAlgoOrders", "", binance_endpoint::open_algo_orders_all,
                        request_priority::background);
    query_builder q;
    q.add("algoType", "CONDITIONAL");
    if (symbol) {
        auto name = venue_symbol_of(symbols_, *symbol);
        if (!name) co_return name.error();
        q.add("symbol", *name);
        r.endpoint = binance_endpoint::open_algo_orders;
    }
    r.query = q.str();
    auto v = co_await rest_.call(std::move(r));
    if (!v) co_return v.error();
    co_return parse_algo_orders(*v, symbols_);
}

venue_client::task<void> client::setting(rest_request request) {
    auto v = co_await rest_.call(std::move(request));
    if (!v && v.error().kind != error_kind::no_change) {
        co_return v.error();
    }
    co_return result<void>{};
}

venue_client::task<symbol_brackets> client::leverage_brackets(core::symbol symbol, request_priority priority) {
    if (const auto it = brackets_.find(symbol); it != brackets_.end()) {
        co_return it->second;
    }
    auto name = venue_symbol_of(symbols_, symbol);
    if (!name) co_return name.error();
    auto r = signed_get("/fapi/v1/leverageBracket", query_builder{}.add("symbol", *name).str(),
                        binance_endpoint::leverage_bracket, priority);
    auto v = co_await rest_.call(std::move(r));
    if (!v) co_return v.error();
    auto rows = parse_leverage_brackets(*v, symbols_);
    if (!rows) co_return rows.error();
    symbol_brackets found{symbol, {}};
    for (auto& row : *rows) {
        if (row.symbol == symbol) found = std::move(row);
    }
    logging::info(log_, "binance leverage brackets read", kv("symbol", symbol.str()),
                  kv("brackets", static_cast<std::int64_t>(found.brackets.size())),
                  kv("max_leverage", found.max_leverage()));
    brackets_.insert_or_assign(symbol, found);
    co_return found;
}

venue_client::task<void> client::preload_limits(request_priority priority) {
    auto r = signed_get("/fapi/v1/leverageBracket", "", binance_endpoint::leverage_bracket, priority);
    auto v = co_await rest_.call(std::move(r));
    if (!v) co_return v.error();
    auto rows = parse_leverage_brackets(*v, symbols_);
    if (!rows) co_return rows.error();
    for (auto& row : *rows) {
        auto symbol = row.symbol;
        brackets_.insert_or_assign(std::move(symbol), std::move(row));
    }
    logging::info(log_, "binance leverage brackets read", kv("symbols", static_cast<std::int64_t>(rows->size())));
    co_return result<void>{};
}

venue_client::task<std::vector<symbol_setting>> client::symbol_settings(request_priority priority) {
    auto r = signed_get("/fapi/v1/symbolConfig", "", binance_endpoint::symbol_config, priority);
    auto v = co_await rest_.call(std::move(r));
    if (!v) co_return v.error();
    co_return parse_symbol_config(*v, symbols_);
}

venue_client::task<std::optional<core::decimal>> client::max_notional(core::symbol symbol, int leverage) {
    auto brackets = co_await leverage_brackets(std::move(symbol));
    if (!brackets) co_return brackets.error();
    co_return brackets->max_notional_at(leverage);
}

venue_client::task<void> client::set_leverage(core::symbol symbol, int leverage, request_priority priority) {
    auto name = venue_symbol_of(symbols_, symbol);
    if (!name) co_return name.error();
    auto brackets = co_await leverage_brackets(symbol, priority);
    if (!brackets) co_return brackets.error();
    const int max = brackets->max_leverage();
    if (auto cap = check_leverage_cap(venue(), symbol, leverage, core::decimal::from_int(max)); !cap) {
        logging::warn(log_, "leverage refused before sending", kv("venue", "binance"), kv("symbol", symbol.str()),
                      kv("leverage", leverage), kv("max_leverage", max));
        co_return cap.error();
    }
    rest_request r;
    r.method = "POST";
    r.path = "/fapi/v1/leverage";
    r.query = query_builder{}.add("symbol", *name).add("leverage", leverage).str();
    r.endpoint = binance_endpoint::leverage;
    r.priority = priority;
    co_return co_await setting(std::move(r));
}

venue_client::task<void> client::set_margin_mode(core::symbol symbol, margin_mode mode, request_priority priority) {
    auto name = venue_symbol_of(symbols_, symbol);
    if (!name) co_return name.error();
    rest_request r;
    r.method = "POST";
    r.path = "/fapi/v1/marginType";
    r.query = query_builder{}.add("symbol", *name).add("marginType", margin_text(mode)).str();
    r.endpoint = binance_endpoint::margin_type;
    r.priority = priority;
    co_return co_await setting(std::move(r));
}

venue_client::task<void> client::set_one_way_mode() {
    rest_request r;
    r.method = "POST";
    r.path = "/fapi/v1/positionSide/dual";
    r.query = query_builder{}.add("dualSidePosition", "false").str();
    r.endpoint = binance_endpoint::position_mode_set;
    co_return co_await setting(std::move(r));
}

venue_client::task<account_setup_state> client::account_setup() {
    auto account_request = signed_get("/fapi/v2/account", "", binance_endpoint::account, request_priority::background);
    auto account = co_await rest_.call(std::move(account_request));
    if (!account) co_return account.error();
    auto dual_request =
        signed_get("/fapi/v1/positionSide/dual", "", binance_endpoint::position_mode_get, request_priority::background);
    auto dual = co_await rest_.call(std::move(dual_request));
    if (!dual) co_return dual.error();
    const auto* a = account->if_object();
    const auto* d = dual->if_object();
    const auto* can_trade = a != nullptr ? a->if_contains("canTrade") : nullptr;
    const auto* hedge = d != nullptr ? d->if_contains("dualSidePosition") : nullptr;
    if (can_trade == nullptr || !can_trade->is_bool() || hedge == nullptr || !hedge->is_bool()) {
        co_return bad_response_error(venue(), 200, "account canTrade or dualSidePosition missing");
    }
    account_setup_state state;
    state.can_trade = can_trade->as_bool();
    state.hedge_mode = hedge->as_bool();
    if (const auto* multi = a->if_contains("multiAssetsMargin"); multi != nullptr && multi->is_bool()) {
        state.multi_assets = multi->as_bool();
    }
    co_return state;
}

// Forwarded without a frame of their own: the part lives as long as the client.
venue_client::task<order_ack> client::place_market_order(market_order_request request, request_priority priority) {
    return orders_.place_market_order(std::move(request), priority);
}

venue_client::task<order_ack> client::place_limit_order(limit_order_request request, request_priority priority) {
    return orders_.place_limit_order(std::move(request), priority);
}

venue_client::task<order_state> client::query_order(core::symbol symbol, core::client_order_id client_id) {
    return orders_.query_order(std::move(symbol), std::move(client_id));
}

venue_client::task<void> client::cancel_order(core::symbol symbol, core::client_order_id client_id,
                                              request_priority priority) {
    return orders_.cancel_order(std::move(symbol), std::move(client_id), priority);
}

venue_client::task<stop_state> client::place_stop(stop_request request) {
    return orders_.place_stop(std::move(request));
}

venue_client::task<stop_state> client::amend_stop(stop_state current, stop_request request) {
    return orders_.amend_stop(std::move(current), std::move(request));
}

venue_client::task<void> client::cancel_stop(stop_state stop) { return orders_.cancel_stop(std::move(stop)); }

}  // namespace tradebot::exchange::binance
