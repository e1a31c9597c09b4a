#include "tradebot/pipeline/portfolio_reader.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::pipeline {

namespace asio = boost::asio;
using logging::kv;

portfolio_reader::portfolio_reader(trading_port& port, const config::settings& settings, const core::clock& clock)
    : port_{port}, settings_{settings}, clock_{clock}, log_{logging::get("signals")} {}

portfolio_reader::~portfolio_reader() { files_.join(); }

asio::awaitable<trading::portfolio> portfolio_reader::read(core::exchange_id venue) {
    trading::portfolio p;
    p.kill_switch = co_await kill_switch();
    p.realized_pnl_today = co_await pnl_today();  // nullopt: unknown, the risk check fails closed
    co_await add_balance(p, venue);
    co_return p;
}

asio::awaitable<void> portfolio_reader::add_balance(trading::portfolio& p, core::exchange_id venue) {
    const auto venues = port_.venues();
    if (std::find(venues.begin(), venues.end(), venue) == venues.end()) {
        co_return;  // not enabled: no balance, the risk check says balance_unknown
    }
    auto balances = co_await port_.balances(venue);
    if (!balances) {
        co_return;  // unknown balance: the risk check fails closed (balance_unknown)
    }
    for (const auto& b : *balances) {
        if (b.asset == "USDT") {
            p.free_balance_usd[venue] = b.available;
        }
    }
}

asio::awaitable<bool> portfolio_reader::kill_switch() {
    if (settings_.risk.kill_switch_file.empty()) {
        co_return false;  // no file to look at: no hop to the file thread (the backtest stays deterministic)
    }
    // The file is looked at once a second at most: the hop to the file thread and back costs
    // more than the rest of a signal's decision, and a second is soon enough to stop entries.
    const auto now = clock_.steady_now();
    if (kill_checked_ && now - *kill_checked_ < kill_switch_recheck) {
        co_return kill_active_;
    }
    // Named before co_await: GCC 12 destroys a capturing temporary closure twice there.
    auto check = [path = settings_.risk.kill_switch_file]() -> asio::awaitable<bool> {
        co_return trading::kill_switch_active(path);
    };
    kill_active_ = co_await asio::co_spawn(files_, std::move(check), asio::use_awaitable);
    kill_checked_ = now;
    co_return kill_active_;
}

asio::awaitable<std::optional<core::decimal>> portfolio_reader::pnl_today() {
    const auto day = std::chrono::floor<std::chrono::days>(clock_.now());  // the UTC day
    const auto generation = port_.pnl_generation();
    const auto limit = settings_.trading.account_cache_ms;
    if (pnl_ && pnl_->day == day && pnl_->generation == generation && limit.count() > 0 &&
        clock_.steady_now() - pnl_->at < limit) {
        co_return pnl_->value;
    }
    const auto at = clock_.steady_now();
    auto pnl = co_await port_.realized_pnl_since(day);
    if (!pnl) {
        pnl_.reset();
        logging::warn(log_, "daily PnL unknown", kv("error", pnl.error().describe()));
        co_return std::nullopt;
    }
    pnl_ = pnl_read{day, generation, at, *pnl};
    co_return *pnl;
}

}  // namespace tradebot::pipeline
