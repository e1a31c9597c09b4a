#include "tradebot/exchange/bybit/client.hpp"

#include <utility>

#include "tradebot/exchange/leverage_cap.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::exchange::bybit {

client::client(rest_client& rest, symbol_map& symbols, client_options options)
    : rest_{rest},
      symbols_{symbols},
      orders_{rest, symbols, options.fetch_market_fill, rules_, *this},
      filters_{rest, symbols} {}

const instrument_rules* client::rules(const core::symbol& s) const noexcept {
    const auto it = rules_.find(s);
    return it == rules_.end() ? nullptr : &it->second;
}

result<std::string> client::venue_name(const core::symbol& s) const { return venue_name_of(symbols_, s); }

result<std::string> client::list_query(std::string base, const std::optional<core::symbol>& symbol) const {
    if (!symbol) {
        return base + "&settleCoin=USDT";
    }
    auto name = venue_name(*symbol);
    if (!name) {
        return name.error();
    }
    return base + "&symbol=" + url_encode(*name);
}

venue_client::task<std::vector<instrument_rules>> client::load_instruments() {
    std::vector<instrument_rules> out;
    std::string cursor;
    for (int page_no = 0; page_no < max_pages; ++page_no) {
        std::string path = "/v5/market/instruments-info";
        std::string query = with_cursor("category=linear&limit=1000", cursor);
        auto r = co_await rest_.get(std::move(path), std::move(query), false, request_priority::background);
        if (!r) {
            co_return r.error();
        }
        auto page = parse_instruments(*r, symbols_);
        if (!page) {
            co_return page.error();
        }
        for (auto& rule : page->rules) {
            rules_[rule.symbol] = rule;
            out.push_back(std::move(rule));
        }
        if (page->next_cursor.empty()) {
            co_return out;
        }
        cursor = page->next_cursor;
    }
    co_return bad_response_error(core::exchange_id::bybit, 200, "instruments-info: too many pages");
}

venue_client::task<std::int64_t> client::server_time() { co_return co_await rest_.sync_time(); }

venue_client::task<mark_price_state> client::mark_price(core::symbol symbol, request_priority priority) {
    auto r = co_await ticker(symbol, priority);
    if (!r) {
        co_return r.error();
    }
    co_return parse_mark_price(*r, symbols_);
}

venue_client::task<book_top_state> client::book_top(core::symbol symbol, request_priority priority) {
    auto r = co_await ticker(symbol, priority);
    if (!r) {
        co_return r.error();
    }
    co_return parse_book_top(*r, symbols_);
}

venue_client::task<std::vector<book_top_state>> client::book_tops(request_priority priority) {
    std::string path = "/v5/market/tickers";
    std::string query = "category=linear";
    auto r = co_await rest_.get(std::move(path), std::move(query), false, priority);
    if (!r) {
        co_return r.error();
    }
    co_return parse_book_tops(*r, symbols_);
}

venue_client::task<envelope> client::ticker(const core::symbol& symbol, request_priority priority) {
    auto name = venue_name(symbol);
    if (!name) {
        co_return name.error();
    }
    co_return co_await rest_.get("/v5/market/tickers", "category=linear&symbol=" + url_encode(*name), false, priority);
}

venue_client::task<std::vector<mark_price_state>> client::mark_prices(request_priority priority) {
    std::string path = "/v5/market/tickers";
    std::string query = "category=linear";
    auto r = co_await rest_.get(std::move(path), std::move(query), false, priority);
    if (!r) {
        co_return r.error();
    }
    co_return parse_mark_prices(*r, symbols_);
}

venue_client::task<std::vector<balance_state>> client::balances() {
    std::string path = "/v5/account/wallet-balance";
    std::string query = "accountType=UNIFIED";
    auto r = co_await rest_.get(std::move(path), std::move(query), true, request_priority::background);
    if (!r) {
        co_return r.error();
    }
    co_return parse_wallet(*r);
}

venue_client::task<positions_page> client::all_positions(std::optional<core::symbol> symbol,
                                                         request_priority priority) {
    auto base = list_query("category=linear&limit=200", symbol);
    if (!base) {
        co_return base.error();
    }
    positions_page all;
    std::string cursor;
    for (int page_no = 0; page_no < max_pages; ++page_no) {
        std::string path = "/v5/position/list";
        std::string query = with_cursor(*base, cursor);
        auto r = co_await rest_.get(std::move(path), std::move(query), true, priority);
        if (!r) {
            co_return r.error();
        }
        auto page = parse_positions(*r, symbols_);
        if (!page) {
            co_return page.error();
        }
        all.positions.insert(all.positions.end(), page->positions.begin(), page->positions.end());
        all.stops.insert(all.stops.end(), page->stops.begin(), page->stops.end());
        if (page->next_cursor.empty()) {
            co_return all;
        }
        cursor = page->next_cursor;
    }
    co_return bad_response_error(core::exchange_id::bybit, 200, "position/list: too many pages");
}

venue_client::task<std::vector<position_state>> client::positions(request_priority priority) {
    auto r = co_await all_positions(std::nullopt, priority);
    if (!r) {
        co_return r.error();
    }
    co_return std::move(r->positions);
}

venue_client::task<std::vector<stop_state>> client::open_stops(std::optional<core::symbol> symbol) {
    auto r = co_await all_positions(symbol, request_priority::background);
    if (!r) {
        co_return r.error();
    }
    co_return std::move(r->stops);
}

venue_client::task<std::vector<order_state>> client::open_orders(std::optional<core::symbol> symbol) {
    auto base = list_query("category=linear&limit=50", symbol);
    if (!base) {
        co_return base.error();
    }
    std::vector<order_state> out;
    std::string cursor;
    for (int page_no = 0; page_no < max_pages; ++page_no) {
        std::string path = "/v5/order/realtime";
        std::string query = with_cursor(*base, cursor);
        auto r = co_await rest_.get(std::move(path), std::move(query), true, request_priority::background);
        if (!r) {
            co_return r.error();
        }
        auto page = parse_orders(*r, symbols_);
        if (!page) {
            co_return page.error();
        }
        for (std::size_t i = 0; i < page->orders.size(); ++i) {
            if (!page->position_tpsl[i] && !is_final(page->orders[i].status)) {
                out.push_back(std::move(page->orders[i]));
            }
        }
        if (page->next_cursor.empty()) {
            co_return out;
        }
        cursor = page->next_cursor;
    }
    co_return bad_response_error(core::exchange_id::bybit, 200, "order/realtime: too many pages");
}

venue_client::task<void> client::settings_call(std::string path, std::string body, request_priority priority) {
    auto r = co_await rest_.post(std::move(path), std::move(body), priority, true);
    if (!r && r.error().kind != error_kind::no_change) {
        co_return r.error();
    }
    co_return result<void>{};
}

venue_client::task<void> client::set_leverage(core::symbol symbol, int leverage, request_priority priority) {
    auto name = venue_name(symbol);
    if (!name) {
        co_return name.error();
    }
    // leverageFilter.maxLeverage from instruments-info, read by load_instruments.
    if (const auto* r = rules(symbol)) {
        if (auto cap = check_leverage_cap(venue(), symbol, leverage, r->max_leverage); !cap) {
            logging::warn(logging::get("exchange.bybit"), "leverage refused before sending", logging::kv("venue", "bybit"),
                          logging::kv("symbol", symbol.str()), logging::kv("leverage", leverage),
                          logging::kv("max_leverage", r->max_leverage.normalized().to_string()));
            co_return cap.error();
        }
    }
    std::string path = "/v5/position/set-leverage";
    std::string body = set_leverage_body(*name, leverage);
    co_return co_await settings_call(std::move(path), std::move(body), priority);
}

venue_client::task<void> client::set_margin_mode(core::symbol /*account-wide on Bybit*/, margin_mode mode,
                                                 request_priority priority) {
    std::string path = "/v5/account/set-margin-mode";
    std::string body = margin_mode_body(mode);
    co_return co_await settings_call(std::move(path), std::move(body), priority);
}

venue_client::task<void> client::set_one_way_mode() {
    std::string path = "/v5/position/switch-mode";
    std::string body = switch_mode_body();
    co_return co_await settings_call(std::move(path), std::move(body), request_priority::normal);
}

venue_client::task<account_setup_state> client::account_setup() {
    std::string key_path = "/v5/user/query-api";
    auto key = co_await rest_.get(std::move(key_path), std::string{}, true, request_priority::background);
    if (!key) co_return key.error();
    // The first page of positions is enough: one position with positionIdx 1 or 2 means hedge mode.
    std::string positions_path = "/v5/position/list";
    auto listed = co_await rest_.get(std::move(positions_path), "category=linear&settleCoin=USDT&limit=200", true,
                                     request_priority::background);
    if (!listed) co_return listed.error();
    std::string info_path = "/v5/account/info";
    auto info = co_await rest_.get(std::move(info_path), std::string{}, true, request_priority::background);
    if (!info) co_return info.error();
    const auto* k = key->result.if_object();
    const auto* read_only = k != nullptr ? k->if_contains("readOnly") : nullptr;
    if (read_only == nullptr || !read_only->is_number()) {
        co_return bad_response_error(venue(), 200, "query-api readOnly missing");
    }
    account_setup_state state;
    state.can_trade = read_only->to_number<std::int64_t>() == 0;
    const auto* i = info->result.if_object();
    const auto* mode = i != nullptr ? i->if_contains("marginMode") : nullptr;
    if (mode != nullptr && mode->is_string()) {
        state.account_margin = mode->as_string() == "ISOLATED_MARGIN" ? margin_mode::isolated : margin_mode::cross;
        state.portfolio_margin = mode->as_string() == "PORTFOLIO_MARGIN";
    }
    const auto* p = listed->result.if_object();
    const auto* list = p != nullptr ? p->if_contains("list") : nullptr;
    if (list != nullptr && list->is_array()) {
        for (const auto& row : list->as_array()) {
            const auto* idx = row.is_object() ? row.as_object().if_contains("positionIdx") : nullptr;
            if (idx != nullptr && idx->is_number()) {
                state.hedge_mode = state.hedge_mode.value_or(false) || idx->to_number<std::int64_t>() != 0;
            }
        }
    }
    co_return state;
}

// Forwarded without a frame of their own: the parts live as long as the client.
venue_client::task<market_stats_state> client::market_stats(market_stats_request request, request_priority priority) {
    return filters_.market_stats(std::move(request), priority);
}

venue_client::task<std::optional<core::decimal>> client::max_notional(core::symbol symbol, int leverage) {
    return filters_.max_notional(std::move(symbol), leverage);
}

venue_client::task<void> client::preload_limits(request_priority priority) { return filters_.preload_limits(priority); }

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

}  // namespace tradebot::exchange::bybit
