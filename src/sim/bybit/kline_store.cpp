#include "sim/bybit/kline_store.hpp"

#include <algorithm>

namespace tradebot::sim::bybit {

namespace {

std::int64_t minute_of(std::int64_t ms) { return ms - (((ms % minute_ms) + minute_ms) % minute_ms); }

}  // namespace

std::optional<candle> kline_store::on_price(const core::symbol& s, core::decimal last, std::int64_t ms) {
    if (!last.is_positive()) {
        return std::nullopt;
    }
    auto& list = candles_[s];
    const std::int64_t start = minute_of(ms);
    std::optional<candle> closed;
    if (!list.empty() && list.back().start_ms >= start) {
        candle& c = list.back();
        c.high = std::max(c.high, last);
        c.low = std::min(c.low, last);
        c.close = last;
        return std::nullopt;
    }
    if (!list.empty()) {
        closed = list.back();
    }
    list.push_back(candle{start, last, last, last, last, {}, {}});
    while (list.size() > max_candles) {
        list.pop_front();
    }
    return closed;
}

void kline_store::on_trade(const core::symbol& s, core::decimal qty, core::decimal price, std::int64_t ms) {
    on_price(s, price, ms);
    auto& list = candles_[s];
    if (list.empty()) {
        return;
    }
    list.back().volume += qty;
    list.back().turnover += (qty * price).normalized();
}

const candle* kline_store::current(const core::symbol& s) const {
    const auto it = candles_.find(s);
    return it == candles_.end() || it->second.empty() ? nullptr : &it->second.back();
}

std::vector<candle> kline_store::query(const core::symbol& s, std::optional<std::int64_t> start,
                                       std::optional<std::int64_t> end, std::size_t limit) const {
    std::vector<candle> out;
    const auto it = candles_.find(s);
    if (it == candles_.end()) {
        return out;
    }
    for (auto c = it->second.rbegin(); c != it->second.rend() && out.size() < limit; ++c) {
        if ((end && c->start_ms > *end) || (start && c->start_ms < minute_of(*start))) {
            continue;
        }
        out.push_back(*c);
    }
    return out;
}

}  // namespace tradebot::sim::bybit
