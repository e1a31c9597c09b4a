#pragma once

#include <cstddef>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "app/runtime_venue.hpp"
#include "app/venue_port.hpp"
#include "tradebot/config/settings.hpp"
#include "tradebot/db/position_repository.hpp"

namespace tradebot::app {

// Brings one venue of trading_runtime up: the paper venue's positions back from the rows, the
// manager's start (load and reconcile, rule 5), then its streams. Runs on the trading strand.
class venue_starter {
public:
    venue_starter(const config::settings& settings, db::position_repository& positions, venue_port& port);

    // Starts one venue (paper restore, manager start, streams); false when it is not ready yet.
    [[nodiscard]] boost::asio::awaitable<bool> start_venue(runtime_venue& v);
    // Starts venues [from, to) of `todo` at once: each one's start is mostly waiting on its venue.
    [[nodiscard]] boost::asio::awaitable<bool> start_venues(const std::vector<runtime_venue*>& todo, std::size_t from,
                                                            std::size_t to);
    // Test mode: gives the in-memory paper venue the positions the database says it holds.
    [[nodiscard]] boost::asio::awaitable<bool> restore_paper(runtime_venue& v);

private:
    const config::settings& settings_;
    db::position_repository& positions_;
    venue_port& port_;
};

}  // namespace tradebot::app
