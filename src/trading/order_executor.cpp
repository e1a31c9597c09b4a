#include "tradebot/trading/order_executor.hpp"

#include <utility>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "tradebot/db/order_store.hpp"
#include "tradebot/logging/crash_point.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

std::string_view to_string(order_result_kind k) noexcept {
    switch (k) {
        case order_result_kind::filled: return "filled";
        case order_result_kind::partial: return "partial";
        case order_result_kind::rejected: return "rejected";
        case order_result_kind::unresolved: return "unresolved";
    }
    return "unknown";
}

db::order_status journal_status(exchange::order_status s) {
    switch (s) {
        case exchange::order_status::new_: return db::order_status::new_;
        case exchange::order_status::partially_filled: return db::order_status::partially_filled;
        case exchange::order_status::filled: return db::order_status::filled;
        case exchange::order_status::canceled: return db::order_status::canceled;
        case exchange::order_status::rejected: return db::order_status::rejected;
        case exchange::order_status::expired: return db::order_status::expired;
    }
    return db::order_status::unknown;
}

namespace {

// What a final venue state means for the caller.
order_result_kind kind_of(const exchange::order_state& s) {
    if (s.filled_quantity.is_zero()) {
        return s.status == exchange::order_status::filled ? order_result_kind::filled : order_result_kind::rejected;
    }
    return s.status == exchange::order_status::filled ? order_result_kind::filled : order_result_kind::partial;
}

void take_state(order_outcome& out, const exchange::order_state& s) {
    out.venue_order_id = s.venue_order_id;
    out.filled_quantity = s.filled_quantity;
    out.average_price = s.average_price;
    out.kind = exchange::is_final(s.status) ? kind_of(s) : order_result_kind::unresolved;
}

}  // namespace

order_executor::order_executor(exchange::venue_client& venue, db::order_store& journal,
                               order_executor_options options, std::shared_ptr<spdlog::logger> log)
    : venue_{venue}, journal_{journal}, options_{options}, log_{std::move(log)} {}

db::order_record order_executor::journal_row(const market_order& order) const {
    db::order_record row;
    row.position_id = order.position_id;
    row.exchange = venue_.venue();
    row.symbol = order.symbol;
    row.mode = options_.mode;
    row.purpose = order.purpose;
    row.side = order.side;
    row.type = order.ioc_limit ? core::order_type::limit : core::order_type::market;
    row.quantity = order.quantity;
    row.price = order.ioc_limit;
    row.reduce_only = order.reduce_only;
    return row;
}

asio::awaitable<void> order_executor::abandon(std::int64_t journal_id, std::string why) {
    db::order_update u;
    u.status = db::order_status::canceled;
    u.error_message = "not sent: " + why;
    auto saved = co_await journal_.update(journal_id, std::move(u));
    if (!saved) {
        logging::error(log_, "cannot end an unsent order's journal row", kv("journal_id", journal_id),
                       kv("error", saved.error().describe()));
    }
}

asio::awaitable<order_outcome> order_executor::market(market_order order) {
    order_outcome out;
    db::result<db::order_store::journaled> journaled = db::order_store::journaled{};
    if (order.journaled) {
        journaled = *order.journaled;
    } else {
        // The journal picks the attempt number and thereby the client id, atomically with the insert.
        auto row = journal_row(order);
        journaled = co_await journal_.insert_next_attempt(std::move(row));
    }
    if (!journaled) {
        exchange::error e;
        e.kind = exchange::error_kind::retryable;
        e.venue = venue_.venue();
        e.message = "order journal: " + journaled.error().describe();
        out.kind = order_result_kind::rejected;
        out.error = std::move(e);
        co_return out;
    }
    out.journal_id = journaled->id;
    out.client_id = journaled->client_id;
    logging::crash_point(log_, std::string{core::to_string(order.purpose)} + "_journaled");

    exchange::result<exchange::order_ack> ack;
    if (order.ioc_limit) {
        exchange::limit_order_request request;
        request.symbol = order.symbol;
        request.side = order.side;
        request.quantity = order.quantity;
        request.price = *order.ioc_limit;
        request.tif = exchange::time_in_force::ioc;
        request.reduce_only = order.reduce_only;
        request.client_id = out.client_id;
        ack = co_await venue_.place_limit_order(std::move(request), order.priority);
    } else {
        exchange::market_order_request request;
        request.symbol = order.symbol;
        request.side = order.side;
        request.quantity = order.quantity;
        request.reduce_only = order.reduce_only;
        request.client_id = out.client_id;
        ack = co_await venue_.place_market_order(std::move(request), order.priority);
    }
    logging::crash_point(log_, std::string{core::to_string(order.purpose)} + "_sent");
    if (ack) {
        out.venue_order_id = ack->venue_order_id;
        if (ack->state) {
            take_state(out, *ack->state);
        }
        co_await record(out, ack->state);
        logging::crash_point(log_, std::string{core::to_string(order.purpose)} + "_recorded");
        if (out.kind == order_result_kind::unresolved) {
            out = co_await await_final(std::move(out), order.symbol);
        }
        co_return out;
    }
    out.error = ack.error();
    const auto kind = ack.error().kind;
    if (kind == exchange::error_kind::unknown_outcome || kind == exchange::error_kind::bad_response ||
        kind == exchange::error_kind::duplicate_client_id) {
        // It may exist: only the venue can say, asked by the id we sent.
        logging::warn(log_, "order outcome unknown, looking it up", kv("client_id", out.client_id.str()),
                      kv("error", ack.error().describe()));
        out.kind = order_result_kind::unresolved;
        co_await record(out, std::nullopt);
        out = co_await await_final(std::move(out), order.symbol);
        co_return out;
    }
    out.kind = order_result_kind::rejected;
    co_await record(out, std::nullopt);
    co_return out;
}

asio::awaitable<order_outcome> order_executor::resolve(std::int64_t journal_id, core::symbol symbol,
                                                       core::client_order_id client_id) {
    order_outcome out;
    out.journal_id = journal_id;
    out.client_id = client_id;
    out = co_await await_final(std::move(out), std::move(symbol));
    co_return out;
}

asio::awaitable<order_outcome> order_executor::await_final(order_outcome out, core::symbol symbol) {
    asio::steady_timer timer{co_await asio::this_coro::executor};
    for (int i = 0; i < options_.final_state_lookups; ++i) {
        if (i > 0) {
            timer.expires_after(options_.lookup_interval);
            boost::system::error_code ec;
            co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        auto state = co_await venue_.query_order(symbol, out.client_id);
        if (state) {
            take_state(out, *state);
            if (out.kind != order_result_kind::unresolved) {
                out.error.reset();
                co_await record(out, *state);
                co_return out;
            }
            continue;
        }
        if (state.error().kind == exchange::error_kind::unknown_order) {
            // The venue never took it (Bybit's lookup also covers its history, per the adapter).
            out.kind = order_result_kind::rejected;
            out.error = state.error();
            co_await record(out, std::nullopt);
            co_return out;
        }
        out.error = state.error();
    }
    logging::error(log_, "order still unresolved after lookups", kv("client_id", out.client_id.str()),
                   kv("lookups", options_.final_state_lookups));
    co_return out;
}

asio::awaitable<void> order_executor::record(const order_outcome& out,
                                             const std::optional<exchange::order_state>& state) {
    db::order_update u;
    u.status = state ? journal_status(state->status)
                     : (out.kind == order_result_kind::rejected ? db::order_status::rejected : db::order_status::unknown);
    u.filled_quantity = out.filled_quantity;
    if (!out.average_price.is_zero()) {
        u.average_price = out.average_price;
    }
    if (!out.venue_order_id.empty()) {
        u.venue_order_id = out.venue_order_id;
    }
    if (out.error) {
        u.error_code = std::to_string(out.error->venue_code);
        u.error_message = out.error->message;
    }
    auto saved = co_await journal_.update(out.journal_id, std::move(u));
    if (!saved) {
        // The venue is the truth; the next reconcile pass brings the row up to date.
        logging::error(log_, "order journal update failed", kv("client_id", out.client_id.str()),
                       kv("error", saved.error().describe()));
    }
}

}  // namespace tradebot::trading
