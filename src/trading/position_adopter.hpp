#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <boost/asio/awaitable.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/exchange/venue_client.hpp"
#include "tradebot/trading/position_book.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::trading {

class journal_backlog;
class position_recorder;

// Part of the reconciler: a position on the venue the database does not know (opened by hand, or
// by a run that lost its rows) is taken under protection rather than ignored (original-bot.md
// §4.4), and the orders of ours the venue knows but the journal does not get their rows under the
// live position. Runs on the trading strand.
class position_adopter {
public:
    position_adopter(exchange::venue_client& venue, position_book& book, position_recorder& recorder,
                     journal_backlog& backlog, const config::settings& settings, std::shared_ptr<spdlog::logger> log);

    // Tracks the venue position under a new row; its stop comes from the same pass.
    boost::asio::awaitable<void> adopt(exchange::position_state venue_position);
    // A position whose row the database lost (a crash lost its last asynchronous commits): its
    // venue position is adopted again, and the orders of ours it had are journaled under the new
    // row. Remembered until forget_lost().
    void row_lost(const core::symbol& symbol, std::int64_t position_id);
    void forget_lost() { lost_.clear(); }

    // The symbols adopted since the last end_pass().
    [[nodiscard]] const std::set<core::symbol>& adopted() const noexcept { return adopted_; }
    void end_pass() { adopted_.clear(); }

    // After a reload (every live position) or an adoption (`only` those symbols): an entry and a
    // stop of ours that the venue knows but the journal does not (rows a crash lost, or kept in
    // memory by a process that died) get their rows under the live position.
    boost::asio::awaitable<void> journal_missing(std::optional<std::set<core::symbol>> only);

private:
    boost::asio::awaitable<void> journal_entry(core::symbol symbol, std::int64_t position_id,
                                               core::client_order_id entry_id);
    boost::asio::awaitable<void> journal_stop(core::symbol symbol, std::int64_t position_id);
    // A row for an order of ours found on the venue, under the live position `position_id`.
    [[nodiscard]] db::order_record rejournal_row(const core::symbol& symbol, std::int64_t position_id) const;

    exchange::venue_client& venue_;
    position_book& book_;
    position_recorder& recorder_;
    journal_backlog& backlog_;
    const config::settings& settings_;
    std::shared_ptr<spdlog::logger> log_;
    std::map<core::symbol, std::int64_t> lost_;  // lost rows' position ids, until a pass adopts them
    std::set<core::symbol> adopted_;             // adopted by this pass: their orders are journaled
};

}  // namespace tradebot::trading
