#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "tradebot/backtest/memory_stores.hpp"
#include "tradebot/backtest/runner.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/events/types.hpp"

namespace tradebot::backtest {

// The replay's accounting: each position's fees and funding, from the fills and the funding
// payments while it is open, and at the end the trades of the closed positions (the rows the
// trading core kept) with them. Runs on the replay's strand.
class trade_ledger {
public:
    using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;

    trade_ledger(events::router& router, const strand_type& strand);

    // A funding payment on the symbol's position the trading core holds.
    void funding(core::exchange_id venue, const core::symbol& symbol, core::decimal amount);
    // The trades of the closed positions, by position id.
    [[nodiscard]] std::vector<trade> trades(const memory_positions& positions);

private:
    // The fills of a symbol's position: the entry, then the exit(s); a close ends the set.
    struct fills {
        core::decimal fees;
        core::decimal funding;
        int count = 0;
        std::int64_t last_ms = 0;
    };

    std::map<std::pair<core::exchange_id, core::symbol>, fills> open_fills_;
    std::map<std::int64_t, fills> closed_fills_;
    events::subscription fills_;
    events::subscription lifecycle_;
};

}  // namespace tradebot::backtest
