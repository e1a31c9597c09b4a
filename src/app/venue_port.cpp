#include "app/venue_port.hpp"

#include <utility>

#include <boost/asio/co_spawn.hpp>

#include "tradebot/pipeline/book_view.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::app {

namespace asio = boost::asio;
using logging::kv;

namespace {

exchange::error not_enabled(core::exchange_id id) {
    exchange::error e;
    e.kind = exchange::error_kind::invalid_request;
    e.venue = id;
    e.message = "exchange not enabled";
    return e;
}

}  // namespace

venue_port::venue_port(strand_type strand, const config::settings& settings, const core::clock& clock,
                       db::position_repository& positions, db::trade_repository& trades)
    : strand_{std::move(strand)},
      settings_{settings},
      clock_{clock},
      positions_{positions},
      trades_{trades},
      cache_{clock, settings.trading.mark_cache_ms, settings.trading.account_cache_ms},
      marks_{strand_, cache_, clock, settings.trading.mark_cache_ms * 2 / 3} {}

void venue_port::add(core::exchange_id id, built_venue v) { venues_.insert_or_assign(id, v); }

void venue_port::follow_marks(events::router& router) {
    auto& marks = router.topic<events::mark_price>(events::topic_name::mark_price,
                                                   events::policy::coalesce_by_key{events::by_venue_symbol{}});
    cache_marks_ = marks.subscribe(strand_, [this](const events::mark_price& m) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(m.exchange_ts.time_since_epoch());
        cache_.put_mark(m.exchange, exchange::mark_price_state{m.symbol, m.price, ms.count()});
    });
    marks_.publish_to(&router.topic<events::rest_state>(events::topic_name::rest_state));
    quotes_.follow(router, strand_);
}

void venue_port::start() {
    if (started_ || stopped_ || settings_.trading.mark_cache_ms.count() <= 0) {
        return;
    }
    started_ = true;
    for (auto& [id, v] : venues_) {
        marks_.start(id, [client = v.client] { return client->mark_prices(exchange::request_priority::background); });
    }
}

void venue_port::stop() {
    stopped_ = true;
    marks_.stop();
    cache_marks_.reset();
    quotes_.stop();
}

asio::awaitable<db::result<core::decimal>> venue_port::realized_pnl_since(core::clock::time_point since) {
    // From the fills (trades), so the daily loss limit counts fees and survives a restart.
    co_return co_await trades_.realized_pnl_since(since, settings_.app.mode);
}

asio::awaitable<trading::open_result> venue_port::open(trading::entry_intent intent) {
    const auto it = venues_.find(intent.exchange);
    if (it == venues_.end()) {
        trading::open_result r;
        r.reason = "exchange not enabled: " + std::string{core::to_string(intent.exchange)};
        co_return r;
    }
    const auto venue = intent.exchange;
    // Counted off the cached free balance until the venue's own figure (read in the background)
    // replaces it: the next signal's risk check needs no round trip and does not see the margin
    // this entry took as free.
    const auto taken = trading::entry_cost(intent, settings_.trading.commission_percent);
    auto opened = co_await it->second.manager->open(std::move(intent));
    if (opened.kind == trading::open_result_kind::not_opened || opened.kind == trading::open_result_kind::not_filled) {
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

asio::awaitable<std::optional<core::decimal>> venue_port::max_notional(core::exchange_id id, core::symbol symbol,
                                                                      int leverage) {
    const auto it = venues_.find(id);
    if (it == venues_.end()) {
        co_return std::nullopt;
    }
    auto name = symbol.str();
    auto cap = co_await it->second.client->max_notional(std::move(symbol), leverage);
    if (!cap) {
        logging::warn(logging::get("trading"), "notional cap unknown: the venue decides",
                      kv("exchange", core::to_string(id)), kv("symbol", name), kv("error", cap.error().describe()));
        co_return std::nullopt;
    }
    co_return *cap;
}

asio::awaitable<exchange::result<exchange::mark_price_state>> venue_port::mark(core::exchange_id id,
                                                                                     core::symbol symbol) {
    const auto it = venues_.find(id);
    if (it == venues_.end()) {
        co_return not_enabled(id);
    }
    if (auto cached = cache_.mark(id, symbol)) {
        co_return *cached;
    }
    // Every symbol's mark in the one request a single mark would cost (the request ceiling counts
    // requests, not weight): the next signals find theirs cached, as after refresh_marks().
    if (auto all = co_await it->second.client->mark_prices(exchange::request_priority::normal)) {
        for (const auto& m : *all) {
            cache_.put_mark(id, m);
        }
        if (auto cached = cache_.mark(id, symbol)) {
            co_return *cached;
        }
    }
    auto read = co_await it->second.client->mark_price(std::move(symbol), exchange::request_priority::normal);
    if (read) {
        cache_.put_mark(id, *read);
    }
    co_return read;
}

asio::awaitable<exchange::result<exchange::market_stats_state>> venue_port::market_stats(
    core::exchange_id id, exchange::market_stats_request request) {
    const auto it = venues_.find(id);
    if (it == venues_.end()) {
        co_return not_enabled(id);
    }
    co_return co_await it->second.client->market_stats(std::move(request), exchange::request_priority::normal);
}

asio::awaitable<exchange::result<exchange::book_top_state>> venue_port::book_top(core::exchange_id id,
                                                                                core::symbol symbol,
                                                                                pipeline::quote_wait wait) {
    const auto it = venues_.find(id);
    if (it == venues_.end()) {
        co_return not_enabled(id);
    }
    auto* client = it->second.client;
    const quote_feed::rest_read read = [client, symbol]() {
        return client->book_top(symbol, exchange::request_priority::normal);
    };
    co_return co_await quotes_.quote(id, std::move(symbol), wait, read);
}

asio::awaitable<exchange::result<std::vector<exchange::balance_state>>> venue_port::balances(core::exchange_id id) {
    const auto it = venues_.find(id);
    if (it == venues_.end()) {
        co_return not_enabled(id);
    }
    if (const auto* cached = cache_.balances(id, positions_.pnl_generation())) {
        co_return *cached;
    }
    co_return co_await read_balances(id, *it->second.client);
}

asio::awaitable<exchange::result<std::vector<exchange::balance_state>>> venue_port::read_balances(core::exchange_id id,
                                                                                              exchange::venue_client& c) {
    const auto generation = positions_.pnl_generation();
    const auto debits = cache_.debits(id);
    auto read = co_await c.balances();
    if (read) {
        cache_.put_balances(id, *read, generation, debits);
    }
    co_return read;
}

void venue_port::refresh_balances_later(core::exchange_id id) {
    const auto it = venues_.find(id);
    if (stopped_ || it == venues_.end() || settings_.trading.account_cache_ms.count() <= 0) {
        return;
    }
    ++balance_reads_;
    auto* client = it->second.client;
    auto read = [this, id, client]() -> asio::awaitable<void> {
        auto r = co_await read_balances(id, *client);
        if (!r) {
            logging::warn(logging::get("trading"), "balances not refreshed after the entry",
                          kv("error", r.error().describe()));
        }
    };
    asio::co_spawn(strand_, std::move(read), [this](const std::exception_ptr&) { --balance_reads_; });
}

std::vector<trading::position_exposure> venue_port::exposures() const {
    std::vector<trading::position_exposure> out;
    for (const auto& [id, v] : venues_) {
        pipeline::append_exposures(id, *v.manager, settings_.trading.position_size_usd, out);
    }
    return out;
}

void venue_port::open_keys(signals::key_set& out) const {
    out.clear();
    for (const auto& [id, v] : venues_) {
        pipeline::append_open_keys(id, *v.manager, out);
    }
}

std::vector<core::exchange_id> venue_port::venues() const {
    std::vector<core::exchange_id> out;
    for (const auto& [id, v] : venues_) {
        out.push_back(id);
    }
    return out;
}

const exchange::instrument_rules* venue_port::rules(core::exchange_id id, const core::symbol& s) const {
    const auto it = venues_.find(id);
    return it == venues_.end() ? nullptr : it->second.manager->rules(s);
}

}  // namespace tradebot::app
