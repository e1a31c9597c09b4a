#include "trading/position_adopter.hpp"

#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "trading/for_each_concurrently.hpp"
#include "trading/journal_backlog.hpp"
#include "trading/position_recorder.hpp"
#include "tradebot/core/ids.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/trading/order_executor.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

namespace {

constexpr const char* reconcile_rejournal_note = "journaled from the venue after the database lost its row";

}  // namespace

position_adopter::position_adopter(exchange::venue_client& venue, position_book& book, position_recorder& recorder,
                                   journal_backlog& backlog, const config::settings& settings,
                                   std::shared_ptr<spdlog::logger> log)
    : venue_{venue},
      book_{book},
      recorder_{recorder},
      backlog_{backlog},
      settings_{settings},
      log_{std::move(log)} {}

asio::awaitable<void> position_adopter::adopt(exchange::position_state vp) {
    auto pos = co_await recorder_.create_found(vp, settings_.app.mode);
    if (!pos) {
        co_return;
    }
    book_.make_trailing(*pos, std::nullopt);
    auto adopted = recorder_.event(events::position_event_kind::adopted, *pos,
                                   "found on the venue, unknown to the database");
    adopted.quantity = vp.quantity;
    recorder_.record(std::move(adopted));
    adopted_.insert(vp.symbol);
    logging::warn(log_, "adopted a position found on the venue", kv("position", pos->id),
                  kv("symbol", vp.symbol.str()), kv("side", core::to_string(vp.side)),
                  kv("qty", vp.quantity.to_string()));
    book_.track(std::move(*pos));
}

db::order_record position_adopter::rejournal_row(const core::symbol& symbol, std::int64_t position_id) const {
    db::order_record row;
    row.position_id = position_id;
    row.exchange = book_.venue();
    row.symbol = symbol;
    row.mode = settings_.app.mode;
    row.error_message = reconcile_rejournal_note;
    return row;
}

void position_adopter::row_lost(const core::symbol& symbol, std::int64_t position_id) {
    lost_.insert_or_assign(symbol, position_id);
}

asio::awaitable<void> position_adopter::journal_missing(std::optional<std::set<core::symbol>> only) {
    const bool paper = settings_.app.mode == core::mode::test;
    struct candidate {
        core::symbol symbol;
        std::int64_t id = 0;
        std::set<std::int64_t> entries;  // position ids whose entry (attempt 0) may have opened it
    };
    std::map<core::symbol, candidate> held;
    for (const auto& [symbol, pos] : book_.live()) {
        if (pos.busy || pos.state == db::position_state::pending_entry || (only && !only->contains(symbol))) {
            continue;
        }
        candidate c{symbol, pos.id, {pos.id}};
        if (const auto l = lost_.find(symbol); l != lost_.end()) {
            c.entries.insert(l->second);  // adopted anew: it opened under the lost row's id
        }
        if (pos.stop && pos.stop->client_id) {
            c.entries.insert(pos.stop->client_id->position_id);  // its stop names the position that placed it
        }
        if (adopted_.contains(symbol)) {
            // Its id was reserved by this process for the adoption (never handed out before, see
            // position_repository's id reserve): no entry of ours can carry it.
            c.entries.erase(pos.id);
        }
        held.emplace(symbol, std::move(c));
    }
    // Each position's look-ups are its own (its client ids, its rows): a cold start's hundreds
    // overlap their round trips instead of adding them up.
    const std::function<asio::awaitable<void>(core::symbol)> journal_one = [&](core::symbol symbol) -> asio::awaitable<void> {
        const auto& c = held.at(symbol);
        for (const auto entry_of : c.entries) {
            co_await journal_entry(c.symbol, c.id, core::client_order_id{entry_of, core::order_purpose::entry, 0, paper});
        }
        co_await journal_stop(c.symbol, c.id);
    };
    std::vector<core::symbol> symbols;
    for (const auto& [symbol, _] : held) {
        symbols.push_back(symbol);
    }
    co_await for_each_concurrently(std::move(symbols), reconcile_concurrency, journal_one);
}

asio::awaitable<void> position_adopter::journal_entry(core::symbol symbol, std::int64_t position_id,
                                                core::client_order_id entry_id) {
    auto known = co_await backlog_.find_by_client_id(entry_id.str());
    if (!known || (*known && db::is_terminal((*known)->status))) {
        co_return;
    }
    auto state = co_await venue_.query_order(symbol, entry_id);
    if (!state || state->filled_quantity.is_zero()) {
        co_return;  // not on the venue (an adopted position's own id), or it opened nothing
    }
    if (*known) {
        // Its row is there, but the answer that filled it was not written during the outage.
        db::order_update u;
        u.status = journal_status(state->status);
        u.filled_quantity = state->filled_quantity;
        if (state->average_price.is_positive()) {
            u.average_price = state->average_price;
        }
        if (!state->venue_order_id.empty()) {
            u.venue_order_id = state->venue_order_id;
        }
        (void)co_await backlog_.update((*known)->id, std::move(u));
        co_return;
    }
    auto row = rejournal_row(symbol, position_id);
    row.purpose = core::order_purpose::entry;
    row.side = state->side;
    row.type = state->type;
    row.quantity = state->quantity.is_positive() ? state->quantity : state->filled_quantity;
    row.price = state->price;
    row.status = journal_status(state->status);
    row.client_order_id = entry_id.str();
    row.attempt = entry_id.attempt;
    if (!state->venue_order_id.empty()) {
        row.venue_order_id = state->venue_order_id;
    }
    row.filled_quantity = state->filled_quantity;
    if (state->average_price.is_positive()) {
        row.average_price = state->average_price;
    }
    auto saved = co_await backlog_.insert_known(std::move(row));
    logging::warn(log_, "entry order journaled from the venue", kv("position", position_id),
                  kv("client_id", entry_id.str()), kv("ok", saved.has_value()));
}

asio::awaitable<void> position_adopter::journal_stop(core::symbol symbol, std::int64_t position_id) {
    const auto* pos = book_.find(symbol, position_id);
    if (pos == nullptr || !pos->stop || !pos->stop->client_id) {
        co_return;
    }
    const auto stop = *pos->stop;
    const auto side = pos->side;
    const auto quantity = pos->quantity;
    auto known = co_await backlog_.find_by_client_id(stop.client_id->str());
    if (!known || *known) {
        co_return;
    }
    auto row = rejournal_row(symbol, position_id);
    row.purpose = stop.client_id->purpose;
    row.side = core::exit_side(side);
    row.type = stop.kind == exchange::stop_kind::trailing ? core::order_type::trailing_stop_market
                                                          : core::order_type::stop_market;
    row.quantity = quantity;
    row.stop_price = stop.trigger_price;
    row.reduce_only = true;
    row.status = db::order_status::new_;
    row.client_order_id = stop.client_id->str();
    row.attempt = stop.client_id->attempt;
    if (!stop.venue_id.empty()) {
        row.venue_order_id = stop.venue_id;
    }
    auto saved = co_await backlog_.insert_known(std::move(row));
    logging::warn(log_, "stop journaled from the venue", kv("position", position_id),
                  kv("client_id", stop.client_id->str()), kv("ok", saved.has_value()));
}

}  // namespace tradebot::trading
