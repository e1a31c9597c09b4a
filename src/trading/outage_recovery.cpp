#include "trading/outage_recovery.hpp"

#include <map>
#include <utility>
#include <vector>

#include "trading/fill_recorder.hpp"
#include "trading/journal_backlog.hpp"
#include "trading/position_adopter.hpp"
#include "trading/position_recorder.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

outage_recovery::outage_recovery(position_book& book, position_recorder& recorder, journal_backlog& backlog,
                                 fill_recorder& fills, position_adopter& adopter, const config::settings& settings,
                                 const core::clock& clock, std::shared_ptr<spdlog::logger> log)
    : book_{book},
      recorder_{recorder},
      backlog_{backlog},
      fills_{fills},
      adopter_{adopter},
      settings_{settings},
      clock_{clock},
      log_{std::move(log)} {}

asio::awaitable<bool> outage_recovery::reload() {
    if (backlog_.waiting() > 0) {
        (void)co_await backlog_.flush();
    }
    (void)co_await recorder_.retry_closes();
    (void)co_await fills_.retry();
    if (!book_.database_outage()) {
        co_return false;
    }
    auto rows = co_await recorder_.load_live(settings_.app.mode);
    if (!rows) {
        logging::warn(log_, "after a database outage: rows not readable yet, book kept",
                      kv("exchange", core::to_string(book_.venue())), kv("error", rows.error().describe()));
        co_return false;
    }
    std::map<core::symbol, db::position_record> mine;
    for (auto& row : *rows) {
        if (row.exchange == book_.venue()) {
            auto symbol = row.symbol;
            mine.insert_or_assign(std::move(symbol), std::move(row));
        }
    }
    bool complete = true;
    std::vector<core::symbol> held;
    for (const auto& [symbol, _] : book_.live()) {
        held.push_back(symbol);
    }
    int lost = 0;
    int caught_up = 0;
    for (const auto& symbol : held) {
        auto* pos = book_.find(symbol);
        if (pos == nullptr) {
            continue;
        }
        if (pos->busy) {
            complete = false;  // its writer is still at work: the next pass looks again
            continue;
        }
        const auto row = mine.find(symbol);
        if (row == mine.end() || row->second.id != pos->id) {
            // Its row was lost with the server's last asynchronous commits (finding C2): every later
            // write of it would fail. The book lets it go; this pass finds the venue position
            // without a row and adopts it, as a start would.
            const auto lost_id = pos->id;
            logging::warn(log_, "after a database outage: position row lost, the venue position is adopted again",
                          kv("position", lost_id), kv("symbol", symbol.str()));
            (void)book_.untrack(symbol);
            adopter_.row_lost(symbol, lost_id);
            ++lost;
            continue;
        }
        pos->version = row->second.version;
        if (row->second.state != pos->state || row->second.quantity != pos->quantity ||
            (pos->stop && pos->stop->trigger_price && row->second.stop_price != pos->stop->trigger_price)) {
            co_await catch_up_row(*pos, row->second);
            ++caught_up;
        }
    }
    int found = 0;
    for (const auto& [symbol, row] : mine) {
        if (book_.busy_with(symbol) || recorder_.close_waiting(row.id)) {
            continue;
        }
        // A live row the book let go (a close it could not record, or a position it dropped): the
        // venue decides, as at start (two absences close it as closed_on_venue).
        logging::warn(log_, "after a database outage: live row not in the book, checking it against the venue",
                      kv("position", row.id), kv("symbol", symbol.str()), kv("state", db::to_string(row.state)));
        book_.track(book_.from_row(row, clock_.now()));
        ++found;
    }
    if (complete) {
        book_.clear_database_outage();
    }
    logging::info(log_, "book reloaded after a database outage", kv("exchange", core::to_string(book_.venue())),
                  kv("rows", mine.size()), kv("lost_rows", lost), kv("rows_caught_up", caught_up),
                  kv("rows_found", found), kv("complete", complete));
    co_return true;
}

asio::awaitable<void> outage_recovery::catch_up_row(live_position& pos, const db::position_record& row) {
    // The book is what the venue confirmed; the row missed writes that failed while the
    // database was down (the fill, the stop).
    db::position_update u;
    u.quantity = pos.quantity;
    if (pos.entry_price.is_positive()) {
        u.entry_price = pos.entry_price;
    }
    if (!row.opened_at) {
        u.opened_at = pos.opened_at;
    }
    auto next = pos.state;
    if (pos.stop && pos.stop->trigger_price) {
        u.stop_price = *pos.stop->trigger_price;
        if (!pos.stop->venue_id.empty()) {
            u.stop_order_id = pos.stop->venue_id;
        }
        if (pos.stop->client_id) {
            u.stop_client_order_id = pos.stop->client_id->str();
        }
    } else if (next == db::position_state::protected_) {
        next = row.state;  // no stop to show for it: the pass protects it
    }
    if (next == db::position_state::pending_entry && pos.entry_price.is_positive()) {
        next = db::position_state::entry_placed;
    }
    logging::info(log_, "after a database outage: row brought up to the book", kv("position", pos.id),
                  kv("symbol", pos.symbol.str()), kv("row_state", db::to_string(row.state)),
                  kv("state", db::to_string(next)));
    pos.state = row.state;
    (void)co_await recorder_.save(pos, next, std::move(u), "book after a database outage");
}

}  // namespace tradebot::trading
