#include "backtest/backtest_port.hpp"

#include "tradebot/pipeline/book_view.hpp"

namespace tradebot::backtest {

namespace asio = boost::asio;

const backtest_port::venue* backtest_port::find(core::exchange_id id) const {
    const auto it = venues_.find(id);
    return it == venues_.end() ? nullptr : &it->second;
}

exchange::error backtest_port::not_enabled(core::exchange_id id) {
    exchange::error e;
    e.kind = exchange::error_kind::invalid_request;
    e.venue = id;
    e.message = "exchange not enabled";
    return e;
}

asio::awaitable<trading::open_result> backtest_port::open(trading::entry_intent intent) {
    const auto* v = find(intent.exchange);
    if (v == nullptr) {
        trading::open_result r;
        r.reason = "exchange not enabled: " + std::string{core::to_string(intent.exchange)};
        co_return r;
    }
    co_return co_await v->manager->open(std::move(intent));
}

asio::awaitable<exchange::result<exchange::mark_price_state>> backtest_port::mark(core::exchange_id id,
                                                                                  core::symbol symbol) {
    const auto* v = find(id);
    if (v == nullptr) {
        co_return not_enabled(id);
    }
    co_return co_await v->client->mark_price(std::move(symbol), exchange::request_priority::normal);
}

asio::awaitable<exchange::result<exchange::market_stats_state>> backtest_port::market_stats(
    core::exchange_id id, exchange::market_stats_request request) {
    const auto* v = find(id);
    if (v == nullptr) {
        co_return not_enabled(id);
    }
    co_return co_await v->client->market_stats(std::move(request), exchange::request_priority::normal);
}

asio::awaitable<exchange::result<exchange::book_top_state>> backtest_port::book_top(core::exchange_id id,
                                                                                   core::symbol symbol,
                                                                                   pipeline::quote_wait /*wait*/) {
    auto m = co_await mark(id, std::move(symbol));
    if (!m) {
        co_return m.error();
    }
    co_return exchange::book_top_state{m->symbol, m->mark_price, m->mark_price, m->time_ms};
}

asio::awaitable<exchange::result<std::vector<exchange::balance_state>>> backtest_port::balances(core::exchange_id id) {
    const auto* v = find(id);
    if (v == nullptr) {
        co_return not_enabled(id);
    }
    co_return co_await v->client->balances();
}

asio::awaitable<db::result<core::decimal>> backtest_port::realized_pnl_since(core::clock::time_point since) {
    core::decimal sum;
    for (const auto& [id, row] : positions_.rows) {
        if (row.state == db::position_state::closed && row.closed_at && *row.closed_at >= since && row.realized_pnl) {
            sum += *row.realized_pnl;
        }
    }
    co_return sum;
}

std::uint64_t backtest_port::pnl_generation() const { return positions_.ended(); }

const exchange::instrument_rules* backtest_port::rules(core::exchange_id id, const core::symbol& s) const {
    const auto* v = find(id);
    return v == nullptr ? nullptr : v->manager->rules(s);
}

std::vector<trading::position_exposure> backtest_port::exposures() const {
    std::vector<trading::position_exposure> out;
    for (const auto& [id, v] : venues_) {
        pipeline::append_exposures(id, *v.manager, settings_.trading.position_size_usd, out);
    }
    return out;
}

void backtest_port::open_keys(signals::key_set& out) const {
    out.clear();
    for (const auto& [id, v] : venues_) {
        pipeline::append_open_keys(id, *v.manager, out);
    }
}

std::vector<core::exchange_id> backtest_port::venues() const {
    std::vector<core::exchange_id> out;
    for (const auto& [id, v] : venues_) {
        out.push_back(id);
    }
    return out;
}

}  // namespace tradebot::backtest
