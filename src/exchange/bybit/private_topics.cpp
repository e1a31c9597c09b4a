// Bybit private topics: order, execution, position, wallet.

#include <array>
#include <charconv>
#include <utility>

#include "exchange/bybit/frame.hpp"

namespace tradebot::exchange::bybit::detail {
namespace {

std::optional<events::order_status> status_of(std::string_view s) noexcept {
    using events::order_status;
    static constexpr std::array<std::pair<std::string_view, order_status>, 9> table{{
        {"New", order_status::new_},
        {"PartiallyFilled", order_status::partially_filled},
        {"Untriggered", order_status::untriggered},
        {"Triggered", order_status::triggered},
        {"Filled", order_status::filled},
        {"Cancelled", order_status::canceled},
        {"PartiallyFilledCanceled", order_status::canceled},
        {"Deactivated", order_status::canceled},
        {"Rejected", order_status::rejected},
    }};
    for (const auto& [name, status] : table) {
        if (name == s) {
            return status;
        }
    }
    return std::nullopt;
}

std::optional<core::order_type> type_of(std::string_view order_type, std::string_view stop_type) noexcept {
    if (stop_type.empty() || stop_type == "UNKNOWN") {
        if (order_type == "Market") {
            return core::order_type::market;
        }
        if (order_type == "Limit") {
            return core::order_type::limit;
        }
        return std::nullopt;
    }
    if (stop_type == "TrailingStop") {
        return core::order_type::trailing_stop_market;
    }
    if (stop_type == "TakeProfit" || stop_type == "PartialTakeProfit") {
        return core::order_type::take_profit_market;
    }
    // StopLoss, PartialStopLoss, Stop (plain conditional), MmRateClose.
    return core::order_type::stop_market;
}

// Items of other categories (spot, option, inverse) are not ours.
bool other_category(json::extractor& x) {
    const auto cat = x.opt_str("category");
    return !cat.empty() && cat != "linear";
}

template <class T>
bool resolve(json::extractor& x, std::string_view name, const context& c, T& out, batch<T>& b, std::string_view what) {
    if (!x.ok()) {
        b.rejected.push_back(std::string{what} + ": " + x.error());
        return false;
    }
    const auto sym = c.symbols.to_internal(name);
    if (!sym) {
        b.unknown_symbols.emplace_back(name);
        return false;
    }
    out.symbol = *sym;
    return true;
}

std::optional<core::decimal> non_zero(std::optional<core::decimal> d) noexcept {
    if (d && d->is_zero()) {
        return std::nullopt;
    }
    return d;
}

}  // namespace

decoded decode_orders(const frame& f, const context& c) {
    order_batch out;
    for (const auto& it : f.items) {
        json::extractor x{it.scalars};
        if (other_category(x)) {
            continue;
        }
        events::order_update u;
        u.exchange = core::exchange_id::bybit;
        const auto name = x.str("symbol");
        u.exchange_order_id = std::string{x.str("orderId")};
        u.client_order_id = std::string{x.opt_str("orderLinkId")};
        if (const auto s = core::parse_side(x.str("side")); s) {
            u.side = *s;
        } else {
            x.fail("side", "unknown side");
        }
        const auto order_type = x.str("orderType");
        if (const auto t = type_of(order_type, x.opt_str("stopOrderType")); t) {
            u.type = *t;
        } else {
            x.fail("orderType", "unknown order type");
        }
        if (const auto st = status_of(x.str("orderStatus")); st) {
            u.status = *st;
        } else {
            x.fail("orderStatus", "unknown order status");
        }
        u.reduce_only = x.opt_boolean("reduceOnly", false);
        const auto price = non_zero(x.opt_dec("price"));
        if (order_type != "Market") {
            u.price = price;
        }
        u.stop_price = non_zero(x.opt_dec("triggerPrice"));
        u.quantity = x.dec("qty");
        u.filled_quantity = x.dec_or_zero("cumExecQty");
        u.average_price = x.dec_or_zero("avgPrice");
        if (const auto reason = x.opt_str("rejectReason"); reason != "EC_NoError") {
            u.reject_reason = std::string{reason};
        }
        u.exchange_ts = x.time("updatedTime");
        u.receive_ts = c.receive_ts;
        if (resolve(x, name, c, u, out, "order")) {
            out.items.push_back(std::move(u));
        }
    }
    return out;
}

decoded decode_executions(const frame& f, const context& c) {
    execution_batch out;
    for (const auto& it : f.items) {
        json::extractor x{it.scalars};
        if (other_category(x)) {
            continue;
        }
        execution e;
        const auto name = x.str("symbol");
        e.order_id = std::string{x.str("orderId")};
        e.client_order_id = std::string{x.opt_str("orderLinkId")};
        e.exec_id = std::string{x.str("execId")};
        e.exec_type = std::string{x.opt_str("execType")};
        if (const auto s = core::parse_side(x.str("side")); s) {
            e.side = *s;
        } else {
            x.fail("side", "unknown side");
        }
        e.price = x.dec("execPrice");
        e.quantity = x.dec("execQty");
        e.fee = x.dec_or_zero("execFee");
        e.fee_currency = std::string{x.opt_str("feeCurrency")};
        e.exec_pnl = x.dec_or_zero("execPnl");
        e.leaves_quantity = x.dec_or_zero("leavesQty");
        e.closed_size = x.dec_or_zero("closedSize");
        e.is_maker = x.opt_boolean("isMaker", false);
        e.mark_price = x.opt_dec("markPrice");
        e.exchange_ts = x.time("execTime");
        e.receive_ts = c.receive_ts;
        if (resolve(x, name, c, e, out, "execution")) {
            out.items.push_back(std::move(e));
        }
    }
    return out;
}

decoded decode_positions(const frame& f, const context& c) {
    position_batch out;
    for (const auto& it : f.items) {
        json::extractor x{it.scalars};
        if (other_category(x)) {
            continue;
        }
        events::position_update u;
        u.exchange = core::exchange_id::bybit;
        const auto name = x.str("symbol");
        const auto side = x.opt_str("side");
        if (side == "Sell") {
            u.side = core::position_side::short_;
        } else if (side == "Buy" || side.empty()) {
            u.side = core::position_side::long_;
        } else {
            x.fail("side", "unknown side");
        }
        u.quantity = x.dec_or_zero("size");
        u.entry_price = x.dec_or_zero("entryPrice");
        u.mark_price = x.opt_dec("markPrice");
        u.unrealized_pnl = x.dec_or_zero("unrealisedPnl");
        if (const auto lev = x.opt_str("leverage"); !lev.empty()) {
            std::uint32_t n = 0;
            const auto [p, ec] = std::from_chars(lev.data(), lev.data() + lev.size(), n);
            if (ec == std::errc{} && p == lev.data() + lev.size()) {
                u.leverage = n;
            } else if (!core::decimal::parse(lev)) {
                x.fail("leverage", "not a decimal");
            }
        }
        u.exchange_ts = x.time("updatedTime");
        u.receive_ts = c.receive_ts;
        if (resolve(x, name, c, u, out, "position")) {
            out.items.push_back(std::move(u));
        }
    }
    return out;
}

decoded decode_wallet(const frame& f, const context& c) {
    balance_batch out;
    json::extractor top{f.top};
    const auto ts = top.time("creationTime");
    if (!top.ok()) {
        return malformed{"wallet: " + top.error()};
    }
    for (const auto& it : f.items) {
        for (const auto& coin : it.coins) {
            json::extractor x{coin};
            events::balance_update u;
            u.exchange = core::exchange_id::bybit;
            u.asset = std::string{x.str("coin")};
            u.wallet_balance = x.dec("walletBalance");
            u.available_balance = x.opt_dec("availableToWithdraw");
            u.exchange_ts = ts;
            u.receive_ts = c.receive_ts;
            if (x.ok()) {
                out.items.push_back(std::move(u));
            } else {
                out.rejected.push_back("wallet: " + x.error());
            }
        }
    }
    return out;
}

}  // namespace tradebot::exchange::bybit::detail
