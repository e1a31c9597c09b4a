#include "trading/position_recorder.hpp"

#include <algorithm>

#include "tradebot/db/audit_sink.hpp"
#include "tradebot/db/order_store.hpp"
#include "tradebot/db/position_store.hpp"
#include "tradebot/logging/structured.hpp"
#include "trading/journal_backlog.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

namespace {

db::order_status journal_status(events::order_status s) {
    switch (s) {
        case events::order_status::new_:
        case events::order_status::untriggered: return db::order_status::new_;
        case events::order_status::partially_filled: return db::order_status::partially_filled;
        case events::order_status::filled: return db::order_status::filled;
        case events::order_status::canceled: return db::order_status::canceled;
        case events::order_status::rejected: return db::order_status::rejected;
        case events::order_status::expired: return db::order_status::expired;
        case events::order_status::triggered: return db::order_status::triggered;
    }
    return db::order_status::unknown;
}

}  // namespace

position_recorder::position_recorder(position_book& book, db::position_store& positions,
                                     db::order_store& journal, db::audit_sink& audit,
                                     events::topic<events::position_event>& events, const core::clock& clock,
                                     std::shared_ptr<spdlog::logger> log)
    : book_{book},
      positions_{positions},
      journal_{journal},
      audit_{audit},
      events_{events},
      clock_{clock},
      log_{std::move(log)} {}

asio::awaitable<bool> position_recorder::save(const live_position& pos, db::position_state next,
                                              db::position_update u, std::string_view what) {
    const auto symbol = pos.symbol;
    const auto id = pos.id;
    auto saved = co_await positions_.transition(id, pos.version, next, std::move(u));
    if (!saved) {
        if (journal_backlog::unavailable(saved.error())) {
            book_.note_database_outage();
        }
        logging::warn(log_, "position not saved", kv("position", id), kv("write", what),
                      kv("error", saved.error().describe()));
        co_return false;
    }
    if (auto* now = book_.find(symbol, id)) {
        now->version = *saved;
        now->state = next;
    }
    co_return true;
}

asio::awaitable<std::optional<live_position>> position_recorder::create_found(const exchange::position_state& vp,
                                                                              core::mode mode) {
    db::new_position row;
    row.exchange = book_.venue();
    row.symbol = vp.symbol;
    row.side = vp.side;
    row.mode = mode;
    row.leverage = vp.leverage.is_positive() ? vp.leverage : core::decimal::from_int(1);
    const auto now = clock_.now();
    db::position_update u;
    u.quantity = vp.quantity;
    u.entry_price = vp.entry_price;
    u.opened_at = now;
    auto created = co_await positions_.create_found(std::move(row), db::position_state::entry_placed, std::move(u));
    if (!created) {
        logging::error(log_, "cannot adopt venue position", kv("symbol", vp.symbol.str()),
                       kv("error", created.error().describe()));
        co_return std::nullopt;
    }
    live_position pos;
    pos.id = created->first;
    pos.version = created->second;
    pos.state = db::position_state::entry_placed;
    pos.symbol = vp.symbol;
    pos.side = vp.side;
    pos.quantity = vp.quantity;
    pos.entry_price = vp.entry_price;
    pos.opened_at = now;
    co_return pos;
}

asio::awaitable<void> position_recorder::record_closed(live_position pos, std::optional<core::decimal> exit_price,
                                                       std::string reason) {
    db::position_update u;
    u.closed_at = clock_.now();
    u.close_reason = reason;
    if (exit_price && exit_price->is_positive()) {
        u.exit_price = *exit_price;
        const auto diff = pos.side == core::position_side::long_ ? *exit_price - pos.entry_price
                                                                 : pos.entry_price - *exit_price;
        u.realized_pnl = diff * pos.quantity;
    }
    auto closed = event(events::position_event_kind::closed, pos, reason);
    closed.exit_price = u.exit_price;
    closed.realized_pnl = u.realized_pnl;
    auto kept = u;
    auto saved = co_await positions_.transition(pos.id, pos.version, db::position_state::closed, std::move(u));
    if (!saved) {
        const bool later = journal_backlog::unavailable(saved.error());
        logging::error(log_, "cannot record the close", kv("position", pos.id), kv("error", saved.error().describe()),
                       kv("kept_to_write_later", later));
        if (later) {
            // The venue closed it; the row must say so once the database answers, not stay live
            // without a venue position until the next start.
            book_.note_database_outage();
            unrecorded_.push_back(unrecorded_close{pos.id, pos.version, std::move(kept)});
        }
    }
    if (pos.stop && !pos.stop->client_id) {
        // A position stop ends with its position, and no report names it.
        co_await end_stops(pos.id, db::order_status::expired, "ended with the position");
    }
    record(std::move(closed));
    logging::info(log_, "position closed", kv("position", pos.id), kv("symbol", pos.symbol.str()),
                  kv("reason", reason), kv("exit", exit_price ? exit_price->to_string() : std::string{"unknown"}));
}

asio::awaitable<bool> position_recorder::retry_closes() {
    if (retrying_ || unrecorded_.empty()) {
        co_return unrecorded_.empty();
    }
    retrying_ = true;
    while (!unrecorded_.empty()) {
        const auto c = unrecorded_.front();
        auto update = c.update;
        auto saved = co_await positions_.transition(c.id, c.version, db::position_state::closed, std::move(update));
        if (!saved && journal_backlog::unavailable(saved.error())) {
            break;
        }
        if (saved) {
            logging::info(log_, "close recorded after the database came back", kv("position", c.id),
                          kv("reason", c.update.close_reason.value_or("")));
        } else {
            // The row moved on (or was lost with the server's last commits): the reload that
            // follows reads what is there and reconciles it with the venue.
            logging::warn(log_, "close kept during the outage cannot be written", kv("position", c.id),
                          kv("error", saved.error().describe()));
        }
        unrecorded_.erase(unrecorded_.begin());
    }
    retrying_ = false;
    co_return unrecorded_.empty();
}

bool position_recorder::close_waiting(std::int64_t id) const {
    return std::any_of(unrecorded_.begin(), unrecorded_.end(), [id](const auto& c) { return c.id == id; });
}

asio::awaitable<db::result<std::vector<db::position_record>>> position_recorder::load_live(core::mode mode) {
    auto rows = co_await positions_.load_live(mode);
    co_return rows;
}

asio::awaitable<void> position_recorder::end_stops(std::int64_t position_id, db::order_status status,
                                                   std::string why) {
    auto ended = co_await journal_.end_open_stops(position_id, status, why, std::nullopt);
    if (!ended) {
        logging::warn(log_, "ended stops not journaled", kv("position", position_id), kv("reason", why),
                      kv("error", ended.error().describe()));
    }
}

asio::awaitable<void> position_recorder::journal_report(events::order_update u) {
    db::order_update row;
    row.status = journal_status(u.status);
    row.filled_quantity = u.filled_quantity;
    if (u.average_price.is_positive()) {
        row.average_price = u.average_price;
    }
    if (!u.exchange_order_id.empty()) {
        row.venue_order_id = u.exchange_order_id;
    }
    if (!u.reject_reason.empty()) {
        row.error_message = u.reject_reason;
    }
    auto saved = co_await journal_.update_from_venue(u.client_order_id, std::move(row));
    if (!saved) {
        // The next lookup by client id (restart, reconcile) brings the row up to date.
        logging::warn(log_, "order report not journaled", kv("client_id", u.client_order_id),
                      kv("error", saved.error().describe()));
    }
}

events::position_event position_recorder::event(events::position_event_kind kind, const live_position& pos,
                                                std::string reason) const {
    events::position_event e;
    e.exchange = book_.venue();
    e.position_id = pos.id;
    e.symbol = pos.symbol;
    e.kind = kind;
    e.reason = std::move(reason);
    e.ts = clock_.now();
    return e;
}

void position_recorder::record(events::position_event e) {
    db::event_record row;
    row.ts = e.ts;
    row.type = std::string{events::to_string(e.kind)};
    row.position_id = e.position_id;
    row.symbol = e.symbol.str();
    row.exchange = std::string{core::to_string(e.exchange)};
    row.message = e.reason;
    const auto put = [&row](const char* key, const std::optional<core::decimal>& value) {
        if (value) {
            row.data.emplace_back(key, value->to_string());
        }
    };
    put("qty", e.quantity);
    put("entry", e.entry_price);
    put("stop", e.stop_price);
    put("exit", e.exit_price);
    put("pnl", e.realized_pnl);
    put("callback_percent", e.callback_percent);
    audit_.append(std::move(row));
    events_.publish(e);
}

}  // namespace tradebot::trading
