#pragma once

#include <memory>

#include <boost/asio/awaitable.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/trading/position_book.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::trading {

class fill_recorder;
class journal_backlog;
class position_adopter;
class position_recorder;

// Part of the reconciler, at the start of each pass: the orders, closes and fills kept while the
// database was down are written, and after an outage (book.database_outage()) the book is reloaded from the
// rows as at start: a position whose row is gone is dropped (and adopted again by the pass), a row
// the book no longer holds is checked against the venue, a row behind the book (a write that
// failed) is brought up to it. Runs on the trading strand.
class outage_recovery {
public:
    outage_recovery(position_book& book, position_recorder& recorder, journal_backlog& backlog,
                    fill_recorder& fills, position_adopter& adopter, const config::settings& settings, const core::clock& clock,
                    std::shared_ptr<spdlog::logger> log);

    // True when the book was reloaded from the rows.
    boost::asio::awaitable<bool> reload();

private:
    // A row that fell behind the book while the database was down gets the book's state.
    boost::asio::awaitable<void> catch_up_row(live_position& pos, const db::position_record& row);

    position_book& book_;
    position_recorder& recorder_;
    journal_backlog& backlog_;
    fill_recorder& fills_;
    position_adopter& adopter_;
    const config::settings& settings_;
    const core::clock& clock_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace tradebot::trading
