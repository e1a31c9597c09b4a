#include "tradebot/trading/position_manager.hpp"

#include <utility>

#include "trading/fill_recorder.hpp"
#include "trading/journal_backlog.hpp"
#include "trading/mark_watch.hpp"
#include "trading/operator_desk.hpp"
#include "trading/order_report_handler.hpp"
#include "trading/position_closer.hpp"
#include "trading/position_recorder.hpp"
#include "trading/protection_driver.hpp"
#include "trading/reconciler.hpp"
#include "trading/stop_keeper.hpp"
#include "trading/task_group.hpp"
#include "trading/zombie_sweeper.hpp"
#include "tradebot/db/position_store.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/trading/order_executor.hpp"
#include "tradebot/trading/position_opener.hpp"
#include "tradebot/trading/stop_loss_manager.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

namespace {

order_executor_options executor_options(const config::settings& s) {
    order_executor_options o;
    o.mode = s.app.mode;
    return o;
}

// Where this process starts counting the attempts it makes without the journal: from the time,
// so that a restart during the same outage does not reuse the ids of the process before it.
std::uint16_t manager_first_offline_attempt(const core::clock& clock) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
    const auto span = 0xFFFF - db::order_store::first_offline_attempt;
    return static_cast<std::uint16_t>(db::order_store::first_offline_attempt + (seconds % span));
}

}  // namespace

// The components in construction order: each refers only to those before it.
struct position_manager::parts {
    parts(asio::any_io_executor strand, exchange::venue_client& venue, db::position_store& positions,
          db::order_store& journal, db::audit_sink& audit, db::trade_store& trades,
          events::topic<events::position_event>& lifecycle, trading_metrics& metrics, const config::settings& settings, const core::clock& clock)
        : venue_{venue},
          positions_{positions},
          metrics_{metrics},
          settings_{settings},
          clock_{clock},
          log_{logging::get("trading")},
          book_{venue.venue(), settings, metrics},
          tasks_{std::move(strand), clock, log_},
          watch_{book_, tasks_, metrics, settings, clock, log_},
          backlog_{journal, book_, manager_first_offline_attempt(clock), log_},
          recorder_{book_, positions, backlog_, audit, lifecycle, clock, log_},
          orders_{venue, backlog_, executor_options(settings), log_},
          stops_{venue, backlog_, protection::stop_policy{settings.protection.stop_loss}, settings.app.mode, log_},
          opener_{venue, positions, orders_, stops_, settings, clock, log_},
          closer_{book_, recorder_, orders_, stops_, clock, log_},
          driver_{book_, recorder_, closer_, stops_, tasks_, metrics, settings, clock, log_},
          reports_{book_, recorder_, tasks_},
          fills_{book_, trades, settings.app.mode, tasks_, log_},
          keeper_{venue, book_, recorder_, closer_, driver_, stops_, log_},
          sweeper_{venue, book_, log_},
          reconciler_{venue, book_, recorder_, keeper_, sweeper_, stops_, backlog_, fills_, tasks_, settings, clock, log_},
          desk_{venue, book_, closer_, stops_, reconciler_, tasks_, log_} {}

    exchange::venue_client& venue_;
    db::position_store& positions_;
    trading_metrics& metrics_;
    const config::settings& settings_;
    const core::clock& clock_;
    std::shared_ptr<spdlog::logger> log_;
    position_book book_;
    task_group tasks_;
    mark_watch watch_;
    journal_backlog backlog_;
    position_recorder recorder_;
    order_executor orders_;
    stop_loss_manager stops_;
    position_opener opener_;
    position_closer closer_;
    protection_driver driver_;
    order_report_handler reports_;
    fill_recorder fills_;
    stop_keeper keeper_;
    zombie_sweeper sweeper_;
    reconciler reconciler_;
    operator_desk desk_;
};

position_manager::position_manager(asio::any_io_executor strand, exchange::venue_client& venue,
                                   db::position_store& positions, db::order_store& journal,
                                   db::audit_sink& audit, db::trade_store& trades, events::router& router,
                                   trading_metrics& metrics, const config::settings& settings,
                                   const core::clock& clock)
    : parts_{std::make_unique<parts>(strand, venue, positions, journal, audit, trades,
                                     router.topic<events::position_event>(events::topic_name::position_event),
                                     metrics, settings, clock)} {
    auto& p = *parts_;
    // Each venue's events only (the router posts nothing of the other venue to this strand), and
    // none acted on after stop().
    const auto mine = [venue = venue.venue()](const auto& e) { return e.exchange == venue; };
    const auto follow = [&](auto& topic, auto act) {
        return topic.subscribe(
            strand,
            [this, act](const auto& e) {
                if (accepts()) {
                    act(e);
                }
            },
            mine);
    };
    marks_sub_ = follow(router.topic<events::mark_price>(events::topic_name::mark_price,
                                                         events::policy::coalesce_by_key{events::by_venue_symbol{}}),
                        [&p](const events::mark_price& m) {
                            p.book_.set_mark(m.symbol, m.price);
                            p.watch_.on_mark(m.symbol);
                            p.driver_.on_mark(m.symbol, m.price);
                        });
    orders_sub_ = follow(router.topic<events::order_update>(events::topic_name::order_update),
                         [&p](const events::order_update& u) {
                             p.reports_.on_order(u);
                             p.fills_.on_order(u);
                         });
    fills_sub_ = follow(router.topic<events::order_update>(events::topic_name::fill),
                        [&p](const events::order_update& u) { p.fills_.on_order(u); });
    positions_sub_ = follow(router.topic<events::position_update>(events::topic_name::position_update),
                            [&p](const events::position_update& u) { p.reconciler_.on_position(u); });
    streams_sub_ = follow(router.topic<events::stream_state>(events::topic_name::stream_state),
                          [&p](const events::stream_state& s) { p.reconciler_.on_stream(s); });
}

position_manager::~position_manager() = default;

void position_manager::on_stale_marks(std::function<void(std::set<core::symbol>)> resubscribe) {
    parts_->watch_.set_resubscriber(std::move(resubscribe));
}

bool position_manager::accepts() const noexcept { return !parts_->tasks_.stopped(); }

core::exchange_id position_manager::venue() const noexcept { return parts_->book_.venue(); }

const position_book& position_manager::book() const noexcept { return parts_->book_; }

bool position_manager::idle() const noexcept { return parts_->tasks_.idle() && parts_->desk_.idle(); }

asio::awaitable<bool> position_manager::start() {
    // Named results, not `if (!co_await ...)`: GCC 12 (ARCHITECTURE.md §8).
    const bool loaded = co_await load();
    if (!loaded) {
        co_return false;
    }
    co_await parts_->reconciler_.start_up();
    parts_->tasks_.spawn(parts_->reconciler_.run_periodic(), "reconcile");
    parts_->tasks_.spawn(parts_->watch_.run(), "mark freshness");
    parts_->tasks_.spawn(prepare_symbols(), "symbol settings");
    co_return true;
}

asio::awaitable<void> position_manager::prepare_symbols() {
    auto& p = *parts_;
    // After the start-up pass, so that its reads and the stops it places go first; one request at
    // a time at background priority, so that entries and the periodic reads pass it.
    const bool read = co_await p.opener_.read_settings();
    std::vector<core::symbol> symbols;
    if (read) {
        symbols = p.book_.tradable_symbols();  // only those the read found unset cost a request
    } else {
        // No bulk read (Bybit): the account-wide margin mode now, the leverage of the configured
        // symbols (signals.filters.whitelist); other symbols' leverage is set at their first entry.
        symbols.assign(p.settings_.signals.filters.whitelist.begin(), p.settings_.signals.filters.whitelist.end());
        if (venue() == core::exchange_id::bybit && symbols.empty() && !p.book_.tradable_symbols().empty()) {
            co_await p.opener_.prepare_margin(p.book_.tradable_symbols().front());
        }
    }
    const int leverage = p.settings_.leverage_for(venue());
    int set = 0;
    for (const auto& s : symbols) {
        if (p.tasks_.stopped()) {
            co_return;
        }
        const auto* rule = p.book_.rules(s);
        // A symbol with a position (or an entry in flight) keeps what it has: a margin mode cannot
        // change under a position, and its entry set what it needed.
        if (rule == nullptr || !rule->trading || p.book_.busy_with(s) ||
            (p.opener_.margin_ready(s) && p.opener_.leverage_ready(s, leverage))) {
            continue;
        }
        co_await p.opener_.prepare(s);
        ++set;
    }
    logging::info(p.log_, "symbol settings prepared", kv("exchange", core::to_string(venue())), kv("symbols", set));
}

asio::awaitable<bool> position_manager::prepare() {
    const bool loaded = co_await load();
    co_return loaded;
}

asio::awaitable<bool> position_manager::load() {
    auto& p = *parts_;
    auto instruments = co_await p.venue_.load_instruments();
    if (!instruments) {
        logging::error(p.log_, "cannot load instruments", kv("exchange", core::to_string(venue())),
                       kv("error", instruments.error().describe()));
        co_return false;
    }
    p.book_.set_rules(std::move(*instruments));
    auto rows = co_await p.positions_.load_live(p.settings_.app.mode);
    if (!rows) {
        logging::error(p.log_, "cannot load live positions", kv("error", rows.error().describe()));
        co_return false;
    }
    for (const auto& row : *rows) {
        if (row.exchange == venue()) {
            p.book_.track(p.book_.from_row(row, p.clock_.now()));
        }
    }
    p.book_.clear_database_outage();  // the book is the rows now
    logging::info(p.log_, "positions loaded", kv("exchange", core::to_string(venue())), kv("live", p.book_.live().size()),
                  kv("instruments", p.book_.instruments()));
    co_return true;
}

void position_manager::stop() {
    parts_->tasks_.stop();
    marks_sub_.reset();
    orders_sub_.reset();
    positions_sub_.reset();
    streams_sub_.reset();
}

asio::awaitable<open_result> position_manager::open(entry_intent intent) {
    auto& p = *parts_;
    open_result r;
    if (p.book_.busy_with(intent.symbol)) {
        r.kind = open_result_kind::already_live;
        r.reason = "already open or opening on " + std::string{core::to_string(venue())};
        co_return r;
    }
    const auto* rule = p.book_.rules(intent.symbol);
    if (rule == nullptr || !rule->trading) {
        r.kind = open_result_kind::not_opened;
        r.reason = "symbol not tradable on " + std::string{core::to_string(venue())};
        co_return r;
    }
    p.book_.begin_opening(intent.symbol);
    auto rules_copy = *rule;
    r = co_await p.opener_.open(intent, std::move(rules_copy));
    p.book_.end_opening(intent.symbol);
    p.metrics_.entry(venue(), to_string(r.kind));
    if (r.symbol_unavailable) {
        pause_symbol(intent.symbol);
    }
    opened(intent, r);
    co_return r;
}

void position_manager::pause_symbol(const core::symbol& symbol) {
    auto& p = *parts_;
    const auto pause = p.settings_.trading.halted_symbol_pause_seconds;
    if (pause.count() <= 0 || !p.book_.set_trading(symbol, false)) {
        return;
    }
    // Until then its signals are skipped as not tradable before anything is written or sent,
    // instead of each one failing on the venue (§11 #50).
    logging::warn(p.log_, "symbol paused: the venue says it does not trade", kv("exchange", core::to_string(venue())),
                  kv("symbol", symbol.str()), kv("seconds", pause.count()));
    p.tasks_.spawn(resume_symbol(symbol, pause), "resume a paused symbol");
}

asio::awaitable<void> position_manager::resume_symbol(core::symbol symbol, std::chrono::seconds after) {
    auto& p = *parts_;
    const bool awake = co_await p.tasks_.pause(after);
    if (awake && p.book_.set_trading(symbol, true)) {
        logging::info(p.log_, "symbol resumed", kv("exchange", core::to_string(venue())), kv("symbol", symbol.str()));
    }
}

void position_manager::opened(const entry_intent& intent, const open_result& r) {
    auto& p = *parts_;
    live_position pos;
    pos.id = r.position_id;
    pos.symbol = intent.symbol;
    if (r.stop_failed) {
        auto failed = p.recorder_.event(events::position_event_kind::stop_failed, pos,
                                        r.kind == open_result_kind::closed_unprotected
                                            ? "entry filled, no stop could be placed, closed at market: " + r.reason
                                            : r.reason);
        failed.quantity = r.quantity;
        failed.entry_price = r.entry_price;
        p.recorder_.record(std::move(failed));
    }
    const bool is_protected = r.kind == open_result_kind::protected_;
    if (!is_protected && r.kind != open_result_kind::needs_reconcile) {
        return;
    }
    pos.version = r.version;
    pos.state = is_protected ? db::position_state::protected_ : db::position_state::pending_entry;
    pos.symbol = intent.symbol;
    pos.side = intent.side;
    pos.quantity = r.quantity;
    pos.entry_price = r.entry_price;
    pos.opened_at = p.clock_.now();
    pos.stop = r.stop;
    if (pos.entry_price.is_positive()) {
        p.book_.make_trailing(pos, std::nullopt);
    }
    auto event = p.recorder_.event(
        is_protected ? events::position_event_kind::opened : events::position_event_kind::open_unresolved, pos,
        r.reason);
    event.quantity = r.quantity;
    event.entry_price = r.entry_price;
    event.stop_price = r.stop_price;
    p.recorder_.record(std::move(event));
    p.book_.track(std::move(pos));
    if (is_protected && r.stop && !r.stop->venue_id.empty()) {
        p.tasks_.spawn(p.keeper_.cancel_inherited(intent.symbol, r.position_id), "inherited stops");
    }
    if (!is_protected) {
        // The venue may hold a live position without a stop: seconds matter, not the periodic
        // pass (trading.reconcile_interval_seconds, 120 s by default).
        p.tasks_.spawn(p.reconciler_.follow_up(intent.symbol), "follow-up of an unresolved entry");
    }
}

asio::awaitable<bool> position_manager::close(core::symbol symbol, std::string reason) {
    const bool closed = co_await parts_->closer_.close(std::move(symbol), std::move(reason));
    co_return closed;
}

void position_manager::database_outage() { parts_->book_.note_database_outage(); }

void position_manager::database_back() {
    auto& p = *parts_;
    if (!accepts() || (!p.book_.database_outage() && p.backlog_.waiting() == 0 && p.fills_.waiting() == 0)) {
        return;
    }
    logging::info(p.log_, "database back after an outage, reloading and reconciling",
                  kv("exchange", core::to_string(venue())), kv("orders_waiting", p.backlog_.waiting()));
    p.tasks_.spawn(p.reconciler_.recover(), "recovery after a database outage");
}

asio::awaitable<void> position_manager::reconcile() { co_await parts_->reconciler_.reconcile(); }

asio::awaitable<close_report> position_manager::operator_close(core::symbol symbol) {
    auto report = co_await parts_->desk_.close(std::move(symbol));
    co_return report;
}

asio::awaitable<std::vector<protect_report>> position_manager::operator_protect() {
    auto report = co_await parts_->desk_.protect();
    co_return report;
}

asio::awaitable<stray_report> position_manager::operator_zombies(bool clean) {
    auto report = co_await parts_->desk_.zombies(clean);
    co_return report;
}

asio::awaitable<stray_report> position_manager::operator_duplicates(bool cancel) {
    auto report = co_await parts_->desk_.duplicates(cancel);
    co_return report;
}

asio::awaitable<bool> position_manager::pause(std::chrono::steady_clock::duration d) {
    const bool awake = co_await parts_->tasks_.pause(d);
    co_return awake;
}

}  // namespace tradebot::trading
