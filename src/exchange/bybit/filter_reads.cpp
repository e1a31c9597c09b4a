#include "tradebot/exchange/bybit/filter_reads.hpp"

#include <algorithm>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tradebot/exchange/bybit/rest_codec.hpp"

namespace tradebot::exchange::bybit {

filter_reads::filter_reads(rest_client& rest, const symbol_map& symbols) : rest_{rest}, symbols_{symbols} {}

venue_client::task<std::optional<kline_row>> filter_reads::kline_at(std::string venue_name,
                                                                    std::string_view interval, std::int64_t start_ms,
                                                                    request_priority priority) {
    // start = end: the candle starting there. [U] that `end` bounds the startTime (the docs only
    // say "end timestamp"); the parser picks the row by its startTime either way.
    std::string path = "/v5/market/kline";
    const auto at = std::to_string(start_ms);
    std::string query = "category=linear&symbol=" + url_encode(venue_name) + "&interval=" + std::string{interval} +
                        "&start=" + at + "&end=" + at + "&limit=1";
    auto r = co_await rest_.get(std::move(path), std::move(query), false, priority);
    if (!r) {
        co_return r.error();
    }
    co_return parse_kline_at(*r, start_ms);
}

venue_client::task<std::optional<core::decimal>> filter_reads::max_notional(core::symbol symbol, int leverage) {
    if (const auto it = risk_limits_.find(symbol); it != risk_limits_.end()) {
        co_return it->second.max_notional_at(leverage);
    }
    auto name = venue_name(symbol);
    if (!name) {
        co_return name.error();
    }
    std::string path = "/v5/market/risk-limit";
    std::string query = "category=linear&symbol=" + url_encode(*name);
    auto r = co_await rest_.get(std::move(path), std::move(query), false, request_priority::normal);
    if (!r) {
        co_return r.error();
    }
    auto tiers = parse_risk_limits(*r, symbol, *name);
    if (!tiers) {
        co_return tiers.error();
    }
    const auto cap = tiers->max_notional_at(leverage);
    risk_limits_.insert_or_assign(symbol, std::move(*tiers));
    co_return cap;
}

venue_client::task<void> filter_reads::preload_limits(request_priority priority) {
    std::string cursor;
    std::vector<symbol_brackets> all;
    for (int page_no = 0; page_no < max_pages; ++page_no) {
        std::string path = "/v5/market/risk-limit";
        std::string query = with_cursor("category=linear", cursor);
        auto r = co_await rest_.get(std::move(path), std::move(query), false, priority);
        if (!r) {
            co_return r.error();
        }
        auto page = parse_risk_limits_page(*r, symbols_);
        if (!page) {
            co_return page.error();
        }
        for (auto& s : page->limits) {
            all.push_back(std::move(s));
        }
        if (page->next_cursor.empty()) {
            // A symbol's tiers may span two pages: merged, then ordered as parse_risk_limits does.
            std::unordered_map<core::symbol, symbol_brackets> merged;
            for (auto& s : all) {
                auto& into = merged.try_emplace(s.symbol, symbol_brackets{s.symbol, {}}).first->second;
                into.brackets.insert(into.brackets.end(), s.brackets.begin(), s.brackets.end());
            }
            for (auto& [symbol, tiers] : merged) {
                std::sort(tiers.brackets.begin(), tiers.brackets.end(),
                          [](const leverage_bracket& a, const leverage_bracket& b) {
                              return a.initial_leverage > b.initial_leverage;
                          });
                risk_limits_.insert_or_assign(symbol, std::move(tiers));
            }
            co_return result<void>{};
        }
        cursor = page->next_cursor;
    }
    co_return bad_response_error(core::exchange_id::bybit, 200, "risk-limit: too many pages");
}

venue_client::task<market_stats_state> filter_reads::market_stats(market_stats_request request,
                                                                  request_priority priority) {
    auto name = venue_name(request.symbol);
    if (!name) {
        co_return name.error();
    }
    market_stats_state out;
    out.symbol = request.symbol;
    if (request.open_interest) {
        std::string path = "/v5/market/tickers";
        std::string query = "category=linear&symbol=" + url_encode(*name);
        auto r = co_await rest_.get(std::move(path), std::move(query), false, priority);
        if (!r) {
            co_return r.error();
        }
        auto value = parse_open_interest_value(*r, symbols_);
        if (!value) {
            co_return value.error();
        }
        out.open_interest_usdt = *value;
    }
    if (request.volume_1h) {
        auto k = co_await kline_at(*name, "60", hour_start(request.signal_ms), priority);
        if (!k) {
            co_return k.error();
        }
        if (*k) {
            out.volume_1h_usdt = (*k)->turnover;
        }
    }
    if (request.price_change_5min) {
        auto k = co_await kline_at(*name, "5", request.signal_ms - five_minutes_ms, priority);
        if (!k) {
            co_return k.error();
        }
        if (*k) {
            out.price_change_5min_percent = change_percent((*k)->open, (*k)->close);
        }
    }
    co_return out;
}

}  // namespace tradebot::exchange::bybit
