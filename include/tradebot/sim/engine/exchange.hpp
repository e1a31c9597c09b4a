#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tradebot/core/clock.hpp"
#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/sim/engine/account.hpp"
#include "tradebot/sim/engine/conditional_order.hpp"
#include "tradebot/sim/engine/events.hpp"
#include "tradebot/sim/engine/exchange_config.hpp"
#include "tradebot/sim/engine/instrument.hpp"
#include "tradebot/sim/engine/market_prices.hpp"
#include "tradebot/sim/engine/order.hpp"
#include "tradebot/sim/engine/reject_reason.hpp"
#include "tradebot/sim/engine/snapshot.hpp"
#include "tradebot/sim/engine/trading_stop.hpp"

namespace tradebot::sim::engine {

// The exchange model shared by tradebot-sim, paper trading and the backtest. No I/O, no
// wall clock: every timestamp comes from the injected clock, every id from the seed, so the
// same seed and the same calls give the same event log.
//
// Fill model (documented simplification): the book is one level per side. A market order
// fills completely in one execution at bid/ask +- slippage whatever its size (the level's
// size is not consumed), and so does a limit order that crosses on arrival (taker, at the best
// price). A resting limit fills at its own price as maker once the opposite best price reaches
// it, up to the size shown at that level on each price update (resting orders share it in time
// priority; zero size = unlimited), so a large order fills partially over several updates.
// Resting orders match against bid/ask only, never against the last price. Reduce-only orders are truncated to the position size at fill time (both
// Binance and Bybit shrink them rather than reject), and rejected when the position is flat
// or on the same side. Every mutating call queues events; take them with drain_events().
//
// A facade: the work is done by parts with one job each (src/sim/engine: market_table,
// account_book, order_book, margin_model, conditional_book, order_validator, trading_stops,
// liquidator); this class wires them and runs a price tick through them in order.
class exchange {
public:
    exchange(const core::clock& clock, exchange_config config);
    ~exchange();
    exchange(exchange&&) noexcept;
    exchange& operator=(exchange&&) noexcept;
    exchange(const exchange&) = delete;
    exchange& operator=(const exchange&) = delete;

    // --- set-up -------------------------------------------------------------------------
    void add_instrument(instrument spec);
    void add_account(const account_config& config);
    [[nodiscard]] const instrument* find_instrument(const core::symbol& s) const;
    [[nodiscard]] const instrument* find_instrument_by_venue_name(std::string_view venue_symbol) const;
    [[nodiscard]] const account* find_account(const account_id& id) const;
    void set_wallet_balance(const account_id& id, core::decimal amount);

    // --- market ---------------------------------------------------------------------------
    // Stores the prices without running triggers (initial state, control API).
    void set_prices(const core::symbol& s, const market_prices& prices);
    // Stores the prices, then fills crossing limit orders, fires conditionals, trailing stops
    // and position TP/SL, and liquidates accounts below maintenance margin.
    void on_price(const core::symbol& s, const market_prices& prices);
    // Several symbols' new prices as one instant: each symbol's fills and triggers, then one
    // liquidation pass (a pass per symbol would be O(symbols x positions) per tick).
    void on_prices(const std::vector<std::pair<core::symbol, market_prices>>& moved);
    [[nodiscard]] const market_prices* prices(const core::symbol& s) const;
    void set_funding_rate(const core::symbol& s, core::decimal rate);
    [[nodiscard]] core::decimal funding_rate(const core::symbol& s) const;
    [[nodiscard]] std::optional<time_point> next_funding(const core::symbol& s) const;
    // Settles every funding time <= t (each at its own timestamp).
    void advance_to(time_point t);

    // --- account configuration ----------------------------------------------------------
    result<int> set_leverage(const account_id& a, const core::symbol& s, int leverage);
    result<margin_mode> set_margin_mode(const account_id& a, const core::symbol& s, margin_mode m);
    result<position_mode> set_position_mode(const account_id& a, position_mode m);

    // --- orders -------------------------------------------------------------------------
    [[nodiscard]] std::optional<rejection> validate_order(const account_id& a, const order_request& r) const;
    result<order> place_order(const account_id& a, const order_request& r);
    // The next market order, or limit IOC that crosses the book, fills only this fraction of its
    // quantity (floored to the step) and the rest expires: a thin book or the venue's price protection (Binance EXPIRED with an
    // executedQty, Bybit Cancelled with a cumExecQty). A test fault; zero or one clears it.
    void fill_next_market_partially(core::decimal fraction);
    // Puts back a position that existed before a restart (paper trading: the engine lives in
    // memory, the positions in the database): no order, no fee, no event. Needs the instrument.
    std::optional<rejection> restore_position(const account_id& a, const core::symbol& s, core::side entry_side, core::decimal qty,
                                  core::decimal entry_price);
    result<order> cancel_order(const account_id& a, const core::symbol& s, const order_ref& ref);
    std::vector<order> cancel_all_orders(const account_id& a, const core::symbol& s);
    // Binance's modify (PUT /fapi/v1/order) of an open limit order to a new total quantity and
    // price. The order keeps its id, client id and side; when the filters or the margin refuse the
    // change it stays as it was. A partially filled order whose new quantity is not above its filled
    // part, and a post-only order that would now take, are cancelled instead; a new price that
    // crosses takes at once. [simplification] It keeps its place in the time priority of resting
    // orders (the venue requeues it), which only matters when resting orders share a thin level.
    result<order> amend_order(const account_id& a, const core::symbol& s, const order_ref& ref, core::decimal qty,
                              core::decimal price);

    [[nodiscard]] std::optional<rejection> validate_conditional(const account_id& a,
                                                                const conditional_request& r) const;
    result<conditional_order> place_conditional(const account_id& a, const conditional_request& r);
    result<conditional_order> cancel_conditional(const account_id& a, const core::symbol& s, const order_ref& ref);
    std::vector<conditional_order> cancel_all_conditionals(const account_id& a, const core::symbol& s);

    result<trading_stop> set_trading_stop(const account_id& a, const trading_stop_request& r);

    // --- queries ------------------------------------------------------------------------
    [[nodiscard]] const order* find_order(const account_id& a, const core::symbol& s, const order_ref& ref) const;
    [[nodiscard]] std::vector<order> open_orders(const account_id& a, std::optional<core::symbol> s = {}) const;
    [[nodiscard]] const conditional_order* find_conditional(const account_id& a, const order_ref& ref) const;
    [[nodiscard]] std::vector<conditional_order> open_conditionals(const account_id& a,
                                                                   std::optional<core::symbol> s = {}) const;
    [[nodiscard]] std::optional<position_view> position(const account_id& a, const core::symbol& s) const;
    [[nodiscard]] std::optional<account_view> account_state(const account_id& a) const;
    // Cheap parts of account_state for a caller that asks every minute (the backtest): the margin
    // balance (wallet + unrealized), and the symbols of the account's non-flat positions.
    [[nodiscard]] std::optional<core::decimal> margin_balance(const account_id& a) const;
    void held_symbols(const account_id& a, std::vector<core::symbol>& out) const;
    [[nodiscard]] exchange_snapshot snapshot() const;
    // Open interest in contracts: the long side of every simulated account. [U] a model only: the
    // venue's figure also counts everyone else.
    [[nodiscard]] core::decimal open_interest(const core::symbol& s) const;

    std::vector<event> drain_events();
    [[nodiscard]] const std::vector<event>& pending_events() const noexcept;
    [[nodiscard]] const exchange_config& config() const noexcept;

private:
    struct parts;
    // The symbol's new prices, then its fills and triggers; false for an unknown symbol.
    // `resting` and `conditionals`: the symbol's open ones when the caller has them at hand.
    bool apply_prices(const core::symbol& s, const market_prices& p, const std::vector<order_id>* resting = nullptr,
                      const std::vector<order_id>* conditionals = nullptr);

    // On the heap so that the parts' references to each other survive a move of the facade.
    std::unique_ptr<parts> parts_;
};

}  // namespace tradebot::sim::engine
