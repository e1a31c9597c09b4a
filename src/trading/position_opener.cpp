#include "tradebot/trading/position_opener.hpp"

#include <utility>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "tradebot/db/position_store.hpp"
#include "tradebot/logging/crash_point.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

std::string_view to_string(open_result_kind k) noexcept {
    switch (k) {
        case open_result_kind::protected_: return "protected";
        case open_result_kind::already_live: return "already_live";
        case open_result_kind::signal_taken: return "signal_taken";
        case open_result_kind::not_opened: return "not_opened";
        case open_result_kind::not_filled: return "not_filled";
        case open_result_kind::closed_unprotected: return "closed_unprotected";
        case open_result_kind::needs_reconcile: return "needs_reconcile";
    }
    return "unknown";
}

std::optional<core::decimal> ioc_entry_limit(core::side side, core::decimal reference, core::decimal slippage_percent,
                                             const exchange::instrument_rules& rules) {
    if (!reference.is_positive() || slippage_percent.is_negative()) {
        return std::nullopt;
    }
    // Ten digits are far below any tick; the grid rounding that follows decides the last one.
    const auto offset = (reference * slippage_percent).divide(core::decimal::from_int(100), 10, core::rounding::down);
    const auto bound = side == core::side::buy ? reference + offset : reference - offset;
    if (!bound.is_positive()) {
        return std::nullopt;
    }
    const auto price = rules.limit_price(side, bound);
    if (!price.is_positive()) {
        return std::nullopt;
    }
    return price;
}

position_opener::position_opener(exchange::venue_client& venue, db::position_store& positions,
                                 order_executor& orders, stop_loss_manager& stops, const config::settings& settings,
                                 const core::clock& clock, std::shared_ptr<spdlog::logger> log)
    : venue_{venue},
      positions_{positions},
      orders_{orders},
      stops_{stops},
      settings_{settings},
      clock_{clock},
      log_{std::move(log)} {}

exchange::margin_mode position_opener::wanted_margin() const {
    return settings_.exchange(venue_.venue()).margin_mode == config::margin_type::isolated
               ? exchange::margin_mode::isolated
               : exchange::margin_mode::cross;
}

bool position_opener::margin_ready(const core::symbol& symbol) const {
    return venue_.venue() == core::exchange_id::bybit ? account_margin_set_ : margin_set_.contains(symbol);
}

bool position_opener::leverage_ready(const core::symbol& symbol, int leverage) const {
    const auto known = leverage_set_.find(symbol);
    return !settings_.trading.auto_set_leverage || (known != leverage_set_.end() && known->second == leverage);
}

asio::awaitable<exchange::result<void>> position_opener::ensure_margin_mode(const core::symbol& symbol,
                                                                           exchange::request_priority priority) {
    if (margin_ready(symbol)) {
        co_return exchange::result<void>{};
    }
    auto set = co_await venue_.set_margin_mode(symbol, wanted_margin(), priority);
    if (set) {
        if (venue_.venue() == core::exchange_id::bybit) {
            account_margin_set_ = true;
        } else {
            margin_set_.insert(symbol);
        }
        logging::info(log_, "margin mode set", kv("symbol", symbol.str()),
                      kv("margin_mode", config::to_string(settings_.exchange(venue_.venue()).margin_mode)));
    }
    co_return set;
}

asio::awaitable<bool> position_opener::read_settings() {
    const auto venue = core::to_string(venue_.venue());
    if (auto limits = co_await venue_.preload_limits(exchange::request_priority::background); !limits) {
        // max_notional and set_leverage then read the brackets per symbol, as before.
        logging::warn(log_, "leverage limits not read ahead", kv("exchange", venue),
                      kv("error", limits.error().describe()));
    }
    auto current = co_await venue_.symbol_settings(exchange::request_priority::background);
    if (!current) {
        logging::info(log_, "symbol settings not readable in one request", kv("exchange", venue),
                      kv("error", current.error().describe()));
        co_return false;
    }
    const auto margin = wanted_margin();
    const int leverage = settings_.leverage_for(venue_.venue());
    int ready = 0;
    for (const auto& s : *current) {
        if (s.margin == margin && venue_.venue() != core::exchange_id::bybit) {
            margin_set_.insert(s.symbol);
        }
        if (s.leverage == leverage) {
            leverage_set_.insert_or_assign(s.symbol, leverage);
        }
        ready += s.margin == margin && s.leverage == leverage ? 1 : 0;
    }
    logging::info(log_, "symbol settings read", kv("exchange", venue),
                  kv("symbols", static_cast<std::int64_t>(current->size())), kv("already_set", ready));
    co_return true;
}

asio::awaitable<bool> position_opener::prepare_margin(core::symbol symbol) {
    auto margin = co_await ensure_margin_mode(symbol, exchange::request_priority::background);
    if (!margin) {
        // The first entry tries again, and is not made if the venue still refuses.
        logging::warn(log_, "margin mode not set ahead", kv("symbol", symbol.str()),
                      kv("error", margin.error().describe()));
    }
    co_return margin.has_value();
}

asio::awaitable<void> position_opener::prepare(core::symbol symbol) {
    const int leverage = settings_.leverage_for(venue_.venue());
    const bool margin = co_await prepare_margin(symbol);
    if (!margin || leverage_ready(symbol, leverage)) {
        co_return;
    }
    auto set = co_await venue_.set_leverage(symbol, leverage, exchange::request_priority::background);
    if (set) {
        leverage_set_.insert_or_assign(symbol, leverage);
    } else {
        logging::warn(log_, "leverage not set ahead", kv("symbol", symbol.str()), kv("leverage", leverage),
                      kv("error", set.error().describe()));
    }
}

asio::awaitable<open_result> position_opener::open(entry_intent intent, exchange::instrument_rules rules) {
    open_result r;
    // Before any row: an entry in the wrong margin mode (cross instead of isolated) would put the
    // whole wallet behind the position, so a refusal means no entry.
    if (auto margin = co_await ensure_margin_mode(intent.symbol, exchange::request_priority::normal); !margin) {
        r.kind = open_result_kind::not_opened;
        r.reason = "margin mode: " + margin.error().describe();
        logging::warn(log_, "entry skipped: margin mode not set", kv("symbol", intent.symbol.str()),
                      kv("error", margin.error().describe()));
        co_return r;
    }
    db::new_position row;
    row.exchange = intent.exchange;
    row.symbol = intent.symbol;
    row.side = intent.side;
    row.mode = settings_.app.mode;
    row.signal_id = intent.signal_id;
    row.signal_owner = intent.signal_owner;
    row.leverage = core::decimal::from_int(intent.leverage);
    market_order entry;
    entry.purpose = core::order_purpose::entry;
    entry.symbol = intent.symbol;
    entry.side = core::entry_side(intent.side);
    entry.quantity = intent.quantity;
    entry.priority = exchange::request_priority::normal;
    if (settings_.trading.entry_order_type == config::entry_order::limit_ioc) {
        entry.ioc_limit =
            ioc_entry_limit(entry.side, intent.reference_price, settings_.trading.entry_max_slippage_percent, rules);
        if (!entry.ioc_limit) {
            r.kind = open_result_kind::not_opened;
            r.reason = "limit_ioc entry without a usable reference price (" + intent.reference_price.to_string() + ")";
            co_return r;
        }
    }
    auto entry_row = orders_.journal_row(entry);

    // Usually set ahead (prepare(), at start); a symbol not prepared yet, or an intent with another
    // leverage, sets it here.
    const bool set_leverage = !leverage_ready(intent.symbol, intent.leverage);
    // The positions row and the entry's journal row are one statement. The leverage is a setting,
    // not an order: it needs no row first, so it is set while the rows are written (one round trip
    // less before the entry). Setting it for a signal that then finds the symbol already live is
    // harmless: it is the configured value.
    db::result<db::position_store::pending_entry> created;
    exchange::result<void> leverage;
    if (set_leverage) {
        using namespace asio::experimental::awaitable_operators;
        auto create = positions_.create_pending_with_entry(std::move(row), std::move(entry_row));
        auto set = venue_.set_leverage(intent.symbol, intent.leverage, exchange::request_priority::normal);
        auto both = co_await (std::move(create) && std::move(set));
        created = std::move(std::get<0>(both));
        leverage = std::move(std::get<1>(both));
        if (leverage) {
            leverage_set_.insert_or_assign(intent.symbol, intent.leverage);
        } else {
            leverage_set_.erase(intent.symbol);
        }
    } else {
        created = co_await positions_.create_pending_with_entry(std::move(row), std::move(entry_row));
    }
    if (!created) {
        r.kind = created.error().is(db::errc::already_live)   ? open_result_kind::already_live
                 : created.error().is(db::errc::signal_taken) ? open_result_kind::signal_taken
                                                              : open_result_kind::not_opened;
        r.reason = created.error().describe();
        co_return r;
    }
    r.position_id = created->position_id;
    std::int32_t version = 0;
    logging::crash_point(log_, "entry_row_created");
    if (!leverage) {
        auto why = "leverage: " + leverage.error().describe();
        co_await orders_.abandon(created->journal_id, why);
        co_return co_await fail(std::move(r), version, std::move(why));
    }

    entry.position_id = r.position_id;
    entry.journaled = db::order_store::journaled{created->journal_id, created->client_id};
    r.entry_sent = clock_.steady_now();
    const auto entry_limit = entry.ioc_limit;
    auto filled = co_await orders_.market(std::move(entry));
    if (filled.kind == order_result_kind::rejected && !filled.error && entry_limit) {
        // The IOC expired unfilled: no fill at or better than its limit. Nothing rests on the venue.
        auto why = "limit IOC entry filled nothing at " + entry_limit->to_string() + " (" +
                   std::string{core::to_string(intent.side)} + ", reference " + intent.reference_price.to_string() +
                   ", entry_max_slippage_percent " + settings_.trading.entry_max_slippage_percent.to_string() + ")";
        logging::warn(log_, "entry not filled", kv("position", r.position_id), kv("symbol", intent.symbol.str()),
                      kv("limit", entry_limit->to_string()), kv("reference", intent.reference_price.to_string()));
        r = co_await fail(std::move(r), version, std::move(why));
        r.kind = open_result_kind::not_filled;
        co_return r;
    }
    if (filled.kind == order_result_kind::rejected) {
        auto why = "entry rejected: " + (filled.error ? filled.error->describe() : std::string{"no fill"});
        // Binance -4140 "Invalid symbol status", Bybit 110074 "contract not live" (exchange-apis.md).
        r.symbol_unavailable = filled.error && (filled.error->venue_code == -4140 || filled.error->venue_code == 110074);
        co_return co_await fail(std::move(r), version, std::move(why));
    }
    if (filled.kind == order_result_kind::unresolved) {
        // The entry may or may not exist: the reconciler looks it up by its client id.
        r.kind = open_result_kind::needs_reconcile;
        r.version = version;
        r.reason = "entry outcome unknown";
        logging::error(log_, "entry outcome unknown", kv("position", r.position_id),
                       kv("client_id", filled.client_id.str()));
        co_return r;
    }
    r.quantity = filled.filled_quantity;
    r.entry_price = filled.average_price;
    if (filled.kind == order_result_kind::partial) {
        // The position is what filled; the close-position stop covers exactly that.
        logging::warn(log_, "entry partly filled", kv("position", r.position_id), kv("symbol", intent.symbol.str()),
                      kv("asked", intent.quantity.to_string()), kv("filled", r.quantity.to_string()),
                      kv("limit", entry_limit ? entry_limit->to_string() : std::string{"market"}));
    }
    {
        db::position_update u;
        u.quantity = r.quantity;
        u.entry_price = r.entry_price;
        u.opened_at = clock_.now();
        auto saved = co_await positions_.transition(r.position_id, version, db::position_state::entry_placed,
                                                    std::move(u));
        if (saved) {
            version = *saved;
        } else {
            logging::error(log_, "cannot record the fill", kv("position", r.position_id),
                           kv("error", saved.error().describe()));
        }
        logging::crash_point(log_, "fill_recorded");
    }

    stop_target target{r.position_id, intent.symbol, intent.side, r.quantity, r.entry_price, std::nullopt, std::nullopt};
    auto stop = co_await stops_.place_initial(target, rules);
    logging::crash_point(log_, "initial_stop_returned");
    if (!stop) {
        co_return co_await close_unprotected(std::move(r), intent, version, std::move(stop.reason));
    }
    db::position_update u;
    u.stop_price = stop.placed->trigger;
    if (!stop.placed->stop.venue_id.empty()) {
        u.stop_order_id = stop.placed->stop.venue_id;
    }
    if (stop.placed->stop.client_id) {
        u.stop_client_order_id = stop.placed->stop.client_id->str();
    }
    auto saved = co_await positions_.transition(r.position_id, version, db::position_state::protected_, std::move(u));
    if (!saved) {
        // The stop is live on the venue; the next reconcile pass records it.
        logging::error(log_, "cannot record the stop", kv("position", r.position_id),
                       kv("error", saved.error().describe()));
    }
    if (saved) {
        version = *saved;
    }
    r.kind = open_result_kind::protected_;
    r.version = version;
    r.stop_price = stop.placed->trigger;
    r.stop = stop.placed->stop;
    logging::info(log_, "position protected", kv("position", r.position_id), kv("symbol", intent.symbol.str()),
                  kv("side", core::to_string(intent.side)), kv("qty", r.quantity.to_string()),
                  kv("entry", r.entry_price.to_string()), kv("stop", r.stop_price->to_string()));
    co_return r;
}

asio::awaitable<open_result> position_opener::fail(open_result r, std::int32_t version, std::string why) {
    db::position_update u;
    u.closed_at = clock_.now();
    u.close_reason = why;
    auto saved = co_await positions_.transition(r.position_id, version, db::position_state::failed, std::move(u));
    if (!saved) {
        logging::error(log_, "cannot mark position failed", kv("position", r.position_id),
                       kv("error", saved.error().describe()));
    }
    r.kind = open_result_kind::not_opened;
    r.reason = std::move(why);
    co_return r;
}

asio::awaitable<open_result> position_opener::close_unprotected(open_result r, const entry_intent& intent,
                                                                std::int32_t version, std::string why) {
    logging::error(log_, "no stop could be placed, closing the position", kv("position", r.position_id),
                   kv("symbol", intent.symbol.str()), kv("reason", why));
    r.stop_failed = true;
    market_order close;
    close.position_id = r.position_id;
    close.purpose = core::order_purpose::exit;
    close.symbol = intent.symbol;
    close.side = core::exit_side(intent.side);
    close.quantity = r.quantity;
    close.reduce_only = true;
    close.priority = exchange::request_priority::critical;
    auto closed = co_await orders_.market(std::move(close));
    if (closed.kind != order_result_kind::filled) {
        // Still open and unprotected: the reconciler retries the stop or the close on its next pass.
        r.kind = open_result_kind::needs_reconcile;
        r.version = version;
        r.reason = "unprotected and the close did not fill: " + why;
        co_return r;
    }
    db::position_update u;
    u.exit_price = closed.average_price;
    u.closed_at = clock_.now();
    u.close_reason = "stop_failed: " + why;
    auto saved = co_await positions_.transition(r.position_id, version, db::position_state::closed, std::move(u));
    if (!saved) {
        logging::error(log_, "cannot record the close", kv("position", r.position_id),
                       kv("error", saved.error().describe()));
    }
    r.kind = open_result_kind::closed_unprotected;
    r.reason = "stop_failed: " + why;
    co_return r;
}

}  // namespace tradebot::trading
