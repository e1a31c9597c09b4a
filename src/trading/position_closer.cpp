#include "trading/position_closer.hpp"

#include <chrono>
#include <utility>

#include "trading/position_recorder.hpp"
#include "tradebot/logging/crash_point.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/trading/order_executor.hpp"
#include "tradebot/trading/stop_loss_manager.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

namespace {

// How long a failed close waits before the next price may try again.
constexpr std::chrono::seconds close_retry_pause{30};

}  // namespace

position_closer::position_closer(position_book& book, position_recorder& recorder, order_executor& orders,
                                 stop_loss_manager& stops, const core::clock& clock,
                                 std::shared_ptr<spdlog::logger> log)
    : book_{book}, recorder_{recorder}, orders_{orders}, stops_{stops}, clock_{clock}, log_{std::move(log)} {}

asio::awaitable<bool> position_closer::close(core::symbol symbol, std::string reason) {
    auto* pos = book_.find(symbol);
    if (pos == nullptr || pos->busy) {
        co_return false;
    }
    pos->busy = true;
    co_await close_live(symbol, core::order_purpose::manual_close, std::move(reason));
    co_return book_.find(symbol) == nullptr;
}

asio::awaitable<void> position_closer::close_live(core::symbol symbol, core::order_purpose purpose,
                                                  std::string reason) {
    const auto* pos = book_.find(symbol);
    if (pos == nullptr) {
        co_return;
    }
    const auto id = pos->id;
    db::position_update closing;  // named: no temporaries in a co_await (GCC 12, ARCHITECTURE.md §8)
    (void)co_await recorder_.save(*pos, db::position_state::closing, std::move(closing), "closing");
    logging::crash_point(log_, "closing_saved");
    pos = book_.find(symbol, id);
    if (pos == nullptr) {
        co_return;
    }
    market_order exit;
    exit.position_id = id;
    exit.purpose = purpose;
    exit.symbol = symbol;
    exit.side = core::exit_side(pos->side);
    exit.quantity = pos->quantity;
    exit.reduce_only = true;
    exit.priority = exchange::request_priority::critical;
    auto done = co_await orders_.market(std::move(exit));
    auto* after = book_.find(symbol, id);
    if (after == nullptr) {
        co_return;
    }
    if (done.kind == order_result_kind::filled) {
        auto closed = book_.untrack(symbol);
        co_await stops_.cancel_all(symbol);
        logging::crash_point(log_, "close_stops_cancelled");
        co_await recorder_.record_closed(std::move(*closed), done.average_price, std::move(reason));
        logging::crash_point(log_, "close_recorded");
        co_return;
    }
    after->busy = false;
    after->retry_after = clock_.now() + close_retry_pause;
    logging::error(log_, "close did not fill", kv("position", id), kv("symbol", symbol.str()), kv("reason", reason),
                   kv("result", to_string(done.kind)),
                   kv("error", done.error ? done.error->describe() : std::string{}));
}

}  // namespace tradebot::trading
