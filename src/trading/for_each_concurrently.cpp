#include "trading/for_each_concurrently.hpp"

#include <utility>

#include <boost/asio/experimental/awaitable_operators.hpp>

namespace tradebot::trading {

namespace asio = boost::asio;

namespace {

// Runs `n` copies of `worker` at once and returns when all have.
asio::awaitable<void> concurrently_run_workers(int n, const std::function<asio::awaitable<void>()>& worker) {
    if (n <= 1) {
        co_await worker();
        co_return;
    }
    using namespace asio::experimental::awaitable_operators;
    auto left = concurrently_run_workers(n / 2, worker);
    auto right = concurrently_run_workers(n - n / 2, worker);
    co_await (std::move(left) && std::move(right));
}

}  // namespace

asio::awaitable<void> for_each_concurrently(std::vector<core::symbol> symbols, int concurrency,
                                            const std::function<asio::awaitable<void>(core::symbol)>& work) {
    // Workers on one strand take the next symbol in turn; they interleave only at their co_await
    // points, so the shared index needs no lock.
    std::size_t next = 0;
    const std::function<asio::awaitable<void>()> worker = [&]() -> asio::awaitable<void> {
        while (next < symbols.size()) {
            auto symbol = symbols[next++];
            co_await work(std::move(symbol));
        }
    };
    co_await concurrently_run_workers(concurrency, worker);
}

}  // namespace tradebot::trading
