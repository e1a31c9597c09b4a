#include "tradebot/sim/engine/exchange.hpp"

#include <map>
#include <utility>

#include "sim/engine/account_book.hpp"
#include "sim/engine/conditional_book.hpp"
#include "sim/engine/engine_context.hpp"
#include "sim/engine/liquidator.hpp"
#include "sim/engine/margin_model.hpp"
#include "sim/engine/market_table.hpp"
#include "sim/engine/order_book.hpp"
#include "sim/engine/order_validator.hpp"
#include "sim/engine/trading_stops.hpp"

namespace tradebot::sim::engine {

// Declared in dependency order: each part refers only to the ones above it.
struct exchange::parts {
    parts(const core::clock& clock, exchange_config config)
        : ctx{clock, std::move(config)},
          accounts{ctx, markets},
          orders{ctx, markets, accounts},
          margins{markets, accounts, orders},
          conditionals{ctx, markets, accounts, orders, margins},
          validator{ctx, markets, accounts, orders, conditionals, margins},
          stops{ctx, markets, accounts, orders},
          liquidations{ctx, markets, accounts, orders, conditionals} {
        orders.set_position_closed_hook([this](account& acc, const core::symbol& s) { position_closed(acc, s); });
    }

    // What hung on a position that a fill left flat goes with it.
    void position_closed(account& acc, const core::symbol& s) {
        acc.clear_trading_stop(s);
        orders.cancel_reduce_only_leftovers(acc, s);
        conditionals.expire_close_position(acc, s);
    }

    engine_context ctx;
    market_table markets;
    account_book accounts;
    order_book orders;
    margin_model margins;
    conditional_book conditionals;
    order_validator validator;
    trading_stops stops;
    liquidator liquidations;
};

exchange::exchange(const core::clock& clock, exchange_config config)
    : parts_{std::make_unique<parts>(clock, std::move(config))} {}

exchange::~exchange() = default;
exchange::exchange(exchange&&) noexcept = default;
exchange& exchange::operator=(exchange&&) noexcept = default;

void exchange::add_instrument(instrument spec) { parts_->markets.add(std::move(spec), parts_->ctx.now()); }

void exchange::add_account(const account_config& config) { parts_->accounts.add(config); }

const instrument* exchange::find_instrument(const core::symbol& s) const {
    const auto* st = parts_->markets.find(s);
    return st ? &st->spec : nullptr;
}

const instrument* exchange::find_instrument_by_venue_name(std::string_view venue_symbol) const {
    return parts_->markets.find_by_venue_name(venue_symbol);
}

const account* exchange::find_account(const account_id& id) const { return parts_->accounts.find(id); }

void exchange::set_wallet_balance(const account_id& id, core::decimal amount) {
    parts_->accounts.set_wallet_balance(id, amount);
}

void exchange::set_prices(const core::symbol& s, const market_prices& p) { (void)parts_->markets.set_prices(s, p); }

bool exchange::apply_prices(const core::symbol& s, const market_prices& p, const std::vector<order_id>* resting,
                            const std::vector<order_id>* conditionals) {
    auto& x = *parts_;
    if (!x.markets.set_prices(s, p)) {
        return false;
    }
    if (resting != nullptr) {
        x.orders.match_resting(s, *resting);
    } else {
        x.orders.match_resting(s, x.orders.resting_ids(s));
    }
    if (conditionals != nullptr) {
        x.conditionals.run(s, *conditionals);
    } else {
        x.conditionals.run(s, x.conditionals.open_ids(s));
    }
    x.stops.run(s);
    return true;
}

void exchange::on_price(const core::symbol& s, const market_prices& p) {
    if (apply_prices(s, p)) {
        parts_->liquidations.run();
    }
}

void exchange::on_prices(const std::vector<std::pair<core::symbol, market_prices>>& moved) {
    // The open limit orders and conditionals of every symbol from one pass over each book: a
    // tick of many symbols looks them up here instead of scanning the books once per symbol.
    // Price events do not create limit orders or conditionals, so the index stays complete; the
    // ones a fill closes are skipped where they are used (is_open()).
    std::map<core::symbol, std::vector<order_id>> resting;
    std::map<core::symbol, std::vector<order_id>> conditionals;
    for (const auto& [id, o] : parts_->orders.all()) {
        if (o.is_open() && o.type == core::order_type::limit) {
            resting[o.symbol].push_back(id);
        }
    }
    for (const auto& [id, c] : parts_->conditionals.all()) {
        if (c.is_open()) {
            conditionals[c.request.symbol].push_back(id);
        }
    }
    static const std::vector<order_id> none;
    for (const auto& [s, p] : moved) {
        const auto r = resting.find(s);
        const auto c = conditionals.find(s);
        (void)apply_prices(s, p, r != resting.end() ? &r->second : &none,
                           c != conditionals.end() ? &c->second : &none);
    }
    parts_->liquidations.run();
}

const market_prices* exchange::prices(const core::symbol& s) const { return parts_->markets.prices(s); }

void exchange::set_funding_rate(const core::symbol& s, core::decimal rate) {
    parts_->markets.set_funding_rate(s, rate);
}

core::decimal exchange::funding_rate(const core::symbol& s) const { return parts_->markets.funding_rate(s); }

std::optional<time_point> exchange::next_funding(const core::symbol& s) const {
    return parts_->markets.next_funding(s);
}

void exchange::advance_to(time_point t) {
    while (symbol_state* due = parts_->markets.next_due(t)) {
        const time_point at = due->next_funding;
        parts_->accounts.settle_funding(*due, at);
        due->next_funding = at + std::chrono::duration_cast<time_point::duration>(due->spec.funding_interval);
        parts_->liquidations.run();
    }
}

result<int> exchange::set_leverage(const account_id& a, const core::symbol& s, int leverage) {
    return parts_->accounts.set_leverage(a, s, leverage);
}

result<margin_mode> exchange::set_margin_mode(const account_id& a, const core::symbol& s, margin_mode m) {
    return parts_->accounts.set_margin_mode(
        a, s, m, [&] { return !open_orders(a, s).empty() || !open_conditionals(a, s).empty(); });
}

result<position_mode> exchange::set_position_mode(const account_id& a, position_mode m) {
    return parts_->accounts.set_position_mode(
        a, m, [&] { return !open_orders(a).empty() || !open_conditionals(a).empty(); });
}

std::optional<rejection> exchange::validate_order(const account_id& a, const order_request& r) const {
    return parts_->validator.validate_order(a, r);
}

result<order> exchange::place_order(const account_id& a, const order_request& r) {
    if (auto e = validate_order(a, r)) {
        return *e;
    }
    const order& placed = parts_->orders.place(a, r);
    parts_->liquidations.run();
    return placed;
}

void exchange::fill_next_market_partially(core::decimal fraction) { parts_->orders.fill_next_market_partially(fraction); }

std::optional<rejection> exchange::restore_position(const account_id& a, const core::symbol& s, core::side entry_side,
                                                    core::decimal qty, core::decimal entry_price) {
    return parts_->accounts.restore_position(a, s, entry_side, qty, entry_price);
}

result<order> exchange::cancel_order(const account_id& a, const core::symbol& s, const order_ref& ref) {
    if (find_account(a) == nullptr) {
        return reject(reject_reason::unknown_account);
    }
    return parts_->orders.cancel(a, s, ref);
}

result<order> exchange::amend_order(const account_id& a, const core::symbol& s, const order_ref& ref,
                                    core::decimal qty, core::decimal price) {
    if (find_account(a) == nullptr) {
        return reject(reject_reason::unknown_account);
    }
    const order* found = parts_->orders.find(a, s, ref);
    if (found == nullptr || !found->is_open() || found->type != core::order_type::limit) {
        return reject(reject_reason::unknown_order);
    }
    if (auto e = parts_->validator.validate_amend(*found, qty, price)) {
        return *e;
    }
    order& amended = parts_->orders.amend(*parts_->orders.find_open(found->id), qty, price);
    parts_->liquidations.run();
    return amended;
}

std::vector<order> exchange::cancel_all_orders(const account_id& a, const core::symbol& s) {
    return parts_->orders.cancel_all(a, s);
}

std::optional<rejection> exchange::validate_conditional(const account_id& a, const conditional_request& r) const {
    return parts_->validator.validate_conditional(a, r);
}

result<conditional_order> exchange::place_conditional(const account_id& a, const conditional_request& r) {
    if (auto e = validate_conditional(a, r)) {
        return *e;
    }
    return parts_->conditionals.place(a, r);
}

result<conditional_order> exchange::cancel_conditional(const account_id& a, const core::symbol& s,
                                                       const order_ref& ref) {
    if (find_account(a) == nullptr) {
        return reject(reject_reason::unknown_account);
    }
    return parts_->conditionals.cancel(a, s, ref);
}

std::vector<conditional_order> exchange::cancel_all_conditionals(const account_id& a, const core::symbol& s) {
    return parts_->conditionals.cancel_all(a, s);
}

result<trading_stop> exchange::set_trading_stop(const account_id& a, const trading_stop_request& r) {
    return parts_->stops.set(a, r);
}

const order* exchange::find_order(const account_id& a, const core::symbol& s, const order_ref& ref) const {
    return parts_->orders.find(a, s, ref);
}

std::vector<order> exchange::open_orders(const account_id& a, std::optional<core::symbol> s) const {
    return parts_->orders.open_orders(a, std::move(s));
}

const conditional_order* exchange::find_conditional(const account_id& a, const order_ref& ref) const {
    return parts_->conditionals.find(a, ref);
}

std::vector<conditional_order> exchange::open_conditionals(const account_id& a, std::optional<core::symbol> s) const {
    return parts_->conditionals.open_conditionals(a, std::move(s));
}

std::optional<position_view> exchange::position(const account_id& a, const core::symbol& s) const {
    return parts_->margins.position(a, s);
}

std::optional<account_view> exchange::account_state(const account_id& a) const {
    return parts_->margins.account_state(a);
}

std::optional<core::decimal> exchange::margin_balance(const account_id& a) const {
    return parts_->margins.margin_balance(a);
}

void exchange::held_symbols(const account_id& a, std::vector<core::symbol>& out) const {
    out.clear();
    if (const auto* acc = parts_->accounts.find(a)) {
        for (const auto& [sym, p] : acc->positions()) {
            if (!p.is_flat()) {
                out.push_back(sym);
            }
        }
    }
}

exchange_snapshot exchange::snapshot() const {
    const auto& x = *parts_;
    exchange_snapshot snap;
    snap.time = x.ctx.now();
    for (const auto& [sym, st] : x.markets.all()) {
        snap.symbols.push_back(symbol_view{st.spec, st.prices.value_or(market_prices{}), st.funding_rate, st.next_funding});
    }
    for (const auto& [id, acc] : x.accounts.all()) {
        if (auto v = account_state(id)) {
            snap.accounts.push_back(std::move(*v));
        }
    }
    for (const auto& [id, o] : x.orders.all()) {
        if (o.is_open()) {
            snap.open_orders.push_back(o);
        }
    }
    for (const auto& [id, c] : x.conditionals.all()) {
        if (c.is_open()) {
            snap.open_conditionals.push_back(c);
        }
    }
    return snap;
}

core::decimal exchange::open_interest(const core::symbol& s) const { return parts_->accounts.open_interest(s); }

std::vector<event> exchange::drain_events() { return parts_->ctx.drain_events(); }

const std::vector<event>& exchange::pending_events() const noexcept { return parts_->ctx.pending_events(); }

const exchange_config& exchange::config() const noexcept { return parts_->ctx.config(); }

}  // namespace tradebot::sim::engine
