#include "trading/zombie_sweeper.hpp"

#include <utility>

#include "tradebot/logging/structured.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

zombie_sweeper::zombie_sweeper(exchange::venue_client& venue, const position_book& book,
                               std::shared_ptr<spdlog::logger> log)
    : venue_{venue}, book_{book}, log_{std::move(log)} {}

asio::awaitable<void> zombie_sweeper::sweep(const std::map<core::symbol, exchange::position_state>& on_venue,
                                            const std::vector<exchange::stop_state>* stops) {
    auto is_free = [&](const core::symbol& s) { return !on_venue.contains(s) && !book_.busy_with(s); };
    std::set<std::string> seen;
    auto orders = co_await venue_.open_orders(std::nullopt);
    if (orders) {
        for (const auto& o : *orders) {
            if (!o.client_id || !is_free(o.symbol)) {
                continue;
            }
            auto key = "order:" + o.raw_client_id;
            const bool again = seen_.contains(key);
            seen.insert(std::move(key));
            if (!again) {
                continue;
            }
            auto done = co_await venue_.cancel_order(o.symbol, *o.client_id, exchange::request_priority::background);
            logging::warn(log_, "zombie order cancelled", kv("symbol", o.symbol.str()), kv("client_id", o.raw_client_id),
                          kv("ok", static_cast<bool>(done)));
        }
    }
    if (stops != nullptr) {
        for (const auto& st : *stops) {
            if (!is_free(st.symbol)) {
                continue;
            }
            auto key = "stop:" + st.symbol.str() + ":" + st.venue_id;
            const bool again = seen_.contains(key);
            seen.insert(std::move(key));
            if (!again) {
                continue;
            }
            auto done = co_await venue_.cancel_stop(st);
            logging::warn(log_, "orphan stop cancelled", kv("symbol", st.symbol.str()), kv("venue_id", st.venue_id),
                          kv("ok", static_cast<bool>(done)));
        }
    }
    seen_ = std::move(seen);
}

}  // namespace tradebot::trading
