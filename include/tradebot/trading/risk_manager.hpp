#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/exchange/instrument_rules.hpp"
#include "tradebot/trading/entry_intent.hpp"

namespace tradebot::trading {

enum class risk_reason : std::uint8_t {
    // check()
    kill_switch,                 // the kill-switch file exists (or cannot be checked)
    invalid_intent,              // quantity or price not positive, leverage < 1, numbers overflow
    already_open,                // a position or entry on (exchange, symbol) exists (rule 4)
    daily_loss_limit,            // today's realized PnL <= -daily_loss_limit_usd
    pnl_unknown,                 // today's realized PnL could not be read: fail closed
    leverage_too_high,           // intent leverage > trading.max_leverage
    above_max_notional,          // notional > the venue's cap at that leverage (Binance -2027, Bybit 110090)
    max_positions,               // positions (open + in flight) >= risk.max_positions
    max_positions_per_exchange,  // ... on the intent's exchange >= risk.max_positions_per_exchange
    max_exposure,                // sum of notionals + the new one > risk.max_exposure_usd
    balance_unknown,             // no free balance known for the exchange: fail closed
    insufficient_balance,        // free - margin < risk.min_free_balance_usd
    // size_quantity()
    bad_price,               // reference price not positive
    size_below_minimum,      // min(usd, max_position_size_usd) < trading.min_position_size_usd
    not_trading,             // the instrument is not trading
    below_exchange_minimum,  // the venue's smallest order costs more than size x (1 + tolerance)
    above_exchange_maximum,  // the venue's smallest order is above its maximum market quantity
};

[[nodiscard]] std::string_view to_string(risk_reason r) noexcept;

struct rejection {
    risk_reason reason = risk_reason::kill_switch;
    std::string message;
};

// Found by ADL from result<..., rejection>::value(); test has_value() instead.
[[noreturn]] void throw_exception_from_error(const rejection& r, const boost::source_location& loc);

// A live position or an entry in flight, as the risk checks see it.
struct position_exposure {
    core::exchange_id exchange = core::exchange_id::binance;
    core::symbol symbol;
    core::decimal notional_usd;  // quantity x entry (or reference) price, positive
};

// The state check() judges an intent against. Built by the caller at check time from the live
// position map (never from counters that can drift, original-bot.md §11 #58); the intent being
// checked is not in `positions` yet.
struct portfolio {
    std::vector<position_exposure> positions;
    // Realized PnL of the current UTC day, fees included; nullopt when it could not be read.
    std::optional<core::decimal> realized_pnl_today = core::decimal{};
    std::map<core::exchange_id, core::decimal> free_balance_usd;
    bool kill_switch = false;  // kill_switch_active(risk.kill_switch_file), run off the event loop
};

using check_result = boost::system::result<void, rejection>;

struct sized_quantity {
    core::decimal quantity;          // on the step grid, >= the venue minimum, <= the market max quantity
    core::decimal notional;          // quantity x price
    bool raised_to_minimum = false;  // the size was rounded up to the venue minimum (within tolerance)
};

using sizing_result = boost::system::result<sized_quantity, rejection>;

// What an entry takes from the free balance: notional / leverage, rounded up.
[[nodiscard]] core::decimal initial_margin(const entry_intent& intent);
// What an entry takes from the free balance once it is sent: its initial margin and its taker fee
// (`commission_percent` of the notional), rounded up; counted off a cached balance until the
// venue's own figure replaces it.
[[nodiscard]] core::decimal entry_cost(const entry_intent& intent, core::decimal commission_percent);

// The gate every entry passes (issue 6 "Risk"). Pure: the caller supplies the portfolio and the
// kill-switch state; nothing here does I/O or reads a clock.
class risk_manager {
public:
    risk_manager(config::risk_settings risk, config::trading_settings trading);
    explicit risk_manager(const config::settings& s) : risk_manager(s.risk, s.trading) {}

    // Checks in this order; the first failure is returned:
    // kill_switch, invalid_intent, already_open, pnl_unknown, daily_loss_limit, leverage_too_high,
    // above_max_notional (intent.max_notional when known and positive), max_positions, max_positions_per_exchange, max_exposure, balance_unknown,
    // insufficient_balance. Limits are inclusive where the original's were: a position count
    // must be below the max, exposure may reach the max exactly, a daily PnL of exactly -limit
    // blocks, free balance may be left at exactly the minimum. Margin = notional / leverage,
    // rounded up.
    [[nodiscard]] check_result check(const entry_intent& intent, const portfolio& p) const noexcept;

    // Quantity for a position of `usd` notional at `price` (original-bot.md §3.1, §3.2):
    // usd is capped at max_position_size_usd (the cap replaces, it does not reject) and must be
    // at least min_position_size_usd; the quantity is floored to the step grid and capped at the
    // market max quantity. Below the venue minimum (min_qty, min_notional) it is raised to that
    // minimum only if the minimum costs at most usd x (1 + size_tolerance_percent / 100);
    // otherwise below_exchange_minimum. Leverage does not change the quantity.
    [[nodiscard]] sizing_result size_quantity(
        core::decimal usd, core::decimal price, const exchange::instrument_rules& rules
    ) const noexcept;

    [[nodiscard]] const config::risk_settings& risk() const noexcept { return risk_; }
    [[nodiscard]] const config::trading_settings& trading() const noexcept { return trading_; }

private:
    [[nodiscard]] check_result check_limits(const entry_intent& intent, const portfolio& p) const;
    [[nodiscard]] sizing_result size(core::decimal usd, core::decimal price, const exchange::instrument_rules& rules)
        const;

    config::risk_settings risk_;
    config::trading_settings trading_;
};

// True while `path` exists. An empty path disables the switch (false). If the existence cannot
// be determined (permission denied, I/O error) the switch counts as on: blocking entries is the
// safe mistake. Touches the file system: call it off the event loop (e.g. on the DB thread or a
// timer on a worker) and pass the result in portfolio::kill_switch.
[[nodiscard]] bool kill_switch_active(const std::filesystem::path& path) noexcept;

}  // namespace tradebot::trading
