// Parsing of the Binance REST answers into the venue_client result types (§A5-§A8).

#include <algorithm>

#include <boost/json.hpp>

#include "exchange/binance/json_get.hpp"
#include "tradebot/exchange/binance/wire.hpp"

namespace tradebot::exchange::binance {

namespace json = boost::json;
using detail::get_bool;
using detail::get_dec;
using detail::get_id;
using detail::get_int;
using detail::get_number_dec;
using detail::get_str;

namespace {

error bad(std::string_view what) { return bad_response_error(core::exchange_id::binance, 200, what); }

core::decimal dec_or_zero(const json::object& o, std::string_view key) { return get_dec(o, key).value_or(core::decimal{}); }

void read_filter(const json::object& f, instrument_rules& r) {
    const auto type = get_str(f, "filterType").value_or("");
    if (type == "PRICE_FILTER") {
        r.tick_size = dec_or_zero(f, "tickSize");
        r.min_price = dec_or_zero(f, "minPrice");
        r.max_price = dec_or_zero(f, "maxPrice");
    } else if (type == "LOT_SIZE") {
        r.step_size = dec_or_zero(f, "stepSize");
        r.min_qty = dec_or_zero(f, "minQty");
        r.max_qty = dec_or_zero(f, "maxQty");
    } else if (type == "MARKET_LOT_SIZE") {
        r.market_max_qty = dec_or_zero(f, "maxQty");
    } else if (type == "MIN_NOTIONAL") {
        r.min_notional = dec_or_zero(f, "notional");  // "notional", not "minNotional" (§A5)
    } else if (type == "PERCENT_PRICE") {
        r.band_up = dec_or_zero(f, "multiplierUp");
        r.band_down = dec_or_zero(f, "multiplierDown");
    }
}

std::optional<core::symbol> internal_symbol(const json::object& o, const symbol_map& symbols) {
    const auto s = get_str(o, "symbol");
    if (!s) return std::nullopt;
    return symbols.to_internal(*s);
}

}  // namespace

result<std::vector<instrument_rules>> parse_exchange_info(const json::value& v, symbol_map& symbols) {
    const auto* root = v.if_object();
    const auto* list = root != nullptr ? root->if_contains("symbols") : nullptr;
    if (list == nullptr || !list->is_array()) {
        return bad("exchangeInfo without symbols[]");
    }
    std::vector<instrument_rules> out;
    for (const auto& item : list->as_array()) {
        const auto* o = item.if_object();
        if (o == nullptr) return bad("exchangeInfo symbol is not an object");
        if (get_str(*o, "contractType").value_or("") != "PERPETUAL") continue;
        const auto name = get_str(*o, "symbol");
        const auto base = get_str(*o, "baseAsset");
        const auto quote = get_str(*o, "quoteAsset");
        if (!name || !base || !quote) return bad("exchangeInfo symbol without symbol/baseAsset/quoteAsset");
        const bool trading = get_str(*o, "status").value_or("") == "TRADING";
        if (!trading) continue;
        const auto added = symbols.add_instrument(*name, *base, *quote);
        if (added != add_status::added && added != add_status::duplicate) continue;
        const auto* entry = symbols.find_venue(*name);
        if (entry == nullptr) continue;
        instrument_rules r;
        r.symbol = entry->internal;
        r.trading = trading;
        r.contract_multiplier = entry->multiplier;
        r.price_precision = static_cast<int>(get_int(*o, "pricePrecision").value_or(-1));
        r.quantity_precision = static_cast<int>(get_int(*o, "quantityPrecision").value_or(-1));
        if (const auto* filters = o->if_contains("filters"); filters != nullptr && filters->is_array()) {
            for (const auto& f : filters->as_array()) {
                if (const auto* fo = f.if_object()) read_filter(*fo, r);
            }
        }
        if (!r.tick_size.is_positive() || !r.step_size.is_positive()) {
            return bad("exchangeInfo symbol without PRICE_FILTER.tickSize or LOT_SIZE.stepSize");
        }
        out.push_back(std::move(r));
    }
    return out;
}

result<std::int64_t> parse_server_time(const json::value& v) {
    const auto* o = v.if_object();
    const auto t = o != nullptr ? get_int(*o, "serverTime") : std::nullopt;
    if (!t) return bad("time without serverTime");
    return *t;
}

result<mark_price_state> parse_premium_index(const json::value& v, const symbol_map& symbols) {
    const json::object* o = v.if_object();
    if (o == nullptr && v.is_array() && v.as_array().size() == 1) o = v.as_array()[0].if_object();  // oneOf (§A5)
    if (o == nullptr) return bad("premiumIndex is not an object");
    const auto sym = internal_symbol(*o, symbols);
    const auto mark = get_dec(*o, "markPrice");
    if (!sym || !mark) return bad("premiumIndex without a known symbol or markPrice");
    mark_price_state out;
    out.symbol = *sym;
    out.mark_price = *mark;
    out.time_ms = get_int(*o, "time").value_or(0);
    return out;
}

result<std::vector<book_top_state>> parse_book_tickers(const json::value& v, const symbol_map& symbols) {
    const auto* all = v.if_array();
    if (all == nullptr) return bad("bookTicker list is not an array");
    std::vector<book_top_state> out;
    out.reserve(all->size());
    for (const auto& item : *all) {
        const auto* o = item.if_object();
        if (o == nullptr) return bad("bookTicker row is not an object");
        const auto sym = internal_symbol(*o, symbols);
        const auto bid = get_dec(*o, "bidPrice");
        const auto ask = get_dec(*o, "askPrice");
        if (!sym || !bid || !ask) continue;  // not one of our instruments, or no book
        out.push_back(book_top_state{*sym, *bid, *ask, get_int(*o, "time").value_or(0)});
    }
    return out;
}

result<book_top_state> parse_book_ticker(const json::value& v, const symbol_map& symbols) {
    const json::object* o = v.if_object();
    if (o == nullptr && v.is_array() && v.as_array().size() == 1) o = v.as_array()[0].if_object();
    if (o == nullptr) return bad("bookTicker is not an object");
    const auto sym = internal_symbol(*o, symbols);
    const auto bid = get_dec(*o, "bidPrice");
    const auto ask = get_dec(*o, "askPrice");
    if (!sym || !bid || !ask) return bad("bookTicker without a known symbol, bidPrice or askPrice");
    return book_top_state{*sym, *bid, *ask, get_int(*o, "time").value_or(0)};
}

result<std::vector<mark_price_state>> parse_premium_index_all(const json::value& v, const symbol_map& symbols) {
    const auto* rows = v.if_array();
    if (rows == nullptr) return bad("premiumIndex (all symbols) is not an array");
    std::vector<mark_price_state> out;
    out.reserve(rows->size());
    for (const auto& item : *rows) {
        const auto* o = item.if_object();
        if (o == nullptr) return bad("premiumIndex item is not an object");
        const auto sym = internal_symbol(*o, symbols);
        if (!sym) continue;  // listed after our instrument load, or not a linear USDT perpetual
        const auto mark = get_dec(*o, "markPrice");
        if (!mark || !mark->is_positive()) continue;  // a symbol without a mark yet (just listed)
        out.push_back(mark_price_state{*sym, *mark, get_int(*o, "time").value_or(0)});
    }
    return out;
}

result<core::decimal> parse_open_interest(const json::value& v, const symbol_map& symbols) {
    const auto* o = v.if_object();
    if (o == nullptr) return bad("openInterest is not an object");
    const auto oi = get_dec(*o, "openInterest");
    if (!internal_symbol(*o, symbols) || !oi || oi->is_negative()) {
        return bad("openInterest without a known symbol or openInterest");
    }
    return *oi;
}

result<std::optional<kline_row>> parse_kline_at(const json::value& v, std::int64_t open_ms) {
    const auto* rows = v.if_array();
    if (rows == nullptr) return bad("klines is not an array");
    for (const auto& item : *rows) {
        const auto* row = item.if_array();
        if (row == nullptr || row->size() < 8) return bad("klines row is not an array of 8 or more");
        const auto at = detail::as_int((*row)[0]);
        if (!at) return bad("klines row without openTime");
        if (*at != open_ms) continue;
        const auto text = [&](std::size_t i) -> std::optional<core::decimal> {
            const auto& f = (*row)[i];
            return f.is_string() ? core::decimal::parse(std::string_view{f.as_string()}) : std::nullopt;
        };
        const auto open = text(1);
        const auto close = text(4);
        const auto quote = text(7);
        if (!open || !close || !quote) return bad("klines row without open/close/quoteVolume");
        return std::optional<kline_row>{kline_row{*at, *open, *close, *quote}};
    }
    return std::optional<kline_row>{};
}

result<order_state> parse_order(const json::value& v, const symbol_map& symbols) {
    const auto* o = v.if_object();
    if (o == nullptr) return bad("order is not an object");
    const auto sym = internal_symbol(*o, symbols);
    const auto id = get_id(*o, "orderId");
    const auto side = core::parse_side(get_str(*o, "side").value_or(""));
    const auto status = parse_order_status(get_str(*o, "status").value_or(""));
    const auto qty = get_dec(*o, "origQty");
    if (!sym || !id || !side || !status || !qty) return bad("order without symbol/orderId/side/status/origQty");
    order_state s;
    s.symbol = *sym;
    s.venue_order_id = *id;
    s.raw_client_id = std::string{get_str(*o, "clientOrderId").value_or("")};
    s.client_id = core::client_order_id::parse(s.raw_client_id);
    s.side = *side;
    const auto type = get_str(*o, "origType").value_or(get_str(*o, "type").value_or("MARKET"));
    s.type = type == "LIMIT" ? core::order_type::limit : core::order_type::market;
    s.status = *status;
    s.quantity = *qty;
    s.filled_quantity = dec_or_zero(*o, "executedQty");
    s.average_price = dec_or_zero(*o, "avgPrice");  // may be absent since the 2026-07 spec (§A6)
    if (s.average_price.is_zero() && s.filled_quantity.is_positive()) {
        if (const auto quote = get_dec(*o, "cumQuote"); quote && quote->is_positive()) {
            s.average_price = quote->divide(s.filled_quantity, 8, core::rounding::half_even).normalized();
        }
    }
    if (const auto p = get_dec(*o, "price"); p && p->is_positive()) s.price = *p;
    s.reduce_only = get_bool(*o, "reduceOnly");
    s.created_ms = get_int(*o, "time").value_or(get_int(*o, "updateTime").value_or(0));
    s.updated_ms = get_int(*o, "updateTime").value_or(s.created_ms);
    return s;
}

result<std::vector<order_state>> parse_orders(const json::value& v, const symbol_map& symbols) {
    if (!v.is_array()) return bad("orders is not an array");
    std::vector<order_state> out;
    for (const auto& item : v.as_array()) {
        const auto* o = item.if_object();
        if (o == nullptr) return bad("order is not an object");
        if (!internal_symbol(*o, symbols)) continue;
        auto s = parse_order(item, symbols);
        if (!s) return s.error();
        out.push_back(std::move(*s));
    }
    return out;
}

result<stop_state> parse_algo_order(const json::value& v, const symbol_map& symbols) {
    const auto* o = v.if_object();
    if (o == nullptr) return bad("algo order is not an object");
    const auto sym = internal_symbol(*o, symbols);
    const auto id = get_id(*o, "algoId");
    const auto side = core::parse_side(get_str(*o, "side").value_or(""));
    if (!sym || !id || !side) return bad("algo order without symbol/algoId/side");
    stop_state s;
    s.symbol = *sym;
    s.venue_id = *id;
    // A SELL stop protects a long, a BUY stop a short (one-way mode).
    s.position = *side == core::side::sell ? core::position_side::long_ : core::position_side::short_;
    const auto type = get_str(*o, "orderType").value_or(get_str(*o, "type").value_or(""));
    s.kind = type == "TRAILING_STOP_MARKET" ? stop_kind::trailing : stop_kind::fixed;
    if (const auto t = get_dec(*o, "triggerPrice"); t && t->is_positive()) s.trigger_price = *t;
    if (const auto c = get_dec(*o, "callbackRate"); c && c->is_positive()) s.callback_pct = *c;
    if (const auto a = get_dec(*o, "activatePrice"); a && a->is_positive()) s.activation_price = *a;
    s.client_id = core::client_order_id::parse(get_str(*o, "clientAlgoId").value_or(""));
    s.updated_ms = get_int(*o, "updateTime").value_or(get_int(*o, "createTime").value_or(0));
    return s;
}

result<std::vector<stop_state>> parse_algo_orders(const json::value& v, const symbol_map& symbols) {
    const json::array* list = v.if_array();
    if (list == nullptr && v.is_object()) {
        if (const auto* orders = v.as_object().if_contains("orders")) list = orders->if_array();
    }
    if (list == nullptr) return bad("openAlgoOrders is not an array");
    std::vector<stop_state> out;
    for (const auto& item : *list) {
        const auto* o = item.if_object();
        if (o == nullptr) return bad("algo order is not an object");
        if (!internal_symbol(*o, symbols)) continue;
        const auto type = get_str(*o, "orderType").value_or(get_str(*o, "type").value_or(""));
        if (type != "STOP_MARKET" && type != "TRAILING_STOP_MARKET") continue;  // not a protective stop
        auto s = parse_algo_order(item, symbols);
        if (!s) return s.error();
        out.push_back(std::move(*s));
    }
    return out;
}

result<std::vector<position_state>> parse_positions(const json::value& v, const symbol_map& symbols) {
    if (!v.is_array()) return bad("positionRisk is not an array");
    std::vector<position_state> out;
    for (const auto& item : v.as_array()) {
        const auto* o = item.if_object();
        if (o == nullptr) return bad("position is not an object");
        const auto amount = get_dec(*o, "positionAmt");
        if (!amount) return bad("position without positionAmt");
        if (amount->is_zero()) continue;
        const auto sym = internal_symbol(*o, symbols);
        if (!sym) {
            // A position on a symbol we never loaded is still a position: report it as unreadable
            // rather than dropping it ([U] cannot happen after load_instruments, which maps all
            // TRADING perpetuals).
            return bad("position on a symbol missing from the symbol map: " +
                       std::string{get_str(*o, "symbol").value_or("")});
        }
        position_state p;
        p.symbol = *sym;
        const auto ps = get_str(*o, "positionSide").value_or("BOTH");
        if (ps == "LONG") {
            p.side = core::position_side::long_;
        } else if (ps == "SHORT") {
            p.side = core::position_side::short_;
        } else {
            p.side = amount->is_negative() ? core::position_side::short_ : core::position_side::long_;
        }
        p.quantity = amount->abs();
        p.entry_price = dec_or_zero(*o, "entryPrice");
        p.mark_price = dec_or_zero(*o, "markPrice");
        p.unrealized_pnl = dec_or_zero(*o, "unRealizedProfit");
        if (const auto l = get_dec(*o, "liquidationPrice"); l && l->is_positive()) p.liquidation_price = *l;
        p.leverage = dec_or_zero(*o, "leverage");  // v2 only; v3 has none
        p.margin = get_str(*o, "marginType").value_or("cross") == "isolated" ? margin_mode::isolated : margin_mode::cross;
        p.updated_ms = get_int(*o, "updateTime").value_or(0);
        out.push_back(std::move(p));
    }
    return out;
}

result<std::vector<balance_state>> parse_balances(const json::value& v) {
    if (!v.is_array()) return bad("balance is not an array");
    std::vector<balance_state> out;
    for (const auto& item : v.as_array()) {
        const auto* o = item.if_object();
        if (o == nullptr) return bad("balance is not an object");
        const auto asset = get_str(*o, "asset");
        const auto wallet = get_dec(*o, "balance");
        const auto available = get_dec(*o, "availableBalance");
        if (!asset || !wallet || !available) return bad("balance without asset/balance/availableBalance");
        balance_state b;
        b.asset = std::string{*asset};
        b.wallet_balance = *wallet;
        b.available = *available;
        b.unrealized_pnl = dec_or_zero(*o, "crossUnPnl");
        out.push_back(std::move(b));
    }
    return out;
}

}  // namespace tradebot::exchange::binance

namespace tradebot::exchange::binance {

namespace {

result<symbol_brackets> parse_symbol_brackets(const json::object& o, const core::symbol& symbol) {
    symbol_brackets out;
    out.symbol = symbol;
    const auto* list = o.if_contains("brackets");
    if (list == nullptr || !list->is_array() || list->as_array().empty()) {
        return bad("leverageBracket row without brackets");
    }
    for (const auto& item : list->as_array()) {
        const auto* b = item.if_object();
        if (b == nullptr) return bad("leverage bracket is not an object");
        const auto lev = get_int(*b, "initialLeverage");
        if (!lev || *lev < 1) return bad("leverage bracket without initialLeverage");
        leverage_bracket x;
        x.bracket = static_cast<int>(get_int(*b, "bracket").value_or(static_cast<std::int64_t>(out.brackets.size()) + 1));
        x.initial_leverage = static_cast<int>(*lev);
        x.notional_floor = get_number_dec(*b, "notionalFloor").value_or(core::decimal{});
        x.notional_cap = get_number_dec(*b, "notionalCap").value_or(core::decimal{});
        x.maint_margin_ratio = get_number_dec(*b, "maintMarginRatio").value_or(core::decimal{});
        x.cum = get_number_dec(*b, "cum").value_or(core::decimal{});
        out.brackets.push_back(x);
    }
    // Bracket 1 (the highest leverage) first, whatever order the answer had.
    std::sort(out.brackets.begin(), out.brackets.end(),
              [](const leverage_bracket& a, const leverage_bracket& b) { return a.bracket < b.bracket; });
    return out;
}

}  // namespace

result<std::vector<symbol_setting>> parse_symbol_config(const json::value& v, const symbol_map& symbols) {
    const auto* all = v.if_array();
    if (all == nullptr) return bad("symbolConfig is not an array");
    std::vector<symbol_setting> out;
    out.reserve(all->size());
    for (const auto& item : *all) {
        const auto* o = item.if_object();
        if (o == nullptr) return bad("symbolConfig row is not an object");
        const auto sym = internal_symbol(*o, symbols);
        if (!sym) continue;
        const auto leverage = get_int(*o, "leverage");
        if (!leverage || *leverage < 1) return bad("symbolConfig row without leverage");
        const auto margin = get_str(*o, "marginType").value_or("CROSSED");
        out.push_back(symbol_setting{*sym, static_cast<int>(*leverage),
                                     margin == "ISOLATED" || margin == "isolated" ? margin_mode::isolated
                                                                                  : margin_mode::cross});
    }
    return out;
}

result<std::vector<symbol_brackets>> parse_leverage_brackets(const json::value& v, const symbol_map& symbols) {
    std::vector<const json::object*> rows;
    if (const auto* one = v.if_object()) {
        rows.push_back(one);
    } else if (const auto* all = v.if_array()) {
        for (const auto& item : *all) {
            const auto* o = item.if_object();
            if (o == nullptr) return bad("leverageBracket row is not an object");
            rows.push_back(o);
        }
    } else {
        return bad("leverageBracket is neither an object nor an array");
    }
    std::vector<symbol_brackets> out;
    for (const auto* o : rows) {
        const auto sym = internal_symbol(*o, symbols);
        if (!sym) continue;
        auto row = parse_symbol_brackets(*o, *sym);
        if (!row) return row.error();
        out.push_back(std::move(*row));
    }
    return out;
}

}  // namespace tradebot::exchange::binance
