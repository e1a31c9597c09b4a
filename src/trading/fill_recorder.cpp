#include "trading/fill_recorder.hpp"

#include <string>
#include <utility>

#include "trading/journal_backlog.hpp"
#include "trading/task_group.hpp"
#include "tradebot/core/ids.hpp"
#include "tradebot/db/trade_store.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

fill_recorder::fill_recorder(position_book& book, db::trade_store& trades, core::mode mode, task_group& tasks,
                             std::shared_ptr<spdlog::logger> log)
    : book_{book}, trades_{trades}, mode_{mode}, tasks_{tasks}, log_{std::move(log)} {}

std::optional<db::trade_record> fill_recorder::row_of(const events::order_update& u, core::mode mode,
                                                      std::optional<std::int64_t> live_position) {
    if (!u.last_fill_quantity.is_positive() || !u.last_fill_price.is_positive()) {
        return std::nullopt;
    }
    db::trade_record t;
    t.exchange = u.exchange;
    t.symbol = u.symbol;
    t.mode = mode;
    // A venue that names no trade: the order and its cumulative fill identify this fill just as
    // well, and a replayed report gives the same key.
    t.exchange_trade_id =
        !u.trade_id.empty() ? u.trade_id : u.exchange_order_id + ":" + u.filled_quantity.normalized().to_string();
    t.side = u.side;
    t.quantity = u.last_fill_quantity;
    t.price = u.last_fill_price;
    t.fee = u.fee;
    if (!u.fee_asset.empty()) {
        t.fee_asset = u.fee_asset;
    }
    t.realized_pnl = u.realized_pnl;
    // The venue's time of the fill decides its day (the daily loss limit); our receipt if it gave none.
    t.ts = u.exchange_ts != events::time_point{} ? u.exchange_ts : u.receive_ts;
    if (const auto ours = core::client_order_id::parse(u.client_order_id)) {
        t.position_id = ours->position_id;
        t.client_order_id = u.client_order_id;
    } else {
        t.position_id = live_position;
    }
    return t;
}

void fill_recorder::on_order(const events::order_update& u) {
    std::optional<std::int64_t> live;
    if (const auto* pos = book_.find(u.symbol)) {
        live = pos->id;
    }
    if (auto row = row_of(u, mode_, live)) {
        tasks_.spawn(write(std::move(*row)), "record fill");
    }
}

asio::awaitable<void> fill_recorder::write(db::trade_record t) {
    const auto id = t.exchange_trade_id;
    const auto position = t.position_id.value_or(0);
    auto kept = t;
    auto saved = co_await trades_.insert_fill(std::move(t));
    if (saved) {
        co_return;
    }
    const bool later = journal_backlog::unavailable(saved.error());
    logging::warn(log_, "fill not recorded", kv("trade", id), kv("position", position),
                  kv("error", saved.error().describe()), kv("kept_to_write_later", later));
    if (!later) {
        // Refused, not unreachable: the daily PnL still counts the position's recorded close,
        // which has no exit fill row then.
        co_return;
    }
    book_.note_database_outage();  // the recovery that follows the outage calls retry()
    if (unwritten_.size() >= max_waiting) {
        logging::error(log_, "fill dropped: too many kept during the database outage",
                       kv("trade", unwritten_.front().exchange_trade_id), kv("kept", unwritten_.size()));
        unwritten_.pop_front();
    }
    unwritten_.push_back(std::move(kept));
}

asio::awaitable<bool> fill_recorder::retry() {
    if (retrying_ || unwritten_.empty()) {
        co_return unwritten_.empty();
    }
    retrying_ = true;
    std::size_t written = 0;
    while (!unwritten_.empty()) {
        auto row = unwritten_.front();
        auto saved = co_await trades_.insert_fill(std::move(row));
        if (!saved && journal_backlog::unavailable(saved.error())) {
            break;
        }
        if (saved) {
            ++written;
        } else {
            logging::warn(log_, "fill kept during the outage cannot be written",
                          kv("trade", unwritten_.front().exchange_trade_id), kv("error", saved.error().describe()));
        }
        unwritten_.pop_front();
    }
    retrying_ = false;
    if (written > 0) {
        logging::info(log_, "fills recorded after the database came back", kv("written", written),
                      kv("still_waiting", unwritten_.size()));
    }
    co_return unwritten_.empty();
}

}  // namespace tradebot::trading
