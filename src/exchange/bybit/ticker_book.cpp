#include "tradebot/exchange/bybit/ticker_book.hpp"

namespace tradebot::exchange::bybit {
namespace {

template <class T>
void merge(std::optional<T>& field, const patch_field<T>& p) {
    if (p) {
        field = *p;
    }
}

void merge_all(ticker& t, const ticker_patch& p) {
    merge(t.last_price, p.last_price);
    merge(t.mark_price, p.mark_price);
    merge(t.index_price, p.index_price);
    merge(t.bid1_price, p.bid1_price);
    merge(t.bid1_size, p.bid1_size);
    merge(t.ask1_price, p.ask1_price);
    merge(t.ask1_size, p.ask1_size);
    merge(t.funding_rate, p.funding_rate);
    merge(t.next_funding_time_ms, p.next_funding_time_ms);
    merge(t.open_interest, p.open_interest);
    merge(t.volume_24h, p.volume_24h);
    merge(t.turnover_24h, p.turnover_24h);
    merge(t.high_price_24h, p.high_price_24h);
    merge(t.low_price_24h, p.low_price_24h);
    merge(t.prev_price_24h, p.prev_price_24h);
    merge(t.price_24h_pcnt, p.price_24h_pcnt);
    t.cross_seq = p.cross_seq;
    t.exchange_ts = p.exchange_ts;
}

}  // namespace

const ticker& ticker_book::apply_snapshot(const ticker_patch& p) {
    ticker fresh;
    fresh.symbol = p.symbol;
    merge_all(fresh, p);
    return state_[p.symbol] = fresh;
}

const ticker* ticker_book::apply_delta(const ticker_patch& p) {
    const auto it = state_.find(p.symbol);
    if (it == state_.end()) {
        return nullptr;
    }
    merge_all(it->second, p);
    return &it->second;
}

const ticker* ticker_book::find(const core::symbol& s) const noexcept {
    const auto it = state_.find(s);
    return it == state_.end() ? nullptr : &it->second;
}

}  // namespace tradebot::exchange::bybit
