#include "tradebot/trading/risk_manager.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <system_error>

#include <boost/throw_exception.hpp>

namespace tradebot::trading {
namespace {

using core::decimal;

// Digits kept for margin and tolerance results: as instrument_rules keeps for notionals.
constexpr int money_scale = 10;

rejection reject(risk_reason r, std::string message) {
    return rejection{r, std::move(message)};
}

std::string name(core::exchange_id venue, const core::symbol& sym) {
    return std::string{core::to_string(venue)} + " " + sym.str();
}

decimal with_tolerance(decimal budget, decimal percent) {
    const decimal extra = budget * percent;
    return budget +
           extra.divide(decimal::from_int(100), std::min(decimal::max_scale, extra.scale() + 2), core::rounding::down);
}

}  // namespace

decimal initial_margin(const entry_intent& intent) {
    const decimal notional = exchange::instrument_rules::notional(intent.quantity, intent.reference_price);
    return notional.divide(decimal::from_int(std::max(1, intent.leverage)), money_scale, core::rounding::ceiling);
}

decimal entry_cost(const entry_intent& intent, decimal commission_percent) {
    const decimal notional = exchange::instrument_rules::notional(intent.quantity, intent.reference_price);
    return initial_margin(intent) + (notional * commission_percent).divide(decimal::from_int(100), 10, core::rounding::ceiling);
}

std::string_view to_string(risk_reason r) noexcept {
    switch (r) {
    case risk_reason::kill_switch:
        return "kill_switch";
    case risk_reason::invalid_intent:
        return "invalid_intent";
    case risk_reason::already_open:
        return "already_open";
    case risk_reason::daily_loss_limit:
        return "daily_loss_limit";
    case risk_reason::pnl_unknown:
        return "pnl_unknown";
    case risk_reason::leverage_too_high:
        return "leverage_too_high";
    case risk_reason::above_max_notional:
        return "above_max_notional";
    case risk_reason::max_positions:
        return "max_positions";
    case risk_reason::max_positions_per_exchange:
        return "max_positions_per_exchange";
    case risk_reason::max_exposure:
        return "max_exposure";
    case risk_reason::balance_unknown:
        return "balance_unknown";
    case risk_reason::insufficient_balance:
        return "insufficient_balance";
    case risk_reason::bad_price:
        return "bad_price";
    case risk_reason::size_below_minimum:
        return "size_below_minimum";
    case risk_reason::not_trading:
        return "not_trading";
    case risk_reason::below_exchange_minimum:
        return "below_exchange_minimum";
    case risk_reason::above_exchange_maximum:
        return "above_exchange_maximum";
    }
    return "unknown";
}

void throw_exception_from_error(const rejection& r, const boost::source_location& loc) {
    boost::throw_with_location(std::runtime_error(std::string{to_string(r.reason)} + ": " + r.message), loc);
}

risk_manager::risk_manager(config::risk_settings risk, config::trading_settings trading)
    : risk_{std::move(risk)}, trading_{std::move(trading)} {}

check_result risk_manager::check(const entry_intent& intent, const portfolio& p) const noexcept {
    if (p.kill_switch) {
        return reject(risk_reason::kill_switch, "kill switch " + risk_.kill_switch_file.string() + " is on");
    }
    if (!intent.quantity.is_positive() || !intent.reference_price.is_positive() || intent.leverage < 1) {
        return reject(
            risk_reason::invalid_intent,
            "quantity " + intent.quantity.normalized().to_string() + ", price " +
                intent.reference_price.normalized().to_string() + ", leverage " + std::to_string(intent.leverage) +
                " is not an entry"
        );
    }
    try {
        return check_limits(intent, p);
    } catch (const std::exception& e) {
        // decimal throws only on overflow: numbers this large are a bug upstream, not a trade.
        return reject(risk_reason::invalid_intent, std::string{"numbers out of range: "} + e.what());
    }
}

check_result risk_manager::check_limits(const entry_intent& intent, const portfolio& p) const {
    const std::string what = name(intent.exchange, intent.symbol);
    const auto same = std::find_if(p.positions.begin(), p.positions.end(), [&](const position_exposure& e) {
        return e.exchange == intent.exchange && e.symbol == intent.symbol;
    });
    if (same != p.positions.end()) {
        return reject(risk_reason::already_open, what + " already has a position or an entry in flight");
    }
    if (!p.realized_pnl_today) {
        return reject(risk_reason::pnl_unknown, "today's realized PnL could not be read; the daily loss limit cannot be checked");
    }
    if (*p.realized_pnl_today <= -risk_.daily_loss_limit_usd) {
        return reject(
            risk_reason::daily_loss_limit,
            "realized PnL today " + p.realized_pnl_today->normalized().to_string() +
                " USD reached the daily loss limit -" + risk_.daily_loss_limit_usd.normalized().to_string()
        );
    }
    if (intent.leverage > trading_.max_leverage) {
        return reject(
            risk_reason::leverage_too_high,
            "leverage " + std::to_string(intent.leverage) + " above max_leverage " +
                std::to_string(trading_.max_leverage)
        );
    }
    if (intent.max_notional && intent.max_notional->is_positive()) {
        // The venue would refuse the entry (-2027 / 110090): a rule, decided before any row.
        const auto notional = intent.quantity * intent.reference_price;
        if (notional > *intent.max_notional) {
            return reject(risk_reason::above_max_notional,
                          "notional " + notional.normalized().to_string() + " USD above the venue's maximum " +
                              intent.max_notional->normalized().to_string() + " at leverage " +
                              std::to_string(intent.leverage) + "x for " + what);
        }
    }
    const auto total = static_cast<long>(p.positions.size());
    if (total >= risk_.max_positions) {
        return reject(
            risk_reason::max_positions,
            std::to_string(total) + " positions open or opening, max " + std::to_string(risk_.max_positions)
        );
    }
    const auto here = std::count_if(p.positions.begin(), p.positions.end(), [&](const position_exposure& e) {
        return e.exchange == intent.exchange;
    });
    if (here >= risk_.max_positions_per_exchange) {
        return reject(
            risk_reason::max_positions_per_exchange,
            std::to_string(here) + " positions open or opening on " + std::string{core::to_string(intent.exchange)} +
                ", max " + std::to_string(risk_.max_positions_per_exchange)
        );
    }
    const decimal notional = exchange::instrument_rules::notional(intent.quantity, intent.reference_price);
    decimal exposure = notional;
    for (const auto& e : p.positions)
        exposure += e.notional_usd.abs();
    if (exposure > risk_.max_exposure_usd) {
        return reject(
            risk_reason::max_exposure,
            "exposure with " + what + " would be " + exposure.normalized().to_string() + " USD, max " +
                risk_.max_exposure_usd.normalized().to_string()
        );
    }
    const auto balance = p.free_balance_usd.find(intent.exchange);
    if (balance == p.free_balance_usd.end()) {
        return reject(
            risk_reason::balance_unknown, "no free balance known for " + std::string{core::to_string(intent.exchange)}
        );
    }
    const decimal margin = initial_margin(intent);
    const decimal left = balance->second - margin;
    if (left < risk_.min_free_balance_usd) {
        return reject(
            risk_reason::insufficient_balance,
            "free " + balance->second.normalized().to_string() + " USD - margin " + margin.normalized().to_string() +
                " leaves " + left.normalized().to_string() + ", minimum " +
                risk_.min_free_balance_usd.normalized().to_string()
        );
    }
    return {};
}

sizing_result risk_manager::size_quantity(decimal usd, decimal price, const exchange::instrument_rules& rules)
    const noexcept {
    try {
        return size(usd, price, rules);
    } catch (const std::exception& e) {
        return reject(risk_reason::bad_price, std::string{"size not computable: "} + e.what());
    }
}

sizing_result risk_manager::size(decimal usd, decimal price, const exchange::instrument_rules& rules) const {
    if (!price.is_positive())
        return reject(risk_reason::bad_price, "price " + price.normalized().to_string() + " is not positive");
    const decimal budget = std::min(usd, trading_.max_position_size_usd);
    if (budget < trading_.min_position_size_usd) {
        return reject(
            risk_reason::size_below_minimum,
            "size " + budget.normalized().to_string() + " USD below min_position_size_usd " +
                trading_.min_position_size_usd.normalized().to_string()
        );
    }
    if (!rules.trading)
        return reject(risk_reason::not_trading, rules.symbol.str() + " is not trading");

    const auto type = core::order_type::market;
    decimal minimum = rules.min_order_quantity(price);
    // Without a venue minimum the smallest order is one step.
    if (!minimum.is_positive() && rules.step_size.is_positive())
        minimum = rules.step_size;
    const decimal cap = rules.max_quantity(type);
    if (cap.is_positive() && minimum > cap) {
        return reject(
            risk_reason::above_exchange_maximum,
            "the smallest order " + minimum.normalized().to_string() + " is above the maximum market quantity " +
                cap.normalized().to_string()
        );
    }
    const decimal qty = rules.quantity_for_notional(budget, price, type);
    if (qty >= minimum && qty.is_positive()) {
        return sized_quantity{qty, exchange::instrument_rules::notional(qty, price), false};
    }
    const decimal cost = exchange::instrument_rules::notional(minimum, price);
    const decimal limit = with_tolerance(budget, trading_.size_tolerance_percent);
    if (!minimum.is_positive() || cost > limit) {
        return reject(
            risk_reason::below_exchange_minimum,
            "the smallest order of " + rules.symbol.str() + " (" + minimum.normalized().to_string() + " = " +
                cost.normalized().to_string() + " USD) exceeds " + limit.normalized().to_string() + " USD (size " +
                budget.normalized().to_string() + " + " + trading_.size_tolerance_percent.normalized().to_string() +
                " %)"
        );
    }
    return sized_quantity{minimum, cost, true};
}

bool kill_switch_active(const std::filesystem::path& path) noexcept {
    if (path.empty())
        return false;
    std::error_code ec;
    const auto st = std::filesystem::status(path, ec);
    if (st.type() == std::filesystem::file_type::not_found)
        return false;
    if (ec)
        return true;
    return st.type() != std::filesystem::file_type::none;
}

}  // namespace tradebot::trading
