#include <algorithm>
#include <array>
#include <chrono>

#include "sim/bybit/handlers.hpp"
#include "tradebot/sim/engine/leverage_bracket.hpp"
#include "tradebot/sim/engine/venue_errors.hpp"

namespace tradebot::sim::bybit {

namespace {

outcome unknown_symbol() {
    const auto e = engine::to_bybit_error(engine::reject(engine::reject_reason::unknown_symbol));
    return fail(e.ret_code, e.message);
}

json::object instrument_json(const context& ctx, const engine::instrument& i) {
    json::object lot;
    lot["maxOrderQty"] = qt(i, i.max_qty);
    lot["minOrderQty"] = qt(i, i.min_qty);
    lot["qtyStep"] = i.step_size.normalized().to_string();
    lot["postOnlyMaxOrderQty"] = qt(i, i.max_qty);
    lot["maxMktOrderQty"] = qt(i, i.market_max_qty.is_zero() ? i.max_qty : i.market_max_qty);
    lot["minNotionalValue"] = i.min_notional.normalized().to_string();
    json::object o;
    o["symbol"] = i.venue_name();
    o["contractType"] = "LinearPerpetual";
    o["status"] = "Trading";
    o["baseCoin"] = i.base_asset;
    o["quoteCoin"] = i.quote_asset;
    o["launchTime"] = "1585526400000";
    o["deliveryTime"] = "0";
    o["deliveryFeeRate"] = "";
    o["priceScale"] = std::to_string(i.tick_size.normalized().scale());
    o["leverageFilter"] = json::object{
        {"minLeverage", "1"}, {"maxLeverage", std::to_string(engine::max_leverage_of(i)) + ".00"}, {"leverageStep", "0.01"}};
    o["priceFilter"] = json::object{{"minPrice", px(i, i.min_price)},
                                    {"maxPrice", px(i, i.max_price)},
                                    {"tickSize", i.tick_size.normalized().to_string()}};
    o["lotSizeFilter"] = std::move(lot);
    o["unifiedMarginTrade"] = true;
    o["fundingInterval"] = std::chrono::duration_cast<std::chrono::minutes>(i.funding_interval).count();
    o["settleCoin"] = ctx.ex.config().settlement_asset;
    o["copyTrading"] = "both";
    o["upperFundingRate"] = "0.00375";  // [U] the simulator does not cap funding per symbol
    o["lowerFundingRate"] = "-0.00375";
    o["isPreListing"] = false;
    o["preListingInfo"] = nullptr;
    o["symbolType"] = "";
    return o;
}

std::vector<const engine::instrument*> all_instruments(const context& ctx) {
    std::vector<const engine::instrument*> out;
    for (const auto& sv : ctx.ex.snapshot().symbols) {
        if (const auto* i = ctx.ex.find_instrument(sv.spec.symbol)) {
            out.push_back(i);
        }
    }
    return out;
}

}  // namespace

const engine::instrument* instrument_of(const context& ctx, std::string_view venue_symbol) {
    return ctx.ex.find_instrument_by_venue_name(venue_symbol);
}

symbol_lookup required_instrument(const context& ctx, const request& r, bool category_required) {
    if (auto e = check_category(r, category_required)) {
        return {nullptr, std::move(e)};
    }
    const auto s = r.text("symbol");
    if (!s) {
        return {nullptr, param_error("symbol")};
    }
    const auto* i = instrument_of(ctx, *s);
    if (i == nullptr) {
        return {nullptr, unknown_symbol()};
    }
    return {i, std::nullopt};
}

outcome market_time(context& ctx, const request&) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(ctx.clock.server_now().time_since_epoch()).count();
    outcome o;
    o.result = json::object{{"timeSecond", std::to_string(ns / 1'000'000'000)}, {"timeNano", std::to_string(ns)}};
    return o;
}

outcome instruments_info(context& ctx, const request& r) {
    // The scenario lists linear perpetuals only; asked for another valid category the venue would
    // answer an empty list, as it does for a category without instruments (ccxt's loadMarkets asks
    // spot, inverse and option too). [U] the official docs' shape: category, list, nextPageCursor.
    if (const auto c = r.text("category"); c && (*c == "spot" || *c == "inverse" || *c == "option")) {
        outcome none;
        none.result = json::object{{"category", std::string{*c}}, {"list", json::array{}}, {"nextPageCursor", ""}};
        return none;
    }
    if (auto e = check_category(r)) {
        return *e;
    }
    json::array list;
    // Every simulated instrument is Trading: a filter on another status (ccxt asks PreLaunch) finds none.
    const auto status = r.text("status");
    if (status && *status != "Trading") {
        outcome none;
        none.result = json::object{{"category", "linear"}, {"list", std::move(list)}, {"nextPageCursor", ""}};
        return none;
    }
    if (const auto s = r.text("symbol")) {
        if (const auto* i = instrument_of(ctx, *s)) {
            list.push_back(instrument_json(ctx, *i));
        }
    } else {
        for (const auto* i : all_instruments(ctx)) {
            list.push_back(instrument_json(ctx, *i));
        }
    }
    outcome o;
    o.result = json::object{{"category", "linear"}, {"list", std::move(list)}, {"nextPageCursor", ""}};
    return o;
}

json::object ticker_json(const context& ctx, const engine::instrument& i) {
    const auto* p = ctx.ex.prices(i.symbol);
    const engine::market_prices m = p ? *p : engine::market_prices{};
    const std::int64_t now = ctx.clock.now_ms();
    const auto day = ctx.klines.query(i.symbol, now - 24 * 60 * minute_ms, std::nullopt, 24 * 60);
    const auto hour = ctx.klines.query(i.symbol, now - 60 * minute_ms, std::nullopt, 60);
    core::decimal high = m.last;
    core::decimal low = m.last;
    core::decimal volume;
    core::decimal turnover;
    for (const auto& c : day) {
        high = std::max(high, c.high);
        low = std::min(low, c.low);
        volume += c.volume;
        turnover += c.turnover;
    }
    const core::decimal prev24 = day.empty() ? m.last : day.back().open;
    const core::decimal prev1h = hour.empty() ? m.last : hour.back().open;
    std::string pct = "0";
    if (prev24.is_positive()) {
        pct = (m.last - prev24).divide(prev24, 6, core::rounding::half_even).to_string();
    }
    const auto next = ctx.ex.next_funding(i.symbol);
    json::object o;
    o["symbol"] = i.venue_name();
    o["lastPrice"] = px(i, m.last);
    o["indexPrice"] = px(i, m.index);
    o["markPrice"] = px(i, m.mark);
    o["prevPrice24h"] = px(i, prev24);
    o["price24hPcnt"] = pct;
    o["highPrice24h"] = px(i, high);
    o["lowPrice24h"] = px(i, low);
    o["prevPrice1h"] = px(i, prev1h);
    // As on the Binance port: the accounts' long side, valued at the mark.
    const core::decimal oi = ctx.ex.open_interest(i.symbol);
    o["openInterest"] = qt(i, oi);
    o["openInterestValue"] = money(oi * m.mark);
    o["turnover24h"] = money(turnover);
    o["volume24h"] = qt(i, volume);
    o["fundingRate"] = ctx.ex.funding_rate(i.symbol).normalized().to_string();
    o["nextFundingTime"] = next ? ms_text(*next) : std::string{"0"};
    o["predictedDeliveryPrice"] = "";
    o["basisRate"] = "";
    o["deliveryFeeRate"] = "";
    o["deliveryTime"] = "0";
    o["ask1Size"] = qt(i, m.ask_qty);
    o["bid1Price"] = px(i, m.bid);
    o["ask1Price"] = px(i, m.ask);
    o["bid1Size"] = qt(i, m.bid_qty);
    o["basis"] = "";
    o["fundingIntervalHour"] = std::to_string(i.funding_interval.count());
    o["fundingCap"] = "0.00375";
    return o;
}

outcome tickers(context& ctx, const request& r) {
    if (auto e = check_category(r)) {
        return *e;
    }
    json::array list;
    if (const auto s = r.text("symbol")) {
        const auto* i = instrument_of(ctx, *s);
        if (i == nullptr) {
            return unknown_symbol();
        }
        list.push_back(ticker_json(ctx, *i));
    } else {
        for (const auto* i : all_instruments(ctx)) {
            list.push_back(ticker_json(ctx, *i));
        }
    }
    outcome o;
    o.result = json::object{{"category", "linear"}, {"list", std::move(list)}};
    return o;
}

namespace {

// Candles of the requested interval from a 1-minute store, newest first: the trade candles
// (kline) or the mark price's (mark-price-kline, five fields: no volume or turnover).
outcome candles_of(context& ctx, const request& r, const kline_store& store, bool mark) {
    const auto sym = required_instrument(ctx, r, false);
    if (sym.error) {
        return *sym.error;
    }
    const auto* i = sym.instrument;
    const auto interval = r.text("interval").value_or("");
    static constexpr std::array<std::pair<std::string_view, int>, 11> minutes{{{"1", 1}, {"3", 3}, {"5", 5},
        {"15", 15}, {"30", 30}, {"60", 60}, {"120", 120}, {"240", 240}, {"360", 360}, {"720", 720}, {"D", 1440}}};
    int span = 0;
    for (const auto& [name, m] : minutes) {
        span = name == interval ? m : span;
    }
    if (span == 0 && interval != "W" && interval != "M") {
        return param_error("interval");
    }
    const auto limit = int_field(r, "limit");
    const auto start = int_field(r, "start");
    const auto end = int_field(r, "end");
    if (limit.invalid() || (limit.ok() && (limit.value < 1 || limit.value > 1000)) || start.invalid() || end.invalid()) {
        return param_error(limit.invalid() || limit.ok() ? "limit" : "start");
    }
    const auto n = static_cast<std::size_t>(limit.ok() ? limit.value : 200);
    json::array list;
    if (span > 0) {  // [U] W and M return an empty list: the history is at most 1000 minutes
        const auto width = span * minute_ms;
        // Whole candles: every minute of each interval whose start lies in [start, end], so that
        // start = end = a candle's start answers that candle complete, not its first minute.
        // [U] a start inside an interval takes the whole interval.
        std::optional<std::int64_t> from;
        std::optional<std::int64_t> to;
        if (start.ok()) {
            from = start.value - start.value % width;
        }
        if (end.ok()) {
            to = end.value - end.value % width + width - 1;
        }
        const auto raw = store.query(i->symbol, from, to, kline_store::max_candles);
        std::vector<candle> out;  // newest first, bucketed to the interval
        for (const auto& c : raw) {
            const std::int64_t b = c.start_ms - (c.start_ms % width);
            if (out.empty() || out.back().start_ms != b) {
                if (out.size() == n) {
                    break;
                }
                out.push_back(candle{b, c.open, c.high, c.low, c.close, c.volume, c.turnover});
                continue;
            }
            candle& agg = out.back();
            agg.open = c.open;  // walking backwards: the earliest minute's open wins
            agg.high = std::max(agg.high, c.high);
            agg.low = std::min(agg.low, c.low);
            agg.volume += c.volume;
            agg.turnover += c.turnover;
        }
        for (const auto& c : out) {
            if (mark) {
                list.push_back(json::array{std::to_string(c.start_ms), px(*i, c.open), px(*i, c.high),
                                           px(*i, c.low), px(*i, c.close)});
                continue;
            }
            list.push_back(json::array{std::to_string(c.start_ms), px(*i, c.open), px(*i, c.high), px(*i, c.low),
                                       px(*i, c.close), qt(*i, c.volume), money(c.turnover)});
        }
    }
    outcome o;
    o.result = json::object{{"category", "linear"}, {"symbol", i->venue_name()}, {"list", std::move(list)}};
    return o;
}

}  // namespace

outcome kline(context& ctx, const request& r) { return candles_of(ctx, r, ctx.klines, false); }

// GET /v5/market/mark-price-kline (ccxt's fetchMarkOHLCV): kline's parameters and window rules
// over the mark price's own 1-minute history, rows of [startTime, open, high, low, close]
// (exchange-apis.md does not describe it: the official V5 docs' shape [U]).
outcome mark_price_kline(context& ctx, const request& r) { return candles_of(ctx, r, ctx.mark_klines, true); }

outcome orderbook(context& ctx, const request& r) {
    const auto sym = required_instrument(ctx, r);
    if (sym.error) {
        return *sym.error;
    }
    const auto* i = sym.instrument;
    const auto limit = int_field(r, "limit");
    if (limit.invalid() || (limit.ok() && (limit.value < 1 || limit.value > 1000))) {
        return param_error("limit");
    }
    const auto* p = ctx.ex.prices(i->symbol);
    json::array bids;
    json::array asks;
    if (p != nullptr && p->bid.is_positive()) {
        bids.push_back(json::array{px(*i, p->bid), qt(*i, p->bid_qty)});
    }
    if (p != nullptr && p->ask.is_positive()) {
        asks.push_back(json::array{px(*i, p->ask), qt(*i, p->ask_qty)});
    }
    const auto u = ctx.book_update_id.find(i->symbol);
    const std::int64_t uid = u == ctx.book_update_id.end() ? 1 : u->second;
    outcome o;
    o.result = json::object{{"s", i->venue_name()}, {"b", std::move(bids)}, {"a", std::move(asks)},
                            {"ts", ctx.clock.server_now_ms()}, {"u", uid}, {"seq", ctx.cross_seq},
                            {"cts", ctx.clock.server_now_ms()}};
    return o;
}

}  // namespace tradebot::sim::bybit
