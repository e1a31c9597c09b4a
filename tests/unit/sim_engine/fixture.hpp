#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "tradebot/core/clock.hpp"
#include "tradebot/core/decimal.hpp"
#include "tradebot/sim/engine/exchange.hpp"

// Readable decimals in GoogleTest failure messages.
namespace tradebot::core {
inline void PrintTo(const decimal& d, std::ostream* os) { *os << d.to_string(); }
}  // namespace tradebot::core

namespace tradebot::sim::engine::test {

using core::decimal;
using namespace core::literals;

inline const core::symbol btc = core::symbol::from_string("BTCUSDT");
inline const account_id key = "key-1";

// BTCUSDT with round numbers: tick 0.1, step 0.001, min notional 5, percent band 0.95..1.05.
inline instrument btc_spec() {
    instrument i;
    i.symbol = btc;
    i.base_asset = "BTC";
    i.tick_size = "0.1"_d;
    i.min_price = "0.1"_d;
    i.max_price = "1000000"_d;
    i.step_size = "0.001"_d;
    i.min_qty = "0.001"_d;
    i.max_qty = "1000"_d;
    i.market_max_qty = "120"_d;
    i.min_notional = "5"_d;
    i.multiplier_up = "1.05"_d;
    i.multiplier_down = "0.95"_d;
    i.price_precision = 2;
    i.qty_precision = 3;
    i.max_leverage = 125;
    i.maintenance_margin_rate = "0.004"_d;
    return i;
}

inline market_prices prices(decimal mark, decimal last, decimal bid, decimal ask) {
    market_prices p;
    p.mark = mark;
    p.last = last;
    p.index = mark;
    p.bid = bid;
    p.ask = ask;
    p.bid_qty = "10"_d;
    p.ask_qty = "10"_d;
    return p;
}

// A market at `mid` with bid = mid - 0.1 and ask = mid + 0.1; mark and last = mid.
inline market_prices at(decimal mid) { return prices(mid, mid, mid - "0.1"_d, mid + "0.1"_d); }

class engine_test : public ::testing::Test {
protected:
    explicit engine_test(venue v = venue::binance, decimal slippage = {}) : ex_{clock_, make_config(v, slippage)} {
        ex_.add_instrument(btc_spec());
        account_config a;
        a.id = key;
        a.initial_balance = "10000"_d;
        a.maker_fee_rate = "0.0002"_d;
        a.taker_fee_rate = "0.0005"_d;
        a.default_leverage = 10;
        ex_.add_account(a);
        ex_.set_prices(btc, at("50000"_d));
    }

    static exchange_config make_config(venue v, decimal slippage) {
        exchange_config c;
        c.venue = v;
        c.seed = 42;
        c.slippage_bps = slippage;
        return c;
    }

    static order_request market(core::side s, decimal qty) {
        order_request r;
        r.symbol = btc;
        r.side = s;
        r.type = core::order_type::market;
        r.qty = qty;
        return r;
    }

    static order_request limit(core::side s, decimal qty, decimal price, time_in_force tif = time_in_force::gtc) {
        order_request r = market(s, qty);
        r.type = core::order_type::limit;
        r.price = price;
        r.tif = tif;
        return r;
    }

    static conditional_request stop(core::side s, decimal trigger, decimal qty, working_type w = working_type::mark) {
        conditional_request r;
        r.symbol = btc;
        r.side = s;
        r.kind = conditional_kind::stop_market;
        r.trigger_price = trigger;
        r.qty = qty;
        r.working = w;
        return r;
    }

    // Opens a position with a market order and clears the event queue.
    void open(core::side s, decimal qty) {
        auto r = ex_.place_order(key, market(s, qty));
        ASSERT_TRUE(r.ok()) << to_string(r.reason());
        ex_.drain_events();
    }

    [[nodiscard]] decimal size() const { return ex_.position(key, btc)->size; }
    [[nodiscard]] decimal wallet() const { return ex_.account_state(key)->wallet_balance; }

    template <class E>
    [[nodiscard]] std::vector<E> events_of() {
        std::vector<E> out;
        for (const auto& e : ex_.pending_events()) {
            if (const auto* v = std::get_if<E>(&e)) {
                out.push_back(*v);
            }
        }
        return out;
    }

    core::manual_clock clock_;
    exchange ex_;
};

}  // namespace tradebot::sim::engine::test
