#include <array>
#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/binance/context.hpp"

namespace tradebot::sim::binance {

namespace {

std::string name_of(const engine::instrument& i) { return i.venue_name(); }

int precision_of(std::optional<int> p, core::decimal step) { return p.value_or(step.normalized().scale()); }

boost::json::array filters_of(const engine::instrument& i) {
    boost::json::array f;
    f.push_back({{"filterType", "PRICE_FILTER"},
                 {"minPrice", plain(i.min_price)},
                 {"maxPrice", plain(i.max_price)},
                 {"tickSize", plain(i.tick_size)}});
    f.push_back({{"filterType", "LOT_SIZE"},
                 {"minQty", plain(i.min_qty)},
                 {"maxQty", plain(i.max_qty)},
                 {"stepSize", plain(i.step_size)}});
    f.push_back({{"filterType", "MARKET_LOT_SIZE"},
                 {"minQty", plain(i.min_qty)},
                 {"maxQty", plain(i.market_max_qty.is_zero() ? i.max_qty : i.market_max_qty)},
                 {"stepSize", plain(i.step_size)}});
    f.push_back({{"filterType", "MAX_NUM_ORDERS"}, {"limit", i.max_open_orders}});
    f.push_back({{"filterType", "MIN_NOTIONAL"}, {"notional", plain(i.min_notional)}});
    f.push_back({{"filterType", "PERCENT_PRICE"},
                 {"multiplierUp", i.multiplier_up.rescale(4, core::rounding::half_even).to_string()},
                 {"multiplierDown", i.multiplier_down.rescale(4, core::rounding::half_even).to_string()},
                 {"multiplierDecimal", "4"}});
    return f;
}

// One object for `symbol`, or an array over all symbols without it; -1121 for an unknown one.
template <class F>
wire::reply per_symbol(context& ctx, call& c, F&& render) {
    if (auto e = check_params(c, {"symbol"})) {
        return *e;
    }
    if (param(c, "symbol")) {
        const engine::instrument* spec = nullptr;
        if (!symbol_param(ctx, c, &spec)) {
            return error_reply(400, -1121, "Invalid symbol.");
        }
        return json_reply(200, render(*spec));
    }
    boost::json::array out;
    for (const auto& sv : ctx.ex.snapshot().symbols) {
        out.push_back(render(sv.spec));
    }
    return json_reply(200, out);
}

engine::market_prices prices_of(const context& ctx, const core::symbol& s) {
    const auto* p = ctx.ex.prices(s);
    return p != nullptr ? *p : engine::market_prices{};
}

std::optional<int> int_param(const call& c, std::string_view key) {
    const auto v = param(c, key);
    if (!v) {
        return std::nullopt;
    }
    int n = 0;
    const auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || ptr != v->data() + v->size()) {
        return -1;
    }
    return n;
}

// Minutes per interval (§A5); 0 for the calendar intervals; nullopt when not an interval.
std::optional<int> interval_minutes(std::string_view interval) {
    static constexpr std::array<std::pair<std::string_view, int>, 15> table{{{"1m", 1}, {"3m", 3}, {"5m", 5},
        {"15m", 15}, {"30m", 30}, {"1h", 60}, {"2h", 120}, {"4h", 240}, {"6h", 360}, {"8h", 480}, {"12h", 720},
        {"1d", 1440}, {"3d", 0}, {"1w", 0}, {"1M", 0}}};
    for (const auto& [name, m] : table) {
        if (name == interval) {
            return m;
        }
    }
    return std::nullopt;
}

}  // namespace

wire::reply md_ping(context&, call& c) {
    if (auto e = check_params(c, {})) {
        return *e;
    }
    return json_reply(200, boost::json::object{});
}

wire::reply md_time(context& ctx, call& c) {
    if (auto e = check_params(c, {})) {
        return *e;
    }
    return json_reply(200, boost::json::object{{"serverTime", ctx.server_ms()}});
}

wire::reply md_exchange_info(context& ctx, call&) {
    boost::json::object o;
    o["timezone"] = "UTC";
    o["serverTime"] = ctx.server_ms();
    o["futuresType"] = "U_MARGINED";
    o["rateLimits"] = boost::json::array{
        {{"rateLimitType", "REQUEST_WEIGHT"}, {"interval", "MINUTE"}, {"intervalNum", 1}, {"limit", 2400}},
        {{"rateLimitType", "ORDERS"}, {"interval", "MINUTE"}, {"intervalNum", 1}, {"limit", 1200}},
        {{"rateLimitType", "ORDERS"}, {"interval", "SECOND"}, {"intervalNum", 10}, {"limit", 300}}};
    o["exchangeFilters"] = boost::json::array{};
    o["assets"] = boost::json::array{{{"asset", ctx.ex.config().settlement_asset},
                                      {"marginAvailable", true},
                                      {"autoAssetExchange", "-10000"}}};
    boost::json::array symbols;
    for (const auto& sv : ctx.ex.snapshot().symbols) {
        const auto& i = sv.spec;
        boost::json::object s;
        s["symbol"] = name_of(i);
        s["pair"] = name_of(i);
        s["contractType"] = "PERPETUAL";
        s["deliveryDate"] = 4133404800000;
        s["onboardDate"] = 1569398400000;
        s["status"] = "TRADING";
        s["baseAsset"] = i.base_asset;
        s["quoteAsset"] = i.quote_asset;
        s["marginAsset"] = i.quote_asset;
        s["pricePrecision"] = precision_of(i.price_precision, i.tick_size);
        s["quantityPrecision"] = precision_of(i.qty_precision, i.step_size);
        s["baseAssetPrecision"] = 8;
        s["quotePrecision"] = 8;
        s["underlyingType"] = "COIN";
        s["triggerProtect"] = "0.0500";
        s["liquidationFee"] = "0.012500";
        s["marketTakeBound"] = "0.05";
        s["filters"] = filters_of(i);
        s["orderTypes"] = boost::json::array{"LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT",
                                             "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"};
        s["timeInForce"] = boost::json::array{"GTC", "IOC", "FOK", "GTX"};
        symbols.push_back(std::move(s));
    }
    o["symbols"] = std::move(symbols);
    return json_reply(200, o);
}

wire::reply md_ticker_price(context& ctx, call& c) {
    return per_symbol(ctx, c, [&](const engine::instrument& i) {
        return boost::json::object{
            {"symbol", name_of(i)}, {"price", px(&i, prices_of(ctx, i.symbol).last)}, {"time", ctx.server_ms()}};
    });
}

wire::reply md_book_ticker(context& ctx, call& c) {
    return per_symbol(ctx, c, [&](const engine::instrument& i) {
        const auto p = prices_of(ctx, i.symbol);
        return boost::json::object{{"symbol", name_of(i)},           {"bidPrice", px(&i, p.bid)},
                                   {"bidQty", qty(&i, p.bid_qty)},   {"askPrice", px(&i, p.ask)},
                                   {"askQty", qty(&i, p.ask_qty)},   {"time", ctx.server_ms()},
                                   {"lastUpdateId", ctx.update_id}};
    });
}

wire::reply md_premium_index(context& ctx, call& c) {
    return per_symbol(ctx, c, [&](const engine::instrument& i) {
        const auto p = prices_of(ctx, i.symbol);
        const auto next = ctx.ex.next_funding(i.symbol);
        return boost::json::object{{"symbol", name_of(i)},
                                   {"markPrice", px(&i, p.mark)},
                                   {"indexPrice", px(&i, p.index)},
                                   {"estimatedSettlePrice", px(&i, p.index)},
                                   {"lastFundingRate", ctx.ex.funding_rate(i.symbol).rescale(8, core::rounding::half_even).to_string()},
                                   {"interestRate", "0.00010000"},
                                   {"nextFundingTime", next ? engine::to_ms(*next) : 0},
                                   {"time", ctx.server_ms()}};
    });
}

wire::reply md_ticker_24hr(context& ctx, call& c) {
    return per_symbol(ctx, c, [&](const engine::instrument& i) {
        const auto p = prices_of(ctx, i.symbol);
        const std::int64_t now = ctx.now_ms();
        core::decimal open = p.last, high = p.last, low = p.last, volume, quote;
        std::int64_t count = 0;
        std::int64_t open_time = now - 86'400'000;
        if (const auto it = ctx.klines.find(i.symbol); it != ctx.klines.end()) {
            bool first = true;
            for (const auto& k : it->second) {
                if (k.open_ms < now - 86'400'000) {
                    continue;
                }
                if (first) {
                    open = k.open;
                    high = k.high;
                    low = k.low;
                    open_time = k.open_ms;
                    first = false;
                }
                high = std::max(high, k.high);
                low = std::min(low, k.low);
                volume += k.volume;
                quote += k.quote_volume;
                count += k.trades;
            }
        }
        const core::decimal change = p.last - open;
        const core::decimal pct = open.is_zero() ? core::decimal{}
                                                 : (change * core::decimal::from_int(100)).divide(open, 3, core::rounding::half_even);
        return boost::json::object{{"symbol", name_of(i)},
                                   {"priceChange", px(&i, change)},
                                   {"priceChangePercent", pct.to_string()},
                                   {"weightedAvgPrice", px(&i, p.last)},
                                   {"lastPrice", px(&i, p.last)},
                                   {"lastQty", qty(&i, i.step_size)},
                                   {"openPrice", px(&i, open)},
                                   {"highPrice", px(&i, high)},
                                   {"lowPrice", px(&i, low)},
                                   {"volume", qty(&i, volume)},
                                   {"quoteVolume", money(quote)},
                                   {"openTime", open_time},
                                   {"closeTime", now},
                                   {"firstId", 0},
                                   {"lastId", count},
                                   {"count", count}};
    });
}

namespace {

// Candles of `interval` from a 1-minute history (oldest first), so every interval tells the same
// price path: open of the first minute, close of the last, sums of the volumes.
wire::reply candles_reply(context& ctx, call& c, const std::map<core::symbol, std::deque<kline>>& store, bool mark) {
    if (auto e = check_params(c, {"symbol", "interval", "startTime", "endTime", "limit"})) {
        return *e;
    }
    const engine::instrument* spec = nullptr;
    if (!param(c, "symbol")) {
        return mandatory_missing("symbol");
    }
    if (!param(c, "interval")) {
        return mandatory_missing("interval");
    }
    if (!symbol_param(ctx, c, &spec)) {
        return error_reply(400, -1121, "Invalid symbol.");
    }
    const auto minutes = interval_minutes(*param(c, "interval"));
    if (!minutes) {
        return error_reply(400, -1120, "Invalid interval.");
    }
    const int limit = int_param(c, "limit").value_or(500);
    if (limit <= 0 || limit > 1500) {
        return invalid_param("limit");
    }
    // Milliseconds since the epoch do not fit an int: read as 64-bit, as fundingRate does.
    const auto time_param = [&](std::string_view name) { return param(c, name) ? to_i64(*param(c, name)) : std::nullopt; };
    const auto start = time_param("startTime");
    const auto end = time_param("endTime");
    if ((param(c, "startTime") && !start) || (param(c, "endTime") && !end)) {
        return invalid_param(!start ? "startTime" : "endTime");
    }
    boost::json::array out;
    const auto it = store.find(spec->symbol);
    if (*minutes == 0 || it == store.end()) {
        // [U] 3d / 1w / 1M: the simulator's history (25 h of 1m candles) holds none of them.
        return json_reply(200, out);
    }
    const std::int64_t width = std::int64_t{*minutes} * 60'000;
    std::vector<kline> rows;
    for (const auto& k : it->second) {
        const std::int64_t bucket = k.open_ms - k.open_ms % width;
        if ((start && bucket < *start) || (end && bucket > *end)) {
            continue;
        }
        if (rows.empty() || rows.back().open_ms != bucket) {
            rows.push_back(kline{bucket, k.open, k.high, k.low, k.close, k.volume, k.quote_volume, k.trades});
            continue;
        }
        kline& agg = rows.back();
        agg.high = std::max(agg.high, k.high);
        agg.low = std::min(agg.low, k.low);
        agg.close = k.close;
        agg.volume += k.volume;
        agg.quote_volume += k.quote_volume;
        agg.trades += k.trades;
    }
    // With startTime the venue pages forward from it; otherwise it answers the newest candles.
    const auto n = std::min(rows.size(), static_cast<std::size_t>(limit));
    const std::size_t from = start ? 0 : rows.size() - n;
    for (std::size_t i = from; i < from + n; ++i) {
        const kline& k = rows[i];
        if (mark) {
            // The mark price has no volume: "0" in the volume fields, and in the count's place the
            // number of mark prices the candle was made of ("Number of basic data" [U]).
            out.push_back(boost::json::array{k.open_ms, px(spec, k.open), px(spec, k.high), px(spec, k.low),
                                             px(spec, k.close), "0", k.open_ms + width - 1, "0", k.trades, "0", "0",
                                             "0"});
            continue;
        }
        out.push_back(boost::json::array{k.open_ms, px(spec, k.open), px(spec, k.high), px(spec, k.low),
                                         px(spec, k.close), qty(spec, k.volume), k.open_ms + width - 1,
                                         money(k.quote_volume), k.trades, "0", "0", "0"});
    }
    return json_reply(200, out);
}

}  // namespace

wire::reply md_klines(context& ctx, call& c) { return candles_reply(ctx, c, ctx.klines, false); }

// GET /fapi/v1/markPriceKlines: the same parameters, intervals and weights as klines, over the mark
// price's own 1-minute history (exchange-apis.md does not describe it: the official USD-M docs'
// shape [U]).
wire::reply md_mark_price_klines(context& ctx, call& c) { return candles_reply(ctx, c, ctx.mark_klines, true); }

wire::reply md_open_interest(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol"})) {
        return *e;
    }
    const engine::instrument* spec = nullptr;
    if (!param(c, "symbol")) {
        return mandatory_missing("symbol");
    }
    if (!symbol_param(ctx, c, &spec)) {
        return error_reply(400, -1121, "Invalid symbol.");
    }
    const core::decimal oi = ctx.ex.open_interest(spec->symbol);
    return json_reply(200, boost::json::object{
                               {"openInterest", qty(spec, oi)}, {"symbol", name_of(*spec)}, {"time", ctx.server_ms()}});
}

wire::reply md_depth(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol", "limit"})) {
        return *e;
    }
    const engine::instrument* spec = nullptr;
    if (!param(c, "symbol")) {
        return mandatory_missing("symbol");
    }
    if (!symbol_param(ctx, c, &spec)) {
        return error_reply(400, -1121, "Invalid symbol.");
    }
    if (const auto l = int_param(c, "limit")) {
        static constexpr std::array allowed{5, 10, 20, 50, 100, 500, 1000};
        if (std::find(allowed.begin(), allowed.end(), *l) == allowed.end()) {
            return invalid_param("limit");
        }
    }
    const auto p = prices_of(ctx, spec->symbol);
    boost::json::array bids;
    boost::json::array asks;
    if (p.bid.is_positive()) {
        bids.push_back(boost::json::array{px(spec, p.bid), qty(spec, p.bid_qty)});
    }
    if (p.ask.is_positive()) {
        asks.push_back(boost::json::array{px(spec, p.ask), qty(spec, p.ask_qty)});
    }
    return json_reply(200, boost::json::object{{"lastUpdateId", ctx.update_id},
                                               {"E", ctx.server_ms()},
                                               {"T", ctx.server_ms()},
                                               {"bids", std::move(bids)},
                                               {"asks", std::move(asks)}});
}

}  // namespace tradebot::sim::binance
