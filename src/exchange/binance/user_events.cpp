// Binance user data events (ORDER_TRADE_UPDATE, ALGO_UPDATE, ACCOUNT_UPDATE, listenKeyExpired).

#include <algorithm>
#include <array>
#include <utility>

#include "exchange/binance/frame.hpp"

namespace tradebot::exchange::binance::detail {
namespace {

std::optional<core::order_type> order_type_of(std::string_view t) noexcept {
    using core::order_type;
    static constexpr std::array<std::pair<std::string_view, order_type>, 8> table{{
        {"MARKET", order_type::market},
        {"LIMIT", order_type::limit},
        {"STOP_MARKET", order_type::stop_market},
        {"TAKE_PROFIT_MARKET", order_type::take_profit_market},
        {"TRAILING_STOP_MARKET", order_type::trailing_stop_market},
        // The limit variants have no type of their own inside tradebot (we never place them);
        // they are foreign orders: their trigger is in stop_price, their limit in price.
        {"STOP", order_type::stop_market},
        {"TAKE_PROFIT", order_type::take_profit_market},
        {"LIQUIDATION", order_type::market},
    }};
    for (const auto& [name, type] : table) {
        if (name == t) {
            return type;
        }
    }
    return std::nullopt;
}

std::optional<events::order_status> order_status_of(std::string_view s) noexcept {
    using events::order_status;
    static constexpr std::array<std::pair<std::string_view, order_status>, 9> table{{
        {"NEW", order_status::new_},
        {"PARTIALLY_FILLED", order_status::partially_filled},
        {"FILLED", order_status::filled},
        {"CANCELED", order_status::canceled},
        {"EXPIRED", order_status::expired},
        {"EXPIRED_IN_MATCH", order_status::expired},  // self-trade prevention
        {"REJECTED", order_status::rejected},
        // [U] insurance-fund / ADL orders; they are live until their own final update.
        {"NEW_INSURANCE", order_status::new_},
        {"NEW_ADL", order_status::new_},
    }};
    for (const auto& [name, status] : table) {
        if (name == s) {
            return status;
        }
    }
    return std::nullopt;
}

// "er" codes of ORDER_TRADE_UPDATE (reference §A10).
std::string expiry_reason(std::string_view code) {
    static constexpr std::array<std::string_view, 10> names{
        "none", "stp", "ioc_remainder", "ioc_stp", "reduce_only_knocked_out", "liquidation",
        "gte_unsatisfied", "delisted", "stop_initial_expired", "market_remainder"};
    std::string out{"expiry_reason="};
    out.append(code);
    if (code.size() == 1 && code[0] >= '0' && code[0] <= '9') {
        out.append(":").append(names[static_cast<std::size_t>(code[0] - '0')]);
    }
    return out;
}

// Zero means "not set" for Binance's price / stop price fields.
std::optional<core::decimal> non_zero(std::optional<core::decimal> d) noexcept {
    if (d && d->is_zero()) {
        return std::nullopt;
    }
    return d;
}

// Reads the fields ORDER_TRADE_UPDATE and ALGO_UPDATE share; the caller checks x.ok().
void read_common(json::extractor& x, events::order_update& u, std::string_view event) {
    u.exchange = core::exchange_id::binance;
    if (const auto side = core::parse_side(x.str("S")); side) {
        u.side = *side;
    } else {
        x.fail("S", "unknown side");
    }
    const auto type = x.str("o");
    if (const auto t = order_type_of(type); t) {
        u.type = *t;
    } else if (x.ok()) {
        x.fail("o", std::string{event} + " order type " + std::string{type} + " unknown");
    }
    u.reduce_only = x.opt_boolean("R", false);
    u.quantity = x.dec("q");
}

}  // namespace

decoded decode_order_trade_update(const frame& f, const context& c) {
    if (!f.has_order) {
        return malformed{"ORDER_TRADE_UPDATE: field 'o' missing"};
    }
    json::extractor top{f.top};
    json::extractor x{f.order};
    events::order_update u;
    const auto name = x.str("s");
    read_common(x, u, "ORDER_TRADE_UPDATE");
    u.client_order_id = std::string{x.str("c")};
    u.exchange_order_id = std::to_string(x.int64("i"));
    const auto status = x.str("X");
    if (const auto st = order_status_of(status); st) {
        u.status = *st;
    } else if (x.ok()) {
        x.fail("X", "unknown order status");
    }
    u.price = non_zero(x.opt_dec("p"));
    u.stop_price = non_zero(x.opt_dec("sp"));
    u.filled_quantity = x.dec_or_zero("z");
    u.average_price = x.dec_or_zero("ap");
    u.last_fill_quantity = x.dec_or_zero("l");
    u.last_fill_price = x.dec_or_zero("L");
    u.fee = x.dec_or_zero("n");
    u.fee_asset = std::string{x.opt_str("N")};
    u.realized_pnl = x.dec_or_zero("rp");
    if (const auto trade = x.opt_int64("t"); trade && *trade != 0) {
        u.trade_id = std::to_string(*trade);
    }
    if (const auto er = x.opt_str("er"); !er.empty() && er != "0") {
        u.reject_reason = expiry_reason(er);
    }
    u.exchange_ts = top.time("E");
    u.receive_ts = c.receive_ts;
    if (!x.ok() || !top.ok()) {
        return malformed{"ORDER_TRADE_UPDATE: " + (x.ok() ? top.error() : x.error())};
    }
    const auto sym = c.symbols.to_internal(name);
    if (!sym) {
        return unknown_symbol{std::string{name}, "ORDER_TRADE_UPDATE"};
    }
    u.symbol = *sym;
    return u;
}

decoded decode_algo_update(const frame& f, const context& c) {
    if (!f.has_order) {
        return malformed{"ALGO_UPDATE: field 'o' missing"};
    }
    json::extractor top{f.top};
    json::extractor x{f.order};
    algo_update a;
    auto& u = a.order;
    const auto name = x.str("s");
    read_common(x, u, "ALGO_UPDATE");
    a.algo_id = std::to_string(x.int64("aid"));
    a.client_algo_id = std::string{x.opt_str("caid")};
    a.algo_status = std::string{x.str("X")};
    a.algo_type = std::string{x.opt_str("at")};
    a.triggered_order_id = std::string{x.opt_str("ai")};
    if (const auto tt = x.opt_int64("tt"); tt && *tt != 0) {
        a.trigger_ts = x.to_time("tt", *tt);
    }
    u.exchange_order_id = a.algo_id;
    u.client_order_id = a.client_algo_id;
    u.stop_price = non_zero(x.opt_dec("tp"));
    u.price = non_zero(x.opt_dec("p"));
    u.filled_quantity = x.dec_or_zero("aq");
    u.average_price = x.dec_or_zero("ap");
    u.reject_reason = std::string{x.opt_str("rm")};
    const std::string_view st = a.algo_status;
    using events::order_status;
    if (st == "NEW") {
        u.status = order_status::untriggered;
    } else if (st == "TRIGGERING" || st == "TRIGGERED") {
        u.status = order_status::triggered;
    } else if (st == "CANCELED") {
        u.status = order_status::canceled;
    } else if (st == "REJECTED") {
        u.status = order_status::rejected;
    } else if (st == "EXPIRED") {
        u.status = order_status::expired;
    } else if (st == "FINISHED") {
        u.status = u.filled_quantity.is_positive() ? order_status::filled : order_status::canceled;
    } else if (x.ok()) {
        x.fail("X", "unknown algo status");
    }
    // The docs swap the meaning of T and E for this one event; the later one is the event time.
    const auto e_ms = top.int64("E");
    const auto t_ms = top.opt_int64("T").value_or(0);
    u.exchange_ts = top.to_time(e_ms >= t_ms ? "E" : "T", std::max(e_ms, t_ms));
    u.receive_ts = c.receive_ts;
    if (!x.ok() || !top.ok()) {
        return malformed{"ALGO_UPDATE: " + (x.ok() ? top.error() : x.error())};
    }
    const auto sym = c.symbols.to_internal(name);
    if (!sym) {
        return unknown_symbol{std::string{name}, "ALGO_UPDATE"};
    }
    u.symbol = *sym;
    return a;
}

decoded decode_account_update(const frame& f, const context& c) {
    if (!f.has_account) {
        return malformed{"ACCOUNT_UPDATE: field 'a' missing"};
    }
    json::extractor top{f.top};
    json::extractor acc{f.account};
    account_update out;
    out.exchange_ts = top.time("E");
    out.receive_ts = c.receive_ts;
    out.reason = std::string{acc.opt_str("m")};
    if (!top.ok() || !acc.ok()) {
        return malformed{"ACCOUNT_UPDATE: " + (top.ok() ? acc.error() : top.error())};
    }
    for (const auto& b : f.balances) {
        json::extractor x{b};
        events::balance_update u;
        u.exchange = core::exchange_id::binance;
        u.asset = std::string{x.str("a")};
        u.wallet_balance = x.dec("wb");
        u.exchange_ts = out.exchange_ts;
        u.receive_ts = c.receive_ts;
        if (!x.ok()) {
            return malformed{"ACCOUNT_UPDATE balance: " + x.error()};
        }
        out.balances.push_back(std::move(u));
    }
    for (const auto& p : f.positions) {
        json::extractor x{p};
        events::position_update u;
        u.exchange = core::exchange_id::binance;
        const auto name = x.str("s");
        const auto amount = x.dec("pa");
        u.entry_price = x.dec_or_zero("ep");
        u.unrealized_pnl = x.dec_or_zero("up");
        const auto ps = x.opt_str("ps");
        if (ps == "LONG") {
            u.side = core::position_side::long_;
        } else if (ps == "SHORT") {
            u.side = core::position_side::short_;
        } else if (ps.empty() || ps == "BOTH") {
            u.side = amount.is_negative() ? core::position_side::short_ : core::position_side::long_;
        } else {
            x.fail("ps", "unknown position side");
        }
        u.quantity = amount.abs();
        u.exchange_ts = out.exchange_ts;
        u.receive_ts = c.receive_ts;
        if (!x.ok()) {
            return malformed{"ACCOUNT_UPDATE position: " + x.error()};
        }
        if (const auto sym = c.symbols.to_internal(name); sym) {
            u.symbol = *sym;
            out.positions.push_back(std::move(u));
        } else {
            out.unknown_symbols.emplace_back(name);
        }
    }
    return out;
}

decoded decode_listen_key_expired(const frame& f, const context& c) {
    json::extractor x{f.top};
    listen_key_expired out;
    out.listen_key = std::string{x.opt_str("listenKey")};
    out.exchange_ts = x.time("E");  // sent as a string in the docs, a number by the SDK
    out.receive_ts = c.receive_ts;
    if (!x.ok()) {
        return malformed{"listenKeyExpired: " + x.error()};
    }
    return out;
}

}  // namespace tradebot::exchange::binance::detail
