#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include <boost/unordered/unordered_flat_map.hpp>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/events/types.hpp"

namespace tradebot::exchange::bybit {

// The merged state of tickers.<SYMBOL> (linear: snapshot, then deltas). nullopt = the venue has
// given no value (absent from the snapshot, or sent as "" — which means "no value", never zero).
struct ticker {
    core::symbol symbol;
    std::optional<core::decimal> last_price;
    std::optional<core::decimal> mark_price;
    std::optional<core::decimal> index_price;
    std::optional<core::decimal> bid1_price;
    std::optional<core::decimal> bid1_size;
    std::optional<core::decimal> ask1_price;
    std::optional<core::decimal> ask1_size;
    std::optional<core::decimal> funding_rate;
    std::optional<std::int64_t> next_funding_time_ms;
    std::optional<core::decimal> open_interest;
    std::optional<core::decimal> volume_24h;
    std::optional<core::decimal> turnover_24h;
    std::optional<core::decimal> high_price_24h;
    std::optional<core::decimal> low_price_24h;
    std::optional<core::decimal> prev_price_24h;
    std::optional<core::decimal> price_24h_pcnt;
    std::uint64_t cross_seq = 0;     // "cs"
    events::time_point exchange_ts;  // "ts" of the last applied message
};

// One field of one frame: absent (outer nullopt: keep the old value), "" (inner nullopt: the
// value is now unknown), or a value.
template <class T>
using patch_field = std::optional<std::optional<T>>;

// What one tickers frame carried.
struct ticker_patch {
    core::symbol symbol;
    patch_field<core::decimal> last_price, mark_price, index_price, bid1_price, bid1_size, ask1_price, ask1_size,
        funding_rate, open_interest, volume_24h, turnover_24h, high_price_24h, low_price_24h, prev_price_24h,
        price_24h_pcnt;
    patch_field<std::int64_t> next_funding_time_ms;
    std::uint64_t cross_seq = 0;
    events::time_point exchange_ts;
};

// Keeps the last full snapshot per symbol and merges deltas into it. A delta for a symbol with
// no snapshot is refused (not applied): the caller reports it and waits for the next snapshot
// (resubscribe). Call clear() when the connection drops: deltas on a new connection must not
// land on the old state.
class ticker_book {
public:
    // The references and pointers returned stay valid until the next apply, erase or clear.
    // Replaces the symbol's state with exactly what the snapshot carried.
    const ticker& apply_snapshot(const ticker_patch& p);
    // nullptr when there is no snapshot for the symbol.
    const ticker* apply_delta(const ticker_patch& p);

    [[nodiscard]] const ticker* find(const core::symbol& s) const noexcept;
    void erase(const core::symbol& s) { state_.erase(s); }
    void clear() noexcept { state_.clear(); }
    [[nodiscard]] std::size_t size() const noexcept { return state_.size(); }

private:
    boost::unordered_flat_map<core::symbol, ticker, std::hash<core::symbol>> state_;
};

}  // namespace tradebot::exchange::bybit
