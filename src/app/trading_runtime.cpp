#include "app/trading_runtime.hpp"

#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::app {

namespace asio = boost::asio;
using logging::kv;

namespace {
// How often the streamed symbol set is brought in line with the positions.
constexpr std::chrono::seconds symbols_refresh{2};
exchange::error not_enabled(core::exchange_id id) {
    exchange::error e;
    e.kind = exchange::error_kind::invalid_request;
    e.venue = id;
    e.message = "exchange not enabled";
    return e;
}

// How often audit events are written (one multi-row INSERT, off the trading path).
constexpr std::chrono::seconds audit_interval{1};
}  // namespace

struct trading_runtime::venue_parts {
    std::unique_ptr<venue_stack> stack;
    std::unique_ptr<exchange::paper::client> paper;  // test mode only
    std::unique_ptr<trading::position_manager> manager;
    events::subscription paper_feed;
    bool started = false;
    bool paper_restored = false;  // the paper venue got back the positions of the rows

    [[nodiscard]] exchange::venue_client& trading_client() {
        return paper ? static_cast<exchange::venue_client&>(*paper) : stack->client();
    }
};

trading_runtime::trading_runtime(asio::io_context& io, strand_type strand, const config::settings& settings,
                                 const core::clock& clock, db::database& database, prometheus::Registry& registry)
    : io_{io},
      strand_{std::move(strand)},
      settings_{settings},
      clock_{clock},
      registry_{registry},
      router_{registry},
      metrics_{registry},
      positions_{database},
      journal_{database},
      audit_{database},
      cache_{clock, settings.trading.mark_cache_ms, settings.trading.account_cache_ms},
      symbols_timer_{strand_},
      audit_timer_{strand_},
      marks_timer_{strand_} {}

trading_runtime::~trading_runtime() = default;

std::optional<std::string> trading_runtime::build() {
    const bool paper = settings_.app.mode == core::mode::test;
    for (const auto id : {core::exchange_id::binance, core::exchange_id::bybit}) {
        const auto& s = settings_.exchange(id);
        if (!s.enabled) {
            continue;
        }
        std::string error;
        auto v = std::make_unique<venue_parts>();
        v->stack = venue_stack::create(io_, clock_, router_, registry_, id, s, !paper, error);
        if (!v->stack) {
            return error;
        }
        if (paper) {
            exchange::paper::paper_options po;
            v->paper = std::make_unique<exchange::paper::client>(clock_, v->stack->client(), po, &router_);
            // The paper venue fills and triggers on the real stream's mark prices.
            auto& marks = router_.topic<events::mark_price>(events::topic_name::mark_price,
                                                            events::policy::coalesce_by_key{events::by_venue_symbol{}});
            auto* client = v->paper.get();
            v->paper_feed = marks.subscribe(strand_, [client](const events::mark_price& m) { client->on_mark_price(m); });
        }
        v->manager = std::make_unique<trading::position_manager>(strand_, v->trading_client(), positions_, journal_,
                                                                 audit_, router_, metrics_, settings_, clock_);
        venues_.emplace(id, std::move(v));
    }
    if (venues_.empty()) {
        return std::string{"no exchange is enabled (exchanges.binance.enabled / exchanges.bybit.enabled)"};
    }
    auto& marks = router_.topic<events::mark_price>(events::topic_name::mark_price,
                                                    events::policy::coalesce_by_key{events::by_venue_symbol{}});
    cache_marks_ = marks.subscribe(strand_, [this](const events::mark_price& m) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(m.exchange_ts.time_since_epoch());
        cache_.put_mark(m.exchange, exchange::mark_price_state{m.symbol, m.price, ms.count()});
    });
    return std::nullopt;
}

asio::awaitable<bool> trading_runtime::start() {
    // Before the reconciliation: positions it adopts, and the first entry, take ids from the block.
    positions_.reserve_ids_ahead();
    std::vector<venue_parts*> todo;
    for (auto& entry : venues_) {
        if (!entry.second->started) {
            todo.push_back(entry.second.get());
        }
    }
    bool all = true;
    if (!todo.empty()) {
        all = co_await start_venues(todo, 0, todo.size());
    }
    if (!all || following_) {
        co_return all;
    }
    following_ = true;
    asio::co_spawn(strand_, follow_symbols(), [this](const std::exception_ptr&) { following_ = false; });
    flushing_ = true;
    asio::co_spawn(strand_, flush_audit(), [this](const std::exception_ptr&) { flushing_ = false; });
    if (settings_.trading.mark_cache_ms.count() > 0) {
        refreshing_ = true;
        asio::co_spawn(strand_, refresh_marks(), [this](const std::exception_ptr&) { refreshing_ = false; });
    }
    co_return all;
}

asio::awaitable<bool> trading_runtime::start_venues(const std::vector<venue_parts*>& todo, std::size_t from,
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

asio::awaitable<bool> trading_runtime::start_venue(venue_parts& v) {
    if (v.paper && !v.paper_restored) {
        v.paper_restored = co_await restore_paper(v);
    }
    const bool ready = co_await v.manager->start();
    if (!ready) {
        co_return false;
    }
    v.started = true;
    // The symbol map is loaded now: the streams can map names.
    v.stack->set_symbols(v.manager->watched_symbols());
    v.stack->start();
    logging::info(logging::get("trading"), "venue ready", kv("exchange", core::to_string(v.manager->venue())),
                  kv("mode", core::to_string(settings_.app.mode)), kv("live", v.manager->live().size()));
    co_return true;
}

asio::awaitable<bool> trading_runtime::restore_paper(venue_parts& v) {
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

asio::awaitable<void> trading_runtime::follow_symbols() {
    while (!stopped_) {
        symbols_timer_.expires_after(symbols_refresh);
        boost::system::error_code ec;
        co_await symbols_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopped_) {
            co_return;
        }
        for (auto& [id, v] : venues_) {
            v->stack->set_symbols(v->manager->watched_symbols());
        }
    }
}

asio::awaitable<void> trading_runtime::flush_audit() {
    for (;;) {
        audit_timer_.expires_after(audit_interval);
        boost::system::error_code ec;
        co_await audit_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        auto written = co_await audit_.flush();
        if (!written) {
            logging::warn(logging::get("trading"), "audit events not written yet", kv("error", written.error().describe()),
                          kv("queued", audit_.queued()));
        }
        if (stopped_) {
            co_return;  // the flush above was the last one: nothing is lost at shutdown
        }
    }
}

asio::awaitable<void> trading_runtime::refresh_marks() {
    const auto every = settings_.trading.mark_cache_ms * 2 / 3;
    while (!stopped_) {
        for (auto& [id, v] : venues_) {
            auto all = co_await v->trading_client().mark_prices(exchange::request_priority::background);
            if (!all) {
                // The signal path then reads its marks one by one over REST: slower, not wrong.
                logging::warn(logging::get("trading"), "bulk mark read failed", kv("exchange", core::to_string(id)),
                              kv("error", all.error().describe()));
                continue;
            }
            for (const auto& m : *all) {
                cache_.put_mark(id, m);
            }
        }
        marks_timer_.expires_after(every);
        boost::system::error_code ec;
        co_await marks_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

void trading_runtime::stop() {
    stopped_ = true;
    symbols_timer_.cancel();
    audit_timer_.cancel();
    marks_timer_.cancel();
    cache_marks_.reset();
    for (auto& [id, v] : venues_) {
        v->paper_feed.reset();
        v->manager->stop();
        v->stack->stop();
    }
}

bool trading_runtime::idle() const {
    if (following_ || flushing_ || refreshing_ || balance_reads_ > 0) {
        return false;
    }
    for (const auto& [id, v] : venues_) {
        if (!v->manager->idle()) {
            return false;
        }
    }
    return true;
}

asio::awaitable<trading::open_result> trading_runtime::open(trading::entry_intent intent) {
    const auto it = venues_.find(intent.exchange);
    if (it == venues_.end()) {
        trading::open_result r;
        r.reason = "exchange not enabled: " + std::string{core::to_string(intent.exchange)};
        co_return r;
    }
    const auto venue = intent.exchange;
    // The margin and the fee the entry takes, counted off the cached free balance until the
    // venue's own figure (read in the background) replaces it: the next signal's risk check
    // needs no round trip and does not see the margin this entry took as free.
    const auto notional = exchange::instrument_rules::notional(intent.quantity, intent.reference_price);
    const auto taken = trading::initial_margin(intent) +
                       (notional * settings_.trading.commission_percent)
                           .divide(core::decimal::from_int(100), 10, core::rounding::ceiling);
    auto opened = co_await it->second->manager->open(std::move(intent));
    if (opened.kind == trading::open_result_kind::not_opened) {
        cache_.forget_balances(venue);  // failed somewhere on the way: read the truth
        refresh_balances_later(venue);
    } else if (opened.kind != trading::open_result_kind::already_live &&
               opened.kind != trading::open_result_kind::signal_taken) {
        cache_.debit_balance(venue, "USDT", taken);
        // Not after every entry: a balance read weighs 5 on Binance, and a burst of entries would
        // spend the weight budget the orders need. The debited figure holds until then.
        if (!cache_.balances_younger_than(venue, settings_.trading.account_cache_ms / 2)) {
            refresh_balances_later(venue);
        }
    }
    co_return opened;
}

asio::awaitable<exchange::result<exchange::mark_price_state>> trading_runtime::mark(core::exchange_id id,
                                                                                     core::symbol symbol) {
    const auto it = venues_.find(id);
    if (it == venues_.end()) {
        co_return not_enabled(id);
    }
    if (auto cached = cache_.mark(id, symbol)) {
        co_return *cached;
    }
    auto read = co_await it->second->trading_client().mark_price(std::move(symbol), exchange::request_priority::normal);
    if (read) {
        cache_.put_mark(id, *read);
    }
    co_return read;
}

asio::awaitable<exchange::result<exchange::market_stats_state>> trading_runtime::market_stats(
    core::exchange_id id, exchange::market_stats_request request) {
    const auto it = venues_.find(id);
    if (it == venues_.end()) {
        co_return not_enabled(id);
    }
    co_return co_await it->second->trading_client().market_stats(std::move(request), exchange::request_priority::normal);
}

asio::awaitable<exchange::result<std::vector<exchange::balance_state>>> trading_runtime::balances(core::exchange_id id) {
    const auto it = venues_.find(id);
    if (it == venues_.end()) {
        co_return not_enabled(id);
    }
    if (const auto* cached = cache_.balances(id, positions_.pnl_generation())) {
        co_return *cached;
    }
    co_return co_await read_balances(id, *it->second);
}

asio::awaitable<db::result<core::decimal>> trading_runtime::realized_pnl_since(core::clock::time_point since) {
    co_return co_await positions_.realized_pnl_since(since, settings_.app.mode);
}

asio::awaitable<exchange::result<std::vector<exchange::balance_state>>> trading_runtime::read_balances(core::exchange_id id,
                                                                                                   venue_parts& v) {
    const auto generation = positions_.pnl_generation();
    const auto debits = cache_.debits(id);
    auto read = co_await v.trading_client().balances();
    if (read) {
        cache_.put_balances(id, *read, generation, debits);
    }
    co_return read;
}

void trading_runtime::refresh_balances_later(core::exchange_id id) {
    const auto it = venues_.find(id);
    if (stopped_ || it == venues_.end() || settings_.trading.account_cache_ms.count() <= 0) {
        return;
    }
    ++balance_reads_;
    auto* v = it->second.get();
    auto read = [this, id, v]() -> asio::awaitable<void> {
        auto r = co_await read_balances(id, *v);
        if (!r) {
            logging::warn(logging::get("trading"), "balances not refreshed after the entry",
                          kv("error", r.error().describe()));
        }
    };
    asio::co_spawn(strand_, std::move(read), [this](const std::exception_ptr&) { --balance_reads_; });
}

std::vector<trading::position_exposure> trading_runtime::exposures() const {
    std::vector<trading::position_exposure> out;
    for (const auto& [id, v] : venues_) {
        for (const auto& [symbol, pos] : v->manager->live()) {
            out.push_back({id, symbol, pos.quantity * pos.entry_price});
        }
        for (const auto& symbol : v->manager->opening()) {
            out.push_back({id, symbol, settings_.trading.position_size_usd});
        }
    }
    return out;
}

void trading_runtime::open_keys(signals::key_set& out) const {
    out.clear();
    for (const auto& [id, v] : venues_) {
        for (const auto& [symbol, pos] : v->manager->live()) {
            out.insert(out.end(), {id, symbol});  // ascending: the hint makes it an append
        }
        for (const auto& symbol : v->manager->opening()) {
            out.insert({id, symbol});
        }
    }
}

std::vector<core::exchange_id> trading_runtime::venues() const {
    std::vector<core::exchange_id> out;
    for (const auto& [id, v] : venues_) {
        out.push_back(id);
    }
    return out;
}

const exchange::instrument_rules* trading_runtime::rules(core::exchange_id id, const core::symbol& s) const {
    const auto it = venues_.find(id);
    return it == venues_.end() ? nullptr : it->second->manager->rules(s);
}

}  // namespace tradebot::app
