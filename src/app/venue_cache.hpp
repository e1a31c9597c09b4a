#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "tradebot/core/clock.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/exchange/venue_client.hpp"

namespace tradebot::app {

// What the signal path reads from the venues without a round trip (issue 7: signal -> order):
// marks (streamed, or from one read of every symbol), best bid/ask and the free balances. Each value is used
// while younger than its limit; the caller reads the venue again when it is not, and puts the
// answer here. Ages are on the steady clock. Not thread-safe: the trading strand owns it.
class venue_cache {
public:
    venue_cache(const core::clock& clock, std::chrono::milliseconds mark_max_age,
                std::chrono::milliseconds balance_max_age)
        : clock_{clock}, mark_max_age_{mark_max_age}, balance_max_age_{balance_max_age} {}

    void put_mark(core::exchange_id venue, const exchange::mark_price_state& mark);
    [[nodiscard]] std::optional<exchange::mark_price_state> mark(core::exchange_id venue,
                                                                 const core::symbol& symbol) const;

    // The best bid/ask, kept as long as a mark (trading.mark_cache_ms): a spread a second old
    // still says whether the book is thin.
    void put_book(core::exchange_id venue, const exchange::book_top_state& top);
    [[nodiscard]] std::optional<exchange::book_top_state> book(core::exchange_id venue,
                                                               const core::symbol& symbol) const;

    // `generation`: the caller's counter of writes that change balances (its closes); a later
    // lookup with another value misses. `debits_before`: debits() when the read started; a read
    // that an entry's debit overtook is dropped (it may predate that entry's fill).
    void put_balances(core::exchange_id venue, std::vector<exchange::balance_state> balances,
                      std::uint64_t generation, std::uint64_t debits_before);
    [[nodiscard]] std::uint64_t debits(core::exchange_id venue) const;
    // True while the cached balances were read less than `age` ago.
    [[nodiscard]] bool balances_younger_than(core::exchange_id venue, std::chrono::milliseconds age) const;
    [[nodiscard]] const std::vector<exchange::balance_state>* balances(core::exchange_id venue,
                                                                       std::uint64_t generation) const;
    void forget_balances(core::exchange_id venue) { balances_.erase(venue); }
    // Takes `amount` off the cached available balance of `asset` (an entry's margin and fee),
    // keeping the read's age: the next read replaces the estimate.
    void debit_balance(core::exchange_id venue, std::string_view asset, core::decimal amount);

private:
    struct timed_mark {
        exchange::mark_price_state mark;
        std::chrono::steady_clock::time_point at;
    };
    struct timed_book {
        exchange::book_top_state top;
        std::chrono::steady_clock::time_point at;
    };
    struct timed_balances {
        std::vector<exchange::balance_state> balances;
        std::uint64_t generation = 0;
        std::chrono::steady_clock::time_point at;
    };

    [[nodiscard]] bool fresh(std::chrono::steady_clock::time_point at, std::chrono::milliseconds limit) const;

    const core::clock& clock_;
    std::chrono::milliseconds mark_max_age_;
    std::chrono::milliseconds balance_max_age_;
    std::map<std::pair<core::exchange_id, core::symbol>, timed_mark> marks_;
    std::map<std::pair<core::exchange_id, core::symbol>, timed_book> books_;
    std::map<core::exchange_id, timed_balances> balances_;
    std::map<core::exchange_id, std::uint64_t> debits_;
};

}  // namespace tradebot::app
