#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tradebot/core/clock.hpp"
#include "tradebot/core/decimal.hpp"
#include "tradebot/core/ids.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"

// Rows of the trading tables (src/db/migrations/0001_initial.sql) in internal types.
namespace tradebot::db {

using time_point = core::clock::time_point;

// positions.state: pending_entry -> entry_placed -> protected -> closing -> closed | failed.
enum class position_state : std::uint8_t { pending_entry, entry_placed, protected_, closing, closed, failed };

[[nodiscard]] std::string_view to_string(position_state s) noexcept;
[[nodiscard]] std::optional<position_state> parse_position_state(std::string_view text) noexcept;

struct position_record {
    std::int64_t id = 0;
    std::int32_t version = 0;
    core::exchange_id exchange = core::exchange_id::binance;
    core::symbol symbol;
    core::position_side side = core::position_side::long_;
    core::mode mode = core::mode::test;
    position_state state = position_state::pending_entry;
    std::optional<std::int64_t> signal_id;
    core::decimal quantity;
    std::optional<core::decimal> entry_price;
    std::optional<core::decimal> exit_price;
    core::decimal leverage;
    std::optional<core::decimal> stop_price;
    std::optional<std::string> stop_order_id;
    std::optional<std::string> stop_client_order_id;
    bool trailing_activated = false;
    std::optional<time_point> trailing_activated_at;
    std::optional<core::decimal> trailing_peak_price;
    std::optional<time_point> trailing_last_move_at;
    std::optional<time_point> opened_at;
    std::optional<time_point> closed_at;
    std::optional<std::string> close_reason;
    std::optional<core::decimal> realized_pnl;
    core::decimal fees;
};

struct new_position {
    core::exchange_id exchange = core::exchange_id::binance;
    core::symbol symbol;
    core::position_side side = core::position_side::long_;
    core::mode mode = core::mode::test;
    std::optional<std::int64_t> signal_id;
    core::decimal leverage = core::decimal::from_int(1);
    // With signal_id: the claimer the entry's statement claims the signal for (a signal decided
    // from its NOTIFY is nobody's yet); the rows are written only if the claim holds.
    std::string signal_owner;
};

// The columns a state transition may set; unset members keep their value.
struct position_update {
    std::optional<core::decimal> quantity;
    std::optional<core::decimal> entry_price;
    std::optional<core::decimal> exit_price;
    std::optional<core::decimal> stop_price;
    std::optional<std::string> stop_order_id;
    std::optional<std::string> stop_client_order_id;
    std::optional<bool> trailing_activated;
    std::optional<time_point> trailing_activated_at;
    std::optional<core::decimal> trailing_peak_price;
    std::optional<time_point> trailing_last_move_at;
    std::optional<time_point> opened_at;
    std::optional<time_point> closed_at;
    std::optional<std::string> close_reason;
    std::optional<core::decimal> realized_pnl;
    std::optional<core::decimal> fees;
    // Commit without waiting for the WAL flush (synchronous_commit off): only for a state the venue
    // holds as well, which the restart's reconciliation reads back if a crash loses the write (a
    // stop live on the venue under our client id). A cold start restores hundreds of them.
    bool async_commit = false;
};

// orders.status, the journal's view of one order.
enum class order_status : std::uint8_t {
    pending,  // journalled, not sent yet
    sent,
    new_,
    partially_filled,
    filled,
    triggered,
    canceled,
    rejected,
    expired,
    unknown,  // sent, outcome not known: look it up by client id
};

[[nodiscard]] std::string_view to_string(order_status s) noexcept;
[[nodiscard]] std::optional<order_status> parse_order_status(std::string_view text) noexcept;
// filled, canceled, rejected, expired: the venue will not change the order any more.
[[nodiscard]] bool is_terminal(order_status s) noexcept;
// orders.purpose as written by core::to_string(order_purpose).
[[nodiscard]] std::optional<core::order_purpose> parse_order_purpose(std::string_view text) noexcept;

struct order_record {
    std::int64_t id = 0;
    std::optional<std::int64_t> position_id;
    core::exchange_id exchange = core::exchange_id::binance;
    core::symbol symbol;
    core::mode mode = core::mode::test;
    core::order_purpose purpose = core::order_purpose::entry;
    core::side side = core::side::buy;
    core::order_type type = core::order_type::market;
    core::decimal quantity;
    std::optional<core::decimal> price;
    std::optional<core::decimal> stop_price;
    bool reduce_only = false;
    order_status status = order_status::pending;
    std::string client_order_id;  // filled by the journal
    std::optional<std::string> venue_order_id;
    core::decimal filled_quantity;
    std::optional<core::decimal> average_price;
    int attempt = 0;
    std::optional<std::string> algo_id;  // Binance conditional (algo) orders have their own id
    std::optional<std::string> error_code;
    std::optional<std::string> error_message;
    std::optional<time_point> sent_at;    // read only: set by the journal
    std::optional<time_point> created_at;  // read only
};

struct order_update {
    order_status status = order_status::sent;
    std::optional<core::decimal> filled_quantity;
    std::optional<core::decimal> average_price;
    std::optional<std::string> venue_order_id;
    std::optional<std::string> error_code;
    std::optional<std::string> error_message;
    std::optional<std::string> algo_id;
};

// One fill (trades table). (exchange, mode, symbol, exchange_trade_id) is its natural key.
struct trade_record {
    std::int64_t id = 0;  // read only
    std::optional<std::int64_t> order_id;
    std::optional<std::int64_t> position_id;
    core::exchange_id exchange = core::exchange_id::binance;
    core::symbol symbol;
    core::mode mode = core::mode::test;
    std::string exchange_trade_id;
    core::side side = core::side::buy;
    core::decimal quantity;
    core::decimal price;
    core::decimal fee;
    std::optional<std::string> fee_asset;
    std::optional<core::decimal> realized_pnl;
    std::optional<bool> is_maker;
    time_point ts{};
    // Write only: when order_id is unset, the journal row with this client id (if any) gives it.
    std::optional<std::string> client_order_id;
};

// events.severity.
enum class event_severity : std::uint8_t { debug, info, warning, error, critical };

[[nodiscard]] std::string_view to_string(event_severity s) noexcept;
[[nodiscard]] std::optional<event_severity> parse_event_severity(std::string_view text) noexcept;

// One audit event (events table). `data` becomes a flat jsonb object of strings: values are
// text (decimals keep every digit) and the writer builds the JSON, so no event can carry
// malformed JSON into a batch.
struct event_record {
    std::int64_t id = 0;  // read only
    time_point ts{};
    std::string type;
    event_severity severity = event_severity::info;
    std::optional<std::int64_t> position_id;
    std::optional<std::int64_t> order_id;
    std::optional<std::string> symbol;
    std::optional<std::string> exchange;
    std::optional<std::string> correlation_id;
    std::optional<std::string> message;
    std::vector<std::pair<std::string, std::string>> data;
};

}  // namespace tradebot::db
