// Parsers of the Bybit V5 REST answers (§B5-§B8) into internal types.
#include <algorithm>
#include <charconv>
#include <map>

#include "exchange/bybit/json_fields.hpp"
#include "tradebot/exchange/bybit/rest_codec.hpp"

namespace tradebot::exchange::bybit {

namespace bj = boost::json;
using detail::array;
using detail::boolean;
using detail::dec;
using detail::integer;
using detail::nonzero;
using detail::text;

namespace {

constexpr auto venue = core::exchange_id::bybit;

error malformed_reply(std::string_view what) { return bad_response_error(venue, 200, what); }

const bj::array* result_list(const envelope& e) {
    const auto* o = e.result.if_object();
    return o != nullptr ? array(*o, "list") : nullptr;
}

std::string cursor_of(const envelope& e) {
    const auto* o = e.result.if_object();
    return o != nullptr ? std::string{text(*o, "nextPageCursor")} : std::string{};
}

bool is_position_tpsl(std::string_view stop_order_type) {
    return stop_order_type == "TakeProfit" || stop_order_type == "StopLoss" || stop_order_type == "TrailingStop" ||
           stop_order_type == "PartialTakeProfit" || stop_order_type == "PartialStopLoss";
}

core::order_type order_type_of(const bj::object& o) {
    const auto sot = text(o, "stopOrderType");
    const bool conditional = (!sot.empty() && sot != "UNKNOWN") || nonzero(o, "triggerPrice").has_value();
    if (!conditional) {
        return text(o, "orderType") == "Limit" ? core::order_type::limit : core::order_type::market;
    }
    if (sot == "TakeProfit" || sot == "PartialTakeProfit") return core::order_type::take_profit_market;
    if (sot == "TrailingStop") return core::order_type::trailing_stop_market;
    return core::order_type::stop_market;
}

}  // namespace

result<instruments_page> parse_instruments(const envelope& e, symbol_map& symbols) {
    const auto* list = result_list(e);
    if (list == nullptr) {
        return malformed_reply("instruments-info without result.list");
    }
    instruments_page page;
    page.next_cursor = cursor_of(e);
    for (const auto& v : *list) {
        const auto* o = v.if_object();
        if (o == nullptr) {
            page.rejected.emplace_back("row is not an object");
            continue;
        }
        const auto name = text(*o, "symbol");
        if (text(*o, "contractType") != "LinearPerpetual" || text(*o, "status") != "Trading" ||
            text(*o, "quoteCoin") != "USDT") {
            continue;  // dated futures, USDC perps, pre-market and delisted contracts are not ours
        }
        const auto* pf_v = o->if_contains("priceFilter");
        const auto* lf_v = o->if_contains("lotSizeFilter");
        const auto* pf = pf_v != nullptr ? pf_v->if_object() : nullptr;
        const auto* lf = lf_v != nullptr ? lf_v->if_object() : nullptr;
        if (pf == nullptr || lf == nullptr) {
            page.rejected.push_back(std::string{name} + ": filters missing");
            continue;
        }
        const auto tick = dec(*pf, "tickSize");
        const auto step = dec(*lf, "qtyStep");
        if (!tick || !step || !tick->is_positive() || !step->is_positive()) {
            page.rejected.push_back(std::string{name} + ": tickSize/qtyStep missing");
            continue;
        }
        const auto added = symbols.add_instrument(name, text(*o, "baseCoin"), text(*o, "quoteCoin"));
        if (added != add_status::added && added != add_status::duplicate) {
            page.rejected.push_back(std::string{name} + ": " + std::string{to_string(added)});
            continue;
        }
        const auto* entry = symbols.find_venue(name);
        if (entry == nullptr) {
            continue;
        }
        instrument_rules r;
        r.symbol = entry->internal;
        r.trading = true;
        r.tick_size = *tick;
        r.min_price = dec(*pf, "minPrice").value_or(core::decimal{});
        r.max_price = dec(*pf, "maxPrice").value_or(core::decimal{});
        r.step_size = *step;
        r.min_qty = dec(*lf, "minOrderQty").value_or(core::decimal{});
        r.max_qty = dec(*lf, "maxOrderQty").value_or(core::decimal{});
        r.market_max_qty = dec(*lf, "maxMktOrderQty").value_or(core::decimal{});
        r.min_notional = dec(*lf, "minNotionalValue").value_or(core::decimal{});
        // The price band lives in /v5/market/price-limit since 2026 (§B5): left 0 = unknown.
        r.price_precision = static_cast<int>(integer(*o, "priceScale").value_or(-1));
        if (const auto* lev_v = o->if_contains("leverageFilter"); lev_v != nullptr && lev_v->is_object()) {
            r.max_leverage = dec(lev_v->get_object(), "maxLeverage").value_or(core::decimal{});
        }
        r.contract_multiplier = entry->multiplier;
        page.rules.push_back(r);
    }
    return page;
}

result<mark_price_state> parse_mark_price(const envelope& e, const symbol_map& symbols) {
    const auto* list = result_list(e);
    if (list == nullptr || list->empty() || !list->front().is_object()) {
        return malformed_reply("tickers without result.list[0]");
    }
    const auto& o = list->front().get_object();
    const auto sym = symbols.to_internal(text(o, "symbol"));
    const auto mark = dec(o, "markPrice");
    if (!sym || !mark) {
        return malformed_reply("tickers item without known symbol or markPrice");
    }
    return mark_price_state{*sym, *mark, e.time_ms};
}

result<book_top_state> parse_book_top(const envelope& e, const symbol_map& symbols) {
    const auto* list = result_list(e);
    if (list == nullptr || list->empty() || !list->front().is_object()) {
        return malformed_reply("tickers without result.list[0]");
    }
    const auto& o = list->front().get_object();
    const auto sym = symbols.to_internal(text(o, "symbol"));
    const auto bid = dec(o, "bid1Price");
    const auto ask = dec(o, "ask1Price");
    if (!sym || !bid || !ask) {
        return malformed_reply("tickers item without known symbol, bid1Price or ask1Price");
    }
    return book_top_state{*sym, *bid, *ask, e.time_ms};
}

namespace {

// Every tickers row of one of our instruments that `take` turns into a T (nullopt skips the row).
template <class T, class Take>
result<std::vector<T>> collect_tickers(const envelope& e, const symbol_map& symbols, Take take) {
    const auto* list = result_list(e);
    if (list == nullptr) {
        return malformed_reply("tickers without result.list");
    }
    std::vector<T> out;
    out.reserve(list->size());
    for (const auto& item : *list) {
        if (!item.is_object()) {
            return malformed_reply("tickers item is not an object");
        }
        const auto& o = item.get_object();
        if (const auto sym = symbols.to_internal(text(o, "symbol"))) {
            if (auto row = take(o, *sym)) {
                out.push_back(std::move(*row));
            }
        }
    }
    return out;
}

}  // namespace

result<std::vector<book_top_state>> parse_book_tops(const envelope& e, const symbol_map& symbols) {
    return collect_tickers<book_top_state>(
        e, symbols, [&e](const auto& o, const core::symbol& sym) -> std::optional<book_top_state> {
            const auto bid = dec(o, "bid1Price");
            const auto ask = dec(o, "ask1Price");
            if (!bid || !ask) {
                return std::nullopt;
            }
            return book_top_state{sym, *bid, *ask, e.time_ms};
        });
}

result<std::vector<mark_price_state>> parse_mark_prices(const envelope& e, const symbol_map& symbols) {
    return collect_tickers<mark_price_state>(
        e, symbols, [&e](const auto& o, const core::symbol& sym) -> std::optional<mark_price_state> {
            const auto mark = dec(o, "markPrice");
            if (!mark || !mark->is_positive()) {
                return std::nullopt;  // no mark yet (pre-launch)
            }
            return mark_price_state{sym, *mark, e.time_ms};
        });
}

namespace {

result<leverage_bracket> parse_risk_tier(const boost::json::object& o) {
    const auto cap = dec(o, "riskLimitValue");
    const auto lev = dec(o, "maxLeverage");
    if (!cap || !lev || !lev->is_positive()) {
        return malformed_reply("risk-limit item without riskLimitValue or maxLeverage");
    }
    leverage_bracket b;
    b.bracket = static_cast<int>(integer(o, "id").value_or(0));
    // "12.50" allows 12 as a whole leverage.
    b.initial_leverage = static_cast<int>(lev->rescale(0, core::rounding::floor).mantissa());
    b.notional_cap = *cap;
    b.maint_margin_ratio = dec(o, "maintenanceMargin").value_or(core::decimal{});
    return b;
}

void sort_tiers(symbol_brackets& s) {
    std::sort(s.brackets.begin(), s.brackets.end(), [](const leverage_bracket& a, const leverage_bracket& b) {
        return a.initial_leverage > b.initial_leverage;
    });
}

}  // namespace

result<symbol_brackets> parse_risk_limits(const envelope& e, const core::symbol& symbol, std::string_view venue_symbol) {
    const auto* list = result_list(e);
    if (list == nullptr) {
        return malformed_reply("risk-limit without result.list");
    }
    symbol_brackets out{symbol, {}};
    for (const auto& item : *list) {
        if (!item.is_object()) {
            return malformed_reply("risk-limit item is not an object");
        }
        const auto& o = item.get_object();
        if (text(o, "symbol") != venue_symbol) {
            continue;
        }
        auto tier = parse_risk_tier(o);
        if (!tier) {
            return tier.error();
        }
        out.brackets.push_back(*tier);
    }
    sort_tiers(out);
    return out;
}

result<risk_limits_page> parse_risk_limits_page(const envelope& e, const symbol_map& symbols) {
    const auto* list = result_list(e);
    if (list == nullptr) {
        return malformed_reply("risk-limit without result.list");
    }
    risk_limits_page page;
    std::map<core::symbol, std::size_t> at;  // symbol -> its entry in page.limits
    for (const auto& item : *list) {
        if (!item.is_object()) {
            return malformed_reply("risk-limit item is not an object");
        }
        const auto& o = item.get_object();
        const auto sym = symbols.to_internal(text(o, "symbol"));
        if (!sym) {
            continue;
        }
        auto tier = parse_risk_tier(o);
        if (!tier) {
            return tier.error();
        }
        const auto [it, added] = at.try_emplace(*sym, page.limits.size());
        if (added) {
            page.limits.push_back(symbol_brackets{*sym, {}});
        }
        page.limits[it->second].brackets.push_back(*tier);
    }
    for (auto& s : page.limits) {
        sort_tiers(s);
    }
    page.next_cursor = cursor_of(e);
    return page;
}

result<core::decimal> parse_open_interest_value(const envelope& e, const symbol_map& symbols) {
    const auto* list = result_list(e);
    if (list == nullptr || list->empty() || !list->front().is_object()) {
        return malformed_reply("tickers without result.list[0]");
    }
    const auto& o = list->front().get_object();
    const auto value = dec(o, "openInterestValue");
    if (!symbols.to_internal(text(o, "symbol")) || !value || value->is_negative()) {
        return malformed_reply("tickers item without known symbol or openInterestValue");
    }
    return *value;
}

result<std::optional<kline_row>> parse_kline_at(const envelope& e, std::int64_t start_ms) {
    const auto* list = result_list(e);
    if (list == nullptr) {
        return malformed_reply("kline without result.list");
    }
    for (const auto& item : *list) {
        const auto* row = item.if_array();
        if (row == nullptr || row->size() < 7) {
            return malformed_reply("kline row is not an array of 7");
        }
        const auto field = [&](std::size_t i) -> std::string_view {
            const auto& f = (*row)[i];
            return f.is_string() ? std::string_view{f.get_string()} : std::string_view{};
        };
        std::int64_t at = 0;
        const auto t = field(0);
        if (const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), at);
            ec != std::errc{} || p != t.data() + t.size() || t.empty()) {
            return malformed_reply("kline row without startTime");
        }
        if (at != start_ms) {
            continue;
        }
        const auto open = core::decimal::parse(field(1));
        const auto close = core::decimal::parse(field(4));
        const auto turnover = core::decimal::parse(field(6));
        if (!open || !close || !turnover) {
            return malformed_reply("kline row without open/close/turnover");
        }
        return std::optional<kline_row>{kline_row{at, *open, *close, *turnover}};
    }
    return std::optional<kline_row>{};
}

result<orders_page> parse_orders(const envelope& e, const symbol_map& symbols) {
    const auto* list = result_list(e);
    if (list == nullptr) {
        return malformed_reply("order list without result.list");
    }
    orders_page page;
    page.next_cursor = cursor_of(e);
    for (const auto& v : *list) {
        const auto* o = v.if_object();
        if (o == nullptr) {
            return malformed_reply("order row is not an object");
        }
        const auto sym = symbols.to_internal(text(*o, "symbol"));
        if (!sym) {
            continue;  // not one of our instruments (dated futures ...)
        }
        const auto status = parse_order_status(text(*o, "orderStatus"));
        const auto qty = dec(*o, "qty");
        if (!status || !qty) {
            return malformed_reply("order row without orderStatus/qty");
        }
        order_state s;
        s.symbol = *sym;
        s.venue_order_id = std::string{text(*o, "orderId")};
        s.raw_client_id = std::string{text(*o, "orderLinkId")};
        s.client_id = core::client_order_id::parse(s.raw_client_id);
        s.side = text(*o, "side") == "Sell" ? core::side::sell : core::side::buy;
        s.type = order_type_of(*o);
        s.status = *status;
        s.quantity = *qty;
        s.filled_quantity = dec(*o, "cumExecQty").value_or(core::decimal{});
        s.average_price = dec(*o, "avgPrice").value_or(core::decimal{});
        if (text(*o, "orderType") == "Limit") {
            s.price = dec(*o, "price");
        }
        s.reduce_only = boolean(*o, "reduceOnly");
        s.created_ms = integer(*o, "createdTime").value_or(0);
        s.updated_ms = integer(*o, "updatedTime").value_or(0);
        page.orders.push_back(std::move(s));
        page.position_tpsl.push_back(is_position_tpsl(text(*o, "stopOrderType")));
    }
    return page;
}

result<positions_page> parse_positions(const envelope& e, const symbol_map& symbols) {
    const auto* list = result_list(e);
    if (list == nullptr) {
        return malformed_reply("position list without result.list");
    }
    positions_page page;
    page.next_cursor = cursor_of(e);
    for (const auto& v : *list) {
        const auto* o = v.if_object();
        if (o == nullptr) {
            return malformed_reply("position row is not an object");
        }
        const auto size = dec(*o, "size");
        if (!size) {
            return malformed_reply("position row without size");
        }
        const auto side = text(*o, "side");
        if (size->is_zero() || side.empty()) {
            continue;  // flat (listed when asked by symbol)
        }
        const auto sym = symbols.to_internal(text(*o, "symbol"));
        if (!sym) {
            continue;
        }
        const auto entry = dec(*o, "avgPrice");
        if (!entry) {
            return malformed_reply("position row without avgPrice");
        }
        position_state p;
        p.symbol = *sym;
        p.side = side == "Sell" ? core::position_side::short_ : core::position_side::long_;
        p.quantity = size->abs();
        p.entry_price = *entry;
        p.mark_price = dec(*o, "markPrice").value_or(core::decimal{});
        p.unrealized_pnl = dec(*o, "unrealisedPnl").value_or(core::decimal{});
        p.liquidation_price = nonzero(*o, "liqPrice");
        p.leverage = dec(*o, "leverage").value_or(core::decimal{});
        // Margin mode is account-wide on Bybit (account/info); tradeMode is deprecated (always 0).
        p.margin = margin_mode::cross;
        p.updated_ms = integer(*o, "updatedTime").value_or(0);
        page.positions.push_back(p);

        const auto sl = nonzero(*o, "stopLoss");
        const auto ts = nonzero(*o, "trailingStop");
        if (!sl && !ts) {
            continue;
        }
        stop_state s;
        s.symbol = p.symbol;
        s.position = p.side;
        s.trigger_price = sl;
        s.updated_ms = p.updated_ms;
        if (ts) {
            s.kind = stop_kind::trailing;
            // The venue keeps a distance; the percent is read back against the activation price
            // when the venue reports one, else the entry price [U: position/list's activePrice].
            s.activation_price = nonzero(*o, "activePrice");
            const core::decimal ref = s.activation_price.value_or(p.entry_price);
            if (ref.is_positive()) {
                s.callback_pct = (*ts * core::decimal::from_int(100)).divide(ref, 4, core::rounding::half_even);
            }
        }
        page.stops.push_back(s);
    }
    return page;
}

result<std::vector<balance_state>> parse_wallet(const envelope& e) {
    const auto* list = result_list(e);
    if (list == nullptr) {
        return malformed_reply("wallet-balance without result.list");
    }
    std::vector<balance_state> out;
    for (const auto& acc : *list) {
        const auto* ao = acc.if_object();
        const auto* coins = ao != nullptr ? array(*ao, "coin") : nullptr;
        if (coins == nullptr) {
            return malformed_reply("wallet-balance account without coin[]");
        }
        for (const auto& c : *coins) {
            const auto* co = c.if_object();
            if (co == nullptr) {
                return malformed_reply("wallet-balance coin is not an object");
            }
            const auto wallet = dec(*co, "walletBalance");
            if (!wallet) {
                return malformed_reply("wallet-balance coin without walletBalance");
            }
            balance_state b;
            b.asset = std::string{text(*co, "coin")};
            b.wallet_balance = *wallet;
            // Free margin: wallet minus what positions and open orders hold (IM "" = none).
            b.available = *wallet - dec(*co, "totalPositionIM").value_or(core::decimal{}) -
                          dec(*co, "totalOrderIM").value_or(core::decimal{});
            b.unrealized_pnl = dec(*co, "unrealisedPnl").value_or(core::decimal{});
            out.push_back(std::move(b));
        }
    }
    return out;
}

result<std::string> parse_order_id(const envelope& e) {
    const auto* o = e.result.if_object();
    const auto id = o != nullptr ? text(*o, "orderId") : std::string_view{};
    if (id.empty()) {
        return malformed_reply("order answer without orderId");
    }
    return std::string{id};
}

}  // namespace tradebot::exchange::bybit
