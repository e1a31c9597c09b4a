#include "tradebot/exchange/paper/client.hpp"

#include <algorithm>
#include <utility>
#include <variant>

#include "exchange/paper/convert.hpp"
#include "exchange/paper/event_publisher.hpp"

namespace tradebot::exchange::paper {

namespace engine = sim::engine;

namespace {

core::exchange_id emulation_of(const paper_options& o, core::exchange_id market) {
    const core::exchange_id e = o.emulate.value_or(market);
    return e == core::exchange_id::bybit ? core::exchange_id::bybit : core::exchange_id::binance;
}

engine::exchange_config engine_config(const paper_options& o, core::exchange_id emulated) {
    engine::exchange_config c;
    c.venue = emulated == core::exchange_id::bybit ? engine::venue::bybit : engine::venue::binance;
    c.seed = o.seed;
    c.slippage_bps = o.slippage_bps;
    c.settlement_asset = o.asset;
    return c;
}

}  // namespace

client::client(const core::clock& clock, venue_client& market_data, paper_options options, events::router* router)
    : clock_{clock},
      market_data_{market_data},
      options_{std::move(options)},
      venue_id_{market_data.venue()},
      emulate_{emulation_of(options_, venue_id_)},
      engine_{clock, engine_config(options_, emulate_)},
      market_{engine_, clock_, venue_id_, options_.book_max_age, [this] { publish_events(); }},
      stops_{engine_, account_, clock_, venue_id_, emulate_, [this] { publish_events(); }} {
    engine::account_config account;
    account.id = account_;
    account.initial_balance = options_.starting_balance;
    account.maker_fee_rate = options_.maker_fee_rate;
    account.taker_fee_rate = options_.taker_fee_rate;
    account.default_leverage = options_.default_leverage;
    engine_.add_account(account);
    if (router != nullptr) {
        orders_topic_ = &router->topic<events::order_update>(events::topic_name::order_update);
        positions_topic_ = &router->topic<events::position_update>(events::topic_name::position_update);
        balances_topic_ = &router->topic<events::balance_update>(events::topic_name::balance_update);
    }
}

// ---- prices -----------------------------------------------------------------------------------

void client::on_mark_price(const events::mark_price& mark) { market_.on_mark_price(mark); }

void client::on_book_ticker(const core::symbol& symbol, core::decimal bid, core::decimal ask,
                            events::time_point exchange_ts) {
    market_.on_book_ticker(symbol, bid, ask, exchange_ts);
}

void client::set_funding_rate(const core::symbol& symbol, core::decimal rate) { engine_.set_funding_rate(symbol, rate); }

void client::publish_events() {
    const auto log = engine_.drain_events();
    if (funding_observer_) {
        for (const auto& e : log) {
            if (const auto* f = std::get_if<engine::funding_event>(&e); f != nullptr && f->account == account_) {
                funding_observer_(*f);
            }
        }
    }
    const event_sinks sinks{venue_id_, orders_topic_, positions_topic_, balances_topic_};
    publish(log, engine_, account_, sinks);
}

// ---- errors -----------------------------------------------------------------------------------

error client::fail(error_kind kind, std::string message) const {
    return paper_error(venue_id_, kind, std::move(message));
}

error client::rejected(const engine::rejection& r) const { return to_error(r, venue_id_, emulate_); }

std::optional<error> client::missing_price(const core::symbol& symbol) const {
    if (engine_.find_instrument(symbol) == nullptr) {
        return fail(error_kind::invalid_request, "unknown symbol " + symbol.str() + " (load_instruments first)");
    }
    if (engine_.prices(symbol) == nullptr) {
        return fail(error_kind::retryable, "no mark price for " + symbol.str() + " yet; nothing was placed");
    }
    return std::nullopt;
}

boost::asio::awaitable<std::optional<error>> client::ensure_price(core::symbol symbol) {
    if (engine_.find_instrument(symbol) != nullptr && engine_.prices(symbol) == nullptr) {
        auto read = co_await mark_price(symbol, request_priority::critical);  // feeds the engine
        (void)read;  // a failed read leaves the price missing: missing_price() says so
    }
    co_return missing_price(symbol);
}

// ---- reference data ---------------------------------------------------------------------------

venue_client::task<std::vector<instrument_rules>> client::load_instruments() {
    auto loaded = co_await market_data_.load_instruments();
    if (!loaded) {
        co_return loaded.error();
    }
    for (const auto& rules : *loaded) {
        if (!rules.trading) {
            continue;  // orders for it fail as unknown symbol (invalid_request), as on the venue
        }
        // add_instrument resets the symbol's market: keep the prices across a rules refresh.
        const auto* before = engine_.prices(rules.symbol);
        const std::optional<engine::market_prices> kept =
            before != nullptr ? std::optional{*before} : std::nullopt;
        auto spec = to_engine(rules);
        spec.funding_interval = options_.funding_interval;
        engine_.add_instrument(std::move(spec));
        if (kept) {
            engine_.set_prices(rules.symbol, *kept);
        }
    }
    for (const auto& r : std::exchange(to_restore_, {})) {
        if (auto refused = engine_.restore_position(account_, r.symbol, core::entry_side(r.side), r.quantity,
                                                    r.entry_price)) {
            // A symbol no longer tradable: the reconcile pass sees the row without a position.
            to_restore_.push_back(r);
        }
    }
    co_return loaded;
}

void client::restore_position(core::symbol symbol, core::position_side side, core::decimal quantity,
                              core::decimal entry_price) {
    to_restore_.push_back({std::move(symbol), side, quantity, entry_price});
}

venue_client::task<std::int64_t> client::server_time() { co_return co_await market_data_.server_time(); }

venue_client::task<mark_price_state> client::mark_price(core::symbol symbol, request_priority priority) {
    auto m = co_await market_data_.mark_price(symbol, priority);
    if (m) {
        market_.on_rest_mark(*m);
    }
    co_return m;
}

venue_client::task<std::vector<mark_price_state>> client::mark_prices(request_priority priority) {
    auto all = co_await market_data_.mark_prices(priority);
    if (all) {
        // As mark_price(): the paper engine fills and triggers on the marks the bot reads.
        for (const auto& m : *all) {
            market_.on_rest_mark(m);
        }
    }
    co_return all;
}

venue_client::task<std::vector<book_top_state>> client::book_tops(request_priority priority) {
    auto tops = co_await market_data_.book_tops(priority);
    if (tops) {
        // As book_top(): the quotes the spread check sees are the books the paper fills meet.
        for (const auto& top : *tops) {
            if (const auto ts = core::time_from_ms(top.time_ms)) {
                on_book_ticker(top.symbol, top.bid, top.ask, *ts);
            }
        }
    }
    co_return tops;
}

venue_client::task<book_top_state> client::book_top(core::symbol symbol, request_priority priority) {
    auto top = co_await market_data_.book_top(symbol, priority);
    if (top) {
        // The quote the spread check saw is the book a limit entry right after it meets.
        if (const auto ts = core::time_from_ms(top->time_ms)) {
            on_book_ticker(top->symbol, top->bid, top->ask, *ts);
        }
    }
    co_return top;
}

venue_client::task<market_stats_state> client::market_stats(market_stats_request request,
                                                           request_priority priority) {
    co_return co_await market_data_.market_stats(std::move(request), priority);
}

// ---- account state ----------------------------------------------------------------------------

venue_client::task<std::vector<balance_state>> client::balances() {
    const auto view = engine_.account_state(account_);
    if (!view) {
        co_return fail(error_kind::auth, "paper account missing");
    }
    std::vector<balance_state> out;
    out.push_back(balance_state{view->asset, view->wallet_balance, view->available_balance, view->unrealized_pnl});
    co_return out;
}

venue_client::task<std::vector<position_state>> client::positions(request_priority /*priority*/) {
    const auto view = engine_.account_state(account_);
    if (!view) {
        co_return fail(error_kind::auth, "paper account missing");
    }
    std::vector<position_state> out;
    for (const auto& p : view->positions) {
        out.push_back(to_position_state(p, clock_.now_ms()));
    }
    co_return out;
}

venue_client::task<std::vector<order_state>> client::open_orders(std::optional<core::symbol> symbol) {
    std::vector<order_state> out;
    for (const auto& o : engine_.open_orders(account_, symbol)) {
        out.push_back(to_order_state(o));
    }
    co_return out;
}

// ---- settings ---------------------------------------------------------------------------------

result<void> client::setting(const std::optional<engine::rejection>& r) const {
    if (!r || kind_of(r->reason) == error_kind::no_change) {
        return {};
    }
    return rejected(*r);
}

venue_client::task<void> client::set_leverage(core::symbol symbol, int leverage, request_priority /*priority*/) {
    const auto r = engine_.set_leverage(account_, symbol, leverage);
    co_return setting(r ? std::nullopt : std::optional{r.error()});
}

venue_client::task<void> client::set_margin_mode(core::symbol symbol, margin_mode mode, request_priority /*priority*/) {
    const auto r = engine_.set_margin_mode(account_, symbol, to_engine(mode));
    co_return setting(r ? std::nullopt : std::optional{r.error()});
}

venue_client::task<void> client::set_one_way_mode() {
    const auto r = engine_.set_position_mode(account_, engine::position_mode::one_way);
    co_return setting(r ? std::nullopt : std::optional{r.error()});
}

}  // namespace tradebot::exchange::paper
