#include "tradebot/trading/position_manager.hpp"

#include <utility>
#include <variant>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "tradebot/db/event_log.hpp"
#include "tradebot/db/order_journal.hpp"
#include "tradebot/db/position_repository.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

namespace {

order_executor_options executor_options(const config::settings& s) {
    order_executor_options o;
    o.mode = s.app.mode;
    return o;
}

// How long a failed close waits before the next price may try again.
constexpr std::chrono::seconds close_retry_pause{30};

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

position_manager::position_manager(asio::any_io_executor strand, exchange::venue_client& venue,
                                   db::position_repository& positions, db::order_journal& journal,
                                   db::event_log& audit, events::router& router, trading_metrics& metrics,
                                   const config::settings& settings, const core::clock& clock)
    : strand_{std::move(strand)},
      venue_{venue},
      positions_{positions},
      journal_{journal},
      audit_{audit},
      metrics_{metrics},
      settings_{settings},
      clock_{clock},
      log_{logging::get("trading")},
      orders_{venue, journal, executor_options(settings), log_},
      stops_{venue, journal, protection::stop_policy{settings.protection.stop_loss}, settings.app.mode, log_},
      opener_{venue, positions, orders_, stops_, settings, clock, log_},
      aged_{settings.protection.aged, settings.trading.commission_percent},
      reconcile_timer_{strand_} {
    auto& marks = router.topic<events::mark_price>(events::topic_name::mark_price,
                                                   events::policy::coalesce_by_key{events::by_venue_symbol{}});
    marks_sub_ = marks.subscribe(strand_, [this](const events::mark_price& m) { on_mark(m); });
    orders_sub_ = router.topic<events::order_update>(events::topic_name::order_update)
                      .subscribe(strand_, [this](const events::order_update& u) { on_order(u); });
    positions_sub_ = router.topic<events::position_update>(events::topic_name::position_update)
                         .subscribe(strand_, [this](const events::position_update& u) { on_position(u); });
    streams_sub_ = router.topic<events::stream_state>(events::topic_name::stream_state)
                       .subscribe(strand_, [this](const events::stream_state& s) { on_stream(s); });
}

position_manager::~position_manager() {
    if (tasks_ > 0) {
        logging::critical(log_, "position manager destroyed with tasks running", kv("tasks", tasks_));
    }
}

core::exchange_id position_manager::venue() const noexcept { return venue_.venue(); }

const exchange::instrument_rules* position_manager::rules(const core::symbol& s) const {
    const auto it = rules_.find(s);
    return it == rules_.end() ? nullptr : &it->second;
}

std::optional<core::decimal> position_manager::last_mark(const core::symbol& s) const {
    const auto it = marks_.find(s);
    if (it == marks_.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::set<core::symbol> position_manager::watched_symbols() const {
    std::set<core::symbol> out;
    for (const auto& [s, _] : live_) {
        out.insert(s);
    }
    for (const auto& s : opening_) {
        out.insert(s);
    }
    return out;
}

void position_manager::spawn(asio::awaitable<void> task, const char* what) {
    ++tasks_;
    asio::co_spawn(strand_, std::move(task), [this, what](const std::exception_ptr& e) {
        --tasks_;
        const auto& log = log_;
        if (!e) {
            return;
        }
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            logging::critical(log, "trading task failed", kv("task", what), kv("error", ex.what()));
        }
    });
}

asio::awaitable<bool> position_manager::start() {
    auto instruments = co_await venue_.load_instruments();
    if (!instruments) {
        logging::error(log_, "cannot load instruments", kv("exchange", core::to_string(venue())),
                       kv("error", instruments.error().describe()));
        co_return false;
    }
    for (auto& r : *instruments) {
        auto symbol = r.symbol;
        rules_.insert_or_assign(symbol, std::move(r));
    }
    auto rows = co_await positions_.load_live(settings_.app.mode);
    if (!rows) {
        logging::error(log_, "cannot load live positions", kv("error", rows.error().describe()));
        co_return false;
    }
    for (auto& row : *rows) {
        if (row.exchange != venue()) {
            continue;
        }
        live_position pos;
        pos.id = row.id;
        pos.version = row.version;
        pos.state = row.state;
        pos.symbol = row.symbol;
        pos.side = row.side;
        pos.quantity = row.quantity;
        pos.entry_price = row.entry_price.value_or(core::decimal{});
        pos.opened_at = row.opened_at.value_or(clock_.now());
        if (row.stop_price) {
            exchange::stop_state s;
            s.symbol = row.symbol;
            s.position = row.side;
            s.trigger_price = row.stop_price;
            s.venue_id = row.stop_order_id.value_or("");
            if (row.stop_client_order_id) {
                s.client_id = core::client_order_id::parse(*row.stop_client_order_id);
            }
            pos.stop = s;
        }
        protection::trailing_snapshot snap;
        snap.trailing_activated = row.trailing_activated;
        snap.trailing_activated_at = row.trailing_activated_at;
        snap.trailing_peak_price = row.trailing_peak_price;
        snap.trailing_last_move_at = row.trailing_last_move_at;
        snap.stop_price = row.stop_price;
        if (pos.entry_price.is_positive()) {
            make_trailing(pos, snap);
        }
        if (row.trailing_activated && settings_.protection.trailing.venue_native) {
            // Handed over before the restart: the reconcile pass checks that the venue still has it.
            exchange::stop_state t;
            t.symbol = row.symbol;
            t.position = row.side;
            t.kind = exchange::stop_kind::trailing;
            t.callback_pct = settings_.protection.trailing.callback_percent;
            pos.venue_trailing = t;
        }
        track(std::move(pos));
    }
    logging::info(log_, "positions loaded", kv("exchange", core::to_string(venue())), kv("live", live_.size()),
                  kv("instruments", rules_.size()));
    co_await reconcile();
    // A position missing from one read may only be late (Bybit shows new positions after a lag):
    // a second read decides before the venue counts as reconciled (rule 6).
    bool again = false;
    for (const auto& [_, p] : live_) {
        again = again || p.absent_reads > 0;
    }
    if (again) {
        reconcile_timer_.expires_after(std::chrono::seconds{1});
        boost::system::error_code ec;
        co_await reconcile_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        co_await reconcile();
    }
    spawn(reconcile_loop(), "reconcile");
    co_return true;
}

void position_manager::stop() {
    stopped_ = true;
    marks_sub_.reset();
    orders_sub_.reset();
    positions_sub_.reset();
    streams_sub_.reset();
    reconcile_timer_.cancel();
    for (auto* pause : follow_up_pauses_) {
        pause->cancel();
    }
}

void position_manager::audit(std::string_view type, const live_position& pos, std::string message,
                             std::vector<std::pair<std::string, std::string>> data) {
    db::event_record e;
    e.ts = clock_.now();
    e.type = std::string{type};
    e.position_id = pos.id;
    e.symbol = pos.symbol.str();
    e.exchange = std::string{core::to_string(venue())};
    e.message = std::move(message);
    e.data = std::move(data);
    audit_.append(std::move(e));
}

void position_manager::track(live_position pos) {
    auto symbol = pos.symbol;
    live_.insert_or_assign(symbol, std::move(pos));
    metrics_.set_open_positions(venue(), static_cast<double>(live_.size()));
}

live_position position_manager::untrack(std::map<core::symbol, live_position>::iterator it) {
    auto pos = std::move(it->second);
    live_.erase(it);
    // An exit fill belongs to the position it ended; the next position of the symbol starts
    // without one (§11 #67: a stale fill became a later position's exit price).
    exit_fills_.erase(pos.symbol);
    metrics_.set_open_positions(venue(), static_cast<double>(live_.size()));
    return pos;
}

void position_manager::make_trailing(live_position& pos, std::optional<protection::trailing_snapshot> restored) {
    if (!settings_.protection.trailing.enabled) {
        return;
    }
    const auto* r = rules(pos.symbol);
    if (r == nullptr) {
        return;
    }
    protection::trailing_params p;
    p.side = pos.side;
    p.entry_price = pos.entry_price;
    p.activation_percent = settings_.protection.trailing.activation_percent;
    p.callback_percent = settings_.protection.trailing.callback_percent;
    if (pos.stop && pos.stop->trigger_price) {
        p.initial_stop = *pos.stop->trigger_price;
    }
    pos.trailing.emplace(p, settings_.protection.trailing, *r, std::move(restored));
}

stop_target position_manager::target_of(const live_position& pos) const {
    std::optional<core::decimal> last_stop;
    if (pos.stop) {
        last_stop = pos.stop->trigger_price;
    }
    return stop_target{pos.id, pos.symbol, pos.side, pos.quantity, pos.entry_price, last_stop, std::nullopt};
}

asio::awaitable<open_result> position_manager::open(entry_intent intent) {
    open_result r;
    if (busy_with(intent.symbol)) {
        r.kind = open_result_kind::already_live;
        r.reason = "already open or opening on " + std::string{core::to_string(venue())};
        co_return r;
    }
    const auto* rule = rules(intent.symbol);
    if (rule == nullptr || !rule->trading) {
        r.kind = open_result_kind::not_opened;
        r.reason = "symbol not tradable on " + std::string{core::to_string(venue())};
        co_return r;
    }
    opening_.insert(intent.symbol);
    auto rules_copy = *rule;
    r = co_await opener_.open(intent, std::move(rules_copy));
    opening_.erase(intent.symbol);
    metrics_.entry(venue(), to_string(r.kind));
    if (r.kind == open_result_kind::protected_ || r.kind == open_result_kind::needs_reconcile) {
        live_position pos;
        pos.id = r.position_id;
        pos.version = r.version;
        pos.state = r.kind == open_result_kind::protected_ ? db::position_state::protected_
                                                           : db::position_state::pending_entry;
        pos.symbol = intent.symbol;
        pos.side = intent.side;
        pos.quantity = r.quantity;
        pos.entry_price = r.entry_price;
        pos.opened_at = clock_.now();
        pos.stop = r.stop;
        if (pos.entry_price.is_positive()) {
            make_trailing(pos, std::nullopt);
        }
        audit(r.kind == open_result_kind::protected_ ? "position_opened" : "open_unresolved", pos, r.reason,
              {{"qty", r.quantity.to_string()},
               {"entry", r.entry_price.to_string()},
               {"stop", r.stop_price ? r.stop_price->to_string() : std::string{}}});
        track(std::move(pos));
        if (r.kind == open_result_kind::protected_ && r.stop && !r.stop->venue_id.empty()) {
            spawn(cancel_inherited_stops(intent.symbol, r.position_id), "inherited stops");
        }
        if (r.kind == open_result_kind::needs_reconcile) {
            // The venue may hold a live position without a stop: seconds matter, not the
            // periodic pass (trading.reconcile_interval_seconds, 120 s by default).
            spawn(follow_up(intent.symbol), "follow-up of an unresolved entry");
        }
    }
    co_return r;
}

asio::awaitable<void> position_manager::cancel_inherited_stops(core::symbol symbol, std::int64_t position_id) {
    auto stops = co_await venue_.open_stops(symbol);
    if (!stops) {
        co_return;  // the reconcile pass lists them again
    }
    for (const auto& st : *stops) {
        if (st.client_id && st.client_id->position_id != position_id && !st.venue_id.empty()) {
            logging::warn(log_, "stop of an earlier position found, cancelling", kv("symbol", symbol.str()),
                          kv("position", position_id), kv("stop_of", st.client_id->position_id));
            co_await stops_.cancel_duplicate(st);
        }
    }
}

asio::awaitable<void> position_manager::follow_up(core::symbol symbol) {
    asio::steady_timer pause{strand_};
    // stop() cancels it: a shutdown does not wait out the pauses.
    struct registered {
        std::set<asio::steady_timer*>& pauses;
        asio::steady_timer* pause;
        ~registered() { pauses.erase(pause); }
    };
    follow_up_pauses_.insert(&pause);
    const registered scope{follow_up_pauses_, &pause};
    for (auto delay = std::chrono::seconds{1}; delay <= std::chrono::seconds{8} && !stopped_; delay *= 2) {
        pause.expires_after(delay);
        boost::system::error_code ec;
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopped_) {
            co_return;
        }
        logging::info(log_, "reconciling an unresolved entry", kv("exchange", core::to_string(venue())),
                      kv("symbol", symbol.str()), kv("after_s", delay.count()));
        co_await reconcile();
        const auto it = live_.find(symbol);
        if (it == live_.end() || it->second.stop) {
            co_return;
        }
    }
}

void position_manager::on_mark(const events::mark_price& m) {
    if (m.exchange != venue() || stopped_) {
        return;
    }
    marks_.insert_or_assign(m.symbol, m.price);
    const auto it = live_.find(m.symbol);
    if (it == live_.end()) {
        return;
    }
    auto& pos = it->second;
    pos.last_mark = m.price;
    const auto now = clock_.now();
    if (pos.busy || pos.state != db::position_state::protected_ || (pos.retry_after && now < *pos.retry_after)) {
        return;
    }
    if (pos.trailing && !pos.venue_trailing) {
        const auto decision = pos.trailing->on_price(m.price, now);
        if (const auto* move = std::get_if<protection::move_stop>(&decision)) {
            pos.busy = true;
            if (settings_.protection.trailing.venue_native && !pos.venue_trailing_refused) {
                spawn(hand_over_trailing(pos.symbol, move->new_trigger), "trailing hand-over");
            } else {
                spawn(move_stop(pos.symbol, move->new_trigger), "trailing move");
            }
            return;
        }
        if (std::holds_alternative<protection::close_now>(decision)) {
            pos.busy = true;
            spawn(close_live(pos.symbol, core::order_purpose::trailing, "trailing_exit"), "trailing exit");
            return;
        }
        if (std::holds_alternative<protection::save_peak>(decision)) {
            spawn(save_trailing(pos.symbol), "trailing save");
        }
    }
    protection::aged_inputs in;
    in.side = pos.side;
    in.entry_price = pos.entry_price;
    in.opened_at = pos.opened_at;
    in.now = now;
    in.mark_price = m.price;
    in.trailing_active =
        pos.venue_trailing || (pos.trailing && pos.trailing->phase() != protection::trailing_phase::inactive);
    const auto aged = aged_.evaluate(in);
    if (const auto* close = std::get_if<protection::aged_close>(&aged)) {
        pos.busy = true;
        spawn(close_live(pos.symbol, core::order_purpose::aged_exit, std::string{protection::to_string(close->reason)}),
              "aged exit");
    }
}

void position_manager::on_order(const events::order_update& u) {
    if (u.exchange != venue() || stopped_) {
        return;
    }
    if (core::client_order_id::parse(u.client_order_id)) {
        spawn(journal_report(u), "journal report");
    }
    if (u.status != events::order_status::filled || !live_.contains(u.symbol)) {
        return;
    }
    const auto& pos = live_.at(u.symbol);
    // A fill on the exit side (the stop's market order, a liquidation, a manual close): the best
    // exit price the reconcile pass can record.
    if (u.side == core::exit_side(pos.side) && u.average_price.is_positive()) {
        exit_fills_.insert_or_assign(u.symbol, u.average_price);
    }
}

asio::awaitable<void> position_manager::journal_report(events::order_update u) {
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

asio::awaitable<void> position_manager::journal_ended_stops(std::int64_t position_id, db::order_status status,
                                                           std::string why) {
    auto ended = co_await journal_.end_open_stops(position_id, status, why);
    if (!ended) {
        logging::warn(log_, "ended stops not journaled", kv("position", position_id), kv("reason", why),
                      kv("error", ended.error().describe()));
    }
}

void position_manager::on_position(const events::position_update& u) {
    if (u.exchange != venue() || stopped_ || !u.quantity.is_zero() || confirming_) {
        return;
    }
    const auto it = live_.find(u.symbol);
    if (it == live_.end() || it->second.busy) {
        return;
    }
    it->second.reported_flat = true;
    confirming_ = true;
    spawn(confirm_gone(), "confirm close");
}

void position_manager::on_stream(const events::stream_state& s) {
    if (s.exchange != venue() || stopped_) {
        return;
    }
    if (s.status != events::stream_status::connected) {
        streams_down_.insert(s.stream);
        return;
    }
    if (streams_down_.erase(s.stream) == 0) {
        return;
    }
    // Events may have been missed while the stream was away (rule 7): the venue's REST state is
    // read again before the stream is trusted.
    logging::info(log_, "stream back, refilling state over REST", kv("exchange", core::to_string(venue())),
                  kv("stream", s.stream));
    spawn(reconcile(), "refill after stream gap");
}

asio::awaitable<void> position_manager::confirm_gone() {
    co_await reconcile();
    asio::steady_timer pause{strand_};
    pause.expires_after(std::chrono::seconds{1});
    boost::system::error_code ec;
    co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!stopped_) {
        co_await reconcile();
    }
    confirming_ = false;
}

asio::awaitable<void> position_manager::move_stop(core::symbol symbol, core::decimal trigger) {
    auto it = live_.find(symbol);
    if (it == live_.end()) {
        co_return;
    }
    if (!it->second.stop) {
        // No known stop to replace: the reconcile pass restores one first.
        it->second.trailing->reject_move();
        it->second.busy = false;
        co_return;
    }
    auto target = target_of(it->second);
    auto current = *it->second.stop;
    auto moved = co_await stops_.move(std::move(target), std::move(current), trigger);
    it = live_.find(symbol);
    if (it == live_.end()) {
        co_return;
    }
    auto& pos = it->second;
    pos.busy = false;
    metrics_.stop_move(venue(), static_cast<bool>(moved));
    if (!moved) {
        pos.trailing->reject_move();
        logging::warn(log_, "trailing move refused, the old stop stays", kv("position", pos.id),
                      kv("symbol", symbol.str()), kv("reason", moved.reason));
        co_return;
    }
    pos.trailing->confirm_move(trigger, clock_.now());
    pos.stop = moved.placed->stop;
    audit("stop_moved", pos, "trailing", {{"stop", trigger.to_string()}});
    logging::info(log_, "stop moved", kv("position", pos.id), kv("symbol", symbol.str()),
                  kv("stop", trigger.to_string()));
    co_await save_trailing(symbol);
}

asio::awaitable<bool> position_manager::place_venue_trailing(core::symbol symbol) {
    auto it = live_.find(symbol);
    if (it == live_.end()) {
        co_return false;
    }
    auto target = target_of(it->second);
    auto placed = co_await stops_.place_trailing(std::move(target), settings_.protection.trailing.callback_percent);
    it = live_.find(symbol);
    if (it == live_.end()) {
        co_return false;
    }
    auto& pos = it->second;
    if (!placed) {
        // The fixed stop still protects it; the bot trails from here on.
        pos.venue_trailing.reset();
        pos.venue_trailing_refused = true;
        logging::warn(log_, "venue trailing stop refused, trailing here", kv("position", pos.id),
                      kv("symbol", symbol.str()), kv("reason", placed.reason));
        co_return false;
    }
    pos.venue_trailing = placed.placed->stop;
    co_return true;
}

asio::awaitable<void> position_manager::hand_over_trailing(core::symbol symbol, core::decimal trigger) {
    const bool handed_over = co_await place_venue_trailing(symbol);
    if (!handed_over) {
        co_await move_stop(symbol, trigger);  // a position gone meanwhile is a no-op there
        co_return;
    }
    auto it = live_.find(symbol);
    if (it == live_.end()) {
        co_return;
    }
    auto& pos = it->second;
    pos.busy = false;
    if (pos.trailing) {
        pos.trailing->reject_move();  // the fixed stop stays where it is: the venue trails now
    }
    audit("trailing_handed_over", pos, "venue trailing stop",
          {{"callback_percent", settings_.protection.trailing.callback_percent.to_string()}});
    logging::info(log_, "trailing handed over to the venue", kv("position", pos.id), kv("symbol", symbol.str()),
                  kv("callback_percent", settings_.protection.trailing.callback_percent.to_string()));
    db::position_update u;
    u.trailing_activated = true;
    u.trailing_activated_at = clock_.now();
    u.trailing_peak_price = pos.last_mark;
    const auto id = pos.id;
    auto saved = co_await positions_.transition(id, pos.version, db::position_state::protected_, std::move(u));
    it = live_.find(symbol);
    if (saved && it != live_.end()) {
        it->second.version = *saved;
    } else if (!saved) {
        logging::warn(log_, "trailing hand-over not saved", kv("position", id), kv("error", saved.error().describe()));
    }
}

asio::awaitable<void> position_manager::save_trailing(core::symbol symbol) {
    auto it = live_.find(symbol);
    if (it == live_.end() || !it->second.trailing) {
        co_return;
    }
    const auto snap = it->second.trailing->snapshot();
    db::position_update u;
    u.trailing_activated = snap.trailing_activated;
    u.trailing_activated_at = snap.trailing_activated_at;
    u.trailing_peak_price = snap.trailing_peak_price;
    u.trailing_last_move_at = snap.trailing_last_move_at;
    u.stop_price = snap.stop_price;
    if (it->second.stop) {
        if (!it->second.stop->venue_id.empty()) {
            u.stop_order_id = it->second.stop->venue_id;
        }
        if (it->second.stop->client_id) {
            u.stop_client_order_id = it->second.stop->client_id->str();
        }
    }
    const auto id = it->second.id;
    const auto version = it->second.version;
    auto saved = co_await positions_.transition(id, version, db::position_state::protected_, std::move(u));
    it = live_.find(symbol);
    if (it == live_.end()) {
        co_return;
    }
    if (saved) {
        it->second.version = *saved;
    } else {
        logging::warn(log_, "trailing state not saved", kv("position", id), kv("error", saved.error().describe()));
    }
}

asio::awaitable<bool> position_manager::close(core::symbol symbol, std::string reason) {
    auto it = live_.find(symbol);
    if (it == live_.end() || it->second.busy) {
        co_return false;
    }
    it->second.busy = true;
    co_await close_live(symbol, core::order_purpose::manual_close, std::move(reason));
    co_return !live_.contains(symbol);
}

asio::awaitable<void> position_manager::close_live(core::symbol symbol, core::order_purpose purpose, std::string reason) {
    auto it = live_.find(symbol);
    if (it == live_.end()) {
        co_return;
    }
    {
        // 'closing' first: a restart then knows an exit may be on its way.
        db::position_update u;
        auto saved = co_await positions_.transition(it->second.id, it->second.version, db::position_state::closing,
                                                    std::move(u));
        it = live_.find(symbol);
        if (it == live_.end()) {
            co_return;
        }
        if (saved) {
            it->second.version = *saved;
            it->second.state = db::position_state::closing;
        }
    }
    market_order exit;
    exit.position_id = it->second.id;
    exit.purpose = purpose;
    exit.symbol = symbol;
    exit.side = core::exit_side(it->second.side);
    exit.quantity = it->second.quantity;
    exit.reduce_only = true;
    exit.priority = exchange::request_priority::critical;
    auto done = co_await orders_.market(std::move(exit));
    it = live_.find(symbol);
    if (it == live_.end()) {
        co_return;
    }
    if (done.kind == order_result_kind::filled) {
        auto pos = untrack(it);
        co_await stops_.cancel_all(symbol);
        co_await record_closed(std::move(pos), done.average_price, std::move(reason));
        co_return;
    }
    auto& pos = it->second;
    pos.busy = false;
    pos.retry_after = clock_.now() + close_retry_pause;
    logging::error(log_, "close did not fill", kv("position", pos.id), kv("symbol", symbol.str()),
                   kv("reason", reason), kv("result", to_string(done.kind)),
                   kv("error", done.error ? done.error->describe() : std::string{}));
    // A reduce-only refusal usually means the position is already flat: the reconcile pass
    // confirms with two reads before recording anything.
}

asio::awaitable<void> position_manager::record_closed(live_position pos, std::optional<core::decimal> exit_price,
                                                      std::string reason) {
    db::position_update u;
    u.closed_at = clock_.now();
    u.close_reason = reason;
    if (exit_price && exit_price->is_positive()) {
        u.exit_price = *exit_price;
        const auto diff = pos.side == core::position_side::long_ ? *exit_price - pos.entry_price
                                                                 : pos.entry_price - *exit_price;
        u.realized_pnl = diff * pos.quantity;
        metrics_.realized_pnl(venue(), std::stod(u.realized_pnl->to_string()));
    }
    std::vector<std::pair<std::string, std::string>> data{
        {"exit", u.exit_price ? u.exit_price->to_string() : std::string{}},
        {"pnl", u.realized_pnl ? u.realized_pnl->to_string() : std::string{}}};
    auto saved = co_await positions_.transition(pos.id, pos.version, db::position_state::closed, std::move(u));
    if (!saved) {
        logging::error(log_, "cannot record the close", kv("position", pos.id), kv("error", saved.error().describe()));
    }
    if (pos.stop && !pos.stop->client_id) {
        // A position stop ends with its position, and no report names it.
        co_await journal_ended_stops(pos.id, db::order_status::expired, "ended with the position");
    }
    metrics_.exit(venue(), reason);
    audit("position_closed", pos, reason, std::move(data));
    logging::info(log_, "position closed", kv("position", pos.id), kv("symbol", pos.symbol.str()),
                  kv("reason", reason), kv("exit", exit_price ? exit_price->to_string() : std::string{"unknown"}));
}

asio::awaitable<void> position_manager::reconcile_loop() {
    while (!stopped_) {
        reconcile_timer_.expires_after(settings_.trading.reconcile_interval_seconds);
        boost::system::error_code ec;
        co_await reconcile_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopped_) {
            co_return;
        }
        co_await reconcile();
    }
}

}  // namespace tradebot::trading
