#include "app/venue_starter.hpp"

#include <tuple>
#include <utility>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::app {

namespace asio = boost::asio;
using logging::kv;

venue_starter::venue_starter(const config::settings& settings, db::position_repository& positions, venue_port& port)
    : settings_{settings}, positions_{positions}, port_{port} {}

asio::awaitable<bool> venue_starter::start_venue(runtime_venue& v) {
    if (v.paper && !v.paper_restored) {
        v.paper_restored = co_await restore_paper(v);
    }
    const bool ready = co_await v.manager->start();
    if (!ready) {
        co_return false;
    }
    v.started = true;
    port_.set_ready(v.manager->venue());
    // The symbol map is loaded now: the streams can map names.
    v.stack->set_symbols(v.manager->watched_symbols());
    v.stack->start();
    logging::info(logging::get("trading"), "venue ready", kv("exchange", core::to_string(v.manager->venue())),
                  kv("mode", core::to_string(settings_.app.mode)), kv("live", v.manager->live().size()));
    co_return true;
}

asio::awaitable<bool> venue_starter::start_venues(const std::vector<runtime_venue*>& todo, std::size_t from,
                                                  std::size_t to) {
    if (to - from == 1) {
        const bool ready = co_await start_venue(*todo[from]);
        co_return ready;
    }
    using namespace asio::experimental::awaitable_operators;
    const auto mid = from + (to - from) / 2;
    auto left = start_venues(todo, from, mid);
    auto right = start_venues(todo, mid, to);
    const auto both = co_await (std::move(left) && std::move(right));
    co_return std::get<0>(both) && std::get<1>(both);
}

asio::awaitable<bool> venue_starter::restore_paper(runtime_venue& v) {
    // The paper venue lives in memory: without this, a restart would find every paper position
    // gone and record it closed. The rows are the truth in test mode.
    auto rows = co_await positions_.load_live(core::mode::test);
    if (!rows) {
        logging::error(logging::get("trading"), "cannot load paper positions to restore",
                       kv("error", rows.error().describe()));
        co_return false;
    }
    int restored = 0;
    for (const auto& row : *rows) {
        if (row.exchange == v.paper->venue() && row.quantity.is_positive() && row.entry_price &&
            row.entry_price->is_positive()) {
            v.paper->restore_position(row.symbol, row.side, row.quantity, *row.entry_price);
            ++restored;
        }
    }
    if (restored > 0) {
        logging::info(logging::get("trading"), "paper positions restored",
                      kv("exchange", core::to_string(v.paper->venue())), kv("count", restored));
    }
    co_return true;
}

}  // namespace tradebot::app
