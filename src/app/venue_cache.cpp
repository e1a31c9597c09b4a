#include "app/venue_cache.hpp"

namespace tradebot::app {

bool venue_cache::fresh(std::chrono::steady_clock::time_point at, std::chrono::milliseconds limit) const {
    return limit.count() > 0 && clock_.steady_now() - at < limit;
}

void venue_cache::put_mark(core::exchange_id venue, const exchange::mark_price_state& mark) {
    if (mark_max_age_.count() <= 0 || !mark.mark_price.is_positive()) {
        return;
    }
    marks_.insert_or_assign({venue, mark.symbol}, timed_mark{mark, clock_.steady_now()});
}

std::optional<exchange::mark_price_state> venue_cache::mark(core::exchange_id venue, const core::symbol& symbol) const {
    const auto it = marks_.find({venue, symbol});
    if (it == marks_.end() || !fresh(it->second.at, mark_max_age_)) {
        return std::nullopt;
    }
    return it->second.mark;
}

void venue_cache::put_book(core::exchange_id venue, const exchange::book_top_state& top) {
    if (mark_max_age_.count() <= 0 || !top.bid.is_positive() || top.ask < top.bid) {
        return;
    }
    books_.insert_or_assign({venue, top.symbol}, timed_book{top, clock_.steady_now()});
}

std::optional<exchange::book_top_state> venue_cache::book(core::exchange_id venue, const core::symbol& symbol) const {
    const auto it = books_.find({venue, symbol});
    if (it == books_.end() || !fresh(it->second.at, mark_max_age_)) {
        return std::nullopt;
    }
    return it->second.top;
}

void venue_cache::put_balances(core::exchange_id venue, std::vector<exchange::balance_state> balances,
                               std::uint64_t generation, std::uint64_t debits_before) {
    if (balance_max_age_.count() <= 0 || debits(venue) != debits_before) {
        return;
    }
    balances_.insert_or_assign(venue, timed_balances{std::move(balances), generation, clock_.steady_now()});
}

bool venue_cache::balances_younger_than(core::exchange_id venue, std::chrono::milliseconds age) const {
    const auto it = balances_.find(venue);
    return it != balances_.end() && fresh(it->second.at, age);
}

std::uint64_t venue_cache::debits(core::exchange_id venue) const {
    const auto it = debits_.find(venue);
    return it == debits_.end() ? 0 : it->second;
}

void venue_cache::debit_balance(core::exchange_id venue, std::string_view asset, core::decimal amount) {
    ++debits_[venue];
    const auto it = balances_.find(venue);
    if (it == balances_.end()) {
        return;
    }
    for (auto& b : it->second.balances) {
        if (b.asset == asset) {
            b.available -= amount;
        }
    }
}

const std::vector<exchange::balance_state>* venue_cache::balances(core::exchange_id venue,
                                                                 std::uint64_t generation) const {
    const auto it = balances_.find(venue);
    if (it == balances_.end() || it->second.generation != generation || !fresh(it->second.at, balance_max_age_)) {
        return nullptr;
    }
    return &it->second.balances;
}

}  // namespace tradebot::app
