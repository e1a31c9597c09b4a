#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/ids.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/db/order_store.hpp"
#include "tradebot/exchange/venue_client.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::trading {

// What became of one order, as far as the venue told us.
enum class order_result_kind : std::uint8_t {
    filled,     // completely
    partial,    // final with part of the quantity (IOC / cancelled remainder); see filled_quantity
    rejected,   // the venue refused it: nothing happened (see error)
    unresolved  // neither the answer nor every lookup by client id could say: reconcile later
};

[[nodiscard]] std::string_view to_string(order_result_kind k) noexcept;

struct order_outcome {
    order_result_kind kind = order_result_kind::unresolved;
    std::int64_t journal_id = 0;
    core::client_order_id client_id;
    std::string venue_order_id;
    core::decimal filled_quantity;
    core::decimal average_price;
    std::optional<exchange::error> error;
};

struct market_order {
    std::int64_t position_id = 0;
    core::order_purpose purpose = core::order_purpose::entry;
    core::symbol symbol;
    core::side side = core::side::buy;
    core::decimal quantity;
    bool reduce_only = false;
    // Sent as LIMIT IOC at this price instead (trading.entry_order_type limit_ioc): what does not
    // fill at once expires on the venue, so nothing is left resting; a partial or zero fill comes
    // back as partial / rejected (no error) with the filled quantity.
    std::optional<core::decimal> ioc_limit;
    exchange::request_priority priority = exchange::request_priority::normal;
    // Set when the journal row was written already (with the position row, for an entry): the
    // order goes out under this row and client id instead of a new attempt.
    std::optional<db::order_store::journaled> journaled;
};

struct order_executor_options {
    core::mode mode = core::mode::test;
    // A market order the venue acknowledged but did not report final yet is looked up by client
    // id this many times, this far apart, before it counts as unresolved.
    int final_state_lookups = 5;
    std::chrono::milliseconds lookup_interval{200};
};

// The journal's status for a venue order state (one mapping for every writer of the journal).
db::order_status journal_status(exchange::order_status s);

// Sends one market (or limit IOC) order the only safe way: the journal row (with the client order id derived
// from the position, the purpose and the next attempt number) is written first; then the request;
// then the answer, or, when the outcome is unknown, a lookup by that client id. The same id is
// never sent twice and a failed send is never "retried" with a new id blindly: a second attempt
// is a new journal row with attempt + 1, made only by a caller that knows the first one failed.
//
// Stateless apart from its references; call from the owning component's strand.
class order_executor {
public:
    order_executor(exchange::venue_client& venue, db::order_store& journal, order_executor_options options,
                   std::shared_ptr<spdlog::logger> log);

    [[nodiscard]] boost::asio::awaitable<order_outcome> market(market_order order);
    // The journal row market() writes for `order` (position_id as given).
    [[nodiscard]] db::order_record journal_row(const market_order& order) const;
    // A journalled order that will not be sent: its row ends canceled with `why`.
    [[nodiscard]] boost::asio::awaitable<void> abandon(std::int64_t journal_id, std::string why);

    // Resolves a journalled order whose outcome is not known (after a restart or a timeout):
    // asks the venue by client id and records what it says.
    [[nodiscard]] boost::asio::awaitable<order_outcome> resolve(std::int64_t journal_id, core::symbol symbol,
                                                                core::client_order_id client_id);

private:
    boost::asio::awaitable<order_outcome> await_final(order_outcome outcome, core::symbol symbol);
    boost::asio::awaitable<void> record(const order_outcome& outcome, const std::optional<exchange::order_state>& state);

    exchange::venue_client& venue_;
    db::order_store& journal_;
    order_executor_options options_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace tradebot::trading
