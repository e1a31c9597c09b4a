#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/db/position_repository.hpp"
#include "tradebot/db/transaction.hpp"
#include "tradebot_test/pg_fixture.hpp"

namespace tradebot::db::test {

// 2026-01-01T00:00:00Z plus the given microseconds: the column resolution, so values round-trip.
inline time_point at_us(std::int64_t micros_after) {
    return time_point{std::chrono::microseconds{1'767'225'600'000'000LL + micros_after}};
}

inline core::decimal dec(const char* text) { return core::decimal::from_string(text); }

// A pending position of `symbol` on Binance and its market entry's journal row, as the opener
// hands them to position_repository::create_pending_with_entry.
inline std::pair<new_position, order_record> entry_rows(const char* symbol, core::mode mode = core::mode::production) {
    new_position p;
    p.exchange = core::exchange_id::binance;
    p.symbol = core::symbol::from_string(symbol);
    p.side = core::position_side::long_;
    p.mode = mode;
    p.leverage = core::decimal::from_int(5);
    order_record o;
    o.exchange = p.exchange;
    o.symbol = p.symbol;
    o.mode = p.mode;
    o.purpose = core::order_purpose::entry;
    o.side = core::side::buy;
    o.type = core::order_type::market;
    o.quantity = core::decimal::from_int(1);
    return {std::move(p), std::move(o)};
}

class repo_test : public migrated_pg_test {
protected:
    // First column of the first row as text ("<null>" for NULL, "<none>" for no row).
    std::string sql(std::string statement) {
        auto job = [s = std::move(statement)](pqxx::work& tx) {
            const auto r = tx.exec(s);
            if (r.empty()) {
                return std::string{"<none>"};
            }
            return r[0][0].is_null() ? std::string{"<null>"} : r[0][0].as<std::string>();
        };
        auto r = await(transact(*db_, std::move(job)));
        EXPECT_TRUE(r) << r.error();
        return r ? *r : std::string{"<error>"};
    }

    std::int64_t open_position(const char* symbol, core::exchange_id venue = core::exchange_id::binance,
                               core::mode mode = core::mode::test) {
        position_repository positions{*db_};
        new_position p;
        p.exchange = venue;
        p.symbol = core::symbol::from_string(symbol);
        p.side = core::position_side::long_;
        p.mode = mode;
        auto r = await(positions.create_pending(std::move(p)));
        EXPECT_TRUE(r) << r.error();
        return r ? *r : 0;
    }
};

}  // namespace tradebot::db::test
