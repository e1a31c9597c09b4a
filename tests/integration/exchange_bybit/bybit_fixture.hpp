#pragma once

// The Bybit adapter wired as the daemon wires it, against a real tradebot-sim over TLS: one
// io_context on one background thread; tests drive coroutines with run() and watch router events.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "tradebot/core/clock.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/exchange/bybit/client.hpp"
#include "tradebot/exchange/bybit/private_stream.hpp"
#include "tradebot/exchange/bybit/public_stream.hpp"
#include "tradebot/exchange/bybit/rest_client.hpp"
#include "tradebot/net/https_client.hpp"
#include "tradebot_test/sim_process.hpp"

namespace tradebot::exchange::bybit::testing {

using namespace std::chrono_literals;

// Collects the values of one router topic, thread-safe, with a blocking wait.
template <class T>
class collector {
public:
    collector(events::topic<T>& topic, boost::asio::any_io_executor ex)
        : sub_{topic.subscribe(ex, [this](const T& v) {
              const std::lock_guard lock{mutex_};
              values_.push_back(v);
              cv_.notify_all();
          })} {}

    bool wait_for(const std::function<bool(const T&)>& pred, std::chrono::milliseconds timeout) {
        std::unique_lock lock{mutex_};
        return cv_.wait_for(lock, timeout, [&] {
            for (const auto& v : values_) {
                if (pred(v)) return true;
            }
            return false;
        });
    }
    std::vector<T> values() const {
        const std::lock_guard lock{mutex_};
        return values_;
    }
    void clear() {
        const std::lock_guard lock{mutex_};
        values_.clear();
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<T> values_;
    events::subscription sub_;
};

class bybit_sim_test : public ::testing::Test {
protected:
    explicit bybit_sim_test(const std::string& scenario = "default") : sim_{scenario} {}

    void SetUp() override {
        std::string why;
        ASSERT_TRUE(sim_.started(&why)) << why;
        runner_ = std::thread{[this] { io_.run(); }};

        net::https_client_options http_opts;
        http_opts.base_url = sim_.bybit_url();
        http_opts.ca_file = sim_.cert().string();
        http_opts.connect_timeout = 2s;
        http_opts.default_timeout = 3s;
        http_ = std::make_unique<net::https_client>(io_, http_opts);
        ASSERT_FALSE(http_->init_error()) << http_->init_error().message();

        rest_options rest_opts;
        rest_opts.timeout = 2s;
        rest_ = std::make_unique<rest_client>(*http_, creds(), sync_, limiter_, clock_, &metrics_, rest_opts);
        venue_ = std::make_unique<client>(*rest_, symbols_);
    }

    void TearDown() override {
        if (private_) private_->stop();
        if (public_) public_->stop();
        // Destroy everything that posts to the io_context on the io thread's terms, then stop it.
        private_.reset();
        public_.reset();
        guard_.reset();
        io_.stop();
        if (runner_.joinable()) runner_.join();
        venue_.reset();
        rest_.reset();
        http_.reset();
    }

    static api_credentials creds() { return {test::sim_process::api_key, test::sim_process::api_secret}; }

    template <class T>
    T run(boost::asio::awaitable<T> task, std::chrono::milliseconds timeout = 15s) {
        auto f = boost::asio::co_spawn(io_, std::move(task), boost::asio::use_future);
        if (f.wait_for(timeout) != std::future_status::ready) {
            ADD_FAILURE() << "coroutine did not finish in time";
            std::abort();  // the io thread still references the frame: nothing safe to do
        }
        return f.get();
    }

    std::pair<int, std::string> control(const std::string& path, const std::string& body) {
        return sim_.control(sim_.bybit_port(), "POST", path, body);
    }
    void fault(const std::string& body) {
        const auto [status, text] = control("/sim/fault", body);
        ASSERT_EQ(status, 200) << text;
    }
    void price(const std::string& symbol, const std::string& value) {
        const auto [status, text] = control("/sim/price", R"({"symbol":")" + symbol + R"(","price":")" + value + R"("})");
        ASSERT_EQ(status, 200) << text;
    }

    void load() {
        auto r = run(venue_->load_instruments());
        ASSERT_TRUE(r.has_value()) << r.error().describe();
    }

    private_stream& start_private(std::chrono::milliseconds stall = 0ms) {
        private_stream_options o;
        o.ws_base = sim_.bybit_ws_url();
        o.ca_file = sim_.cert().string();
        o.idle_timeout = 3s;
        o.stall_timeout = stall;
        o.backoff.initial = 100ms;
        o.backoff.max = 500ms;
        private_ = std::make_unique<private_stream>(io_, o, creds(), symbols_, sync_, clock_, router_, &metrics_);
        private_->start();
        return *private_;
    }

    public_stream& start_public(std::chrono::milliseconds stall = 30s) {
        public_stream_options o;
        o.ws_base = sim_.bybit_ws_url();
        o.ca_file = sim_.cert().string();
        o.idle_timeout = 3s;
        o.stall_timeout = stall;
        o.backoff.initial = 100ms;
        o.backoff.max = 500ms;
        public_ = std::make_unique<public_stream>(io_, o, symbols_, clock_, router_, &metrics_);
        public_->start();
        return *public_;
    }

    static bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < end) {
            if (pred()) return true;
            std::this_thread::sleep_for(20ms);
        }
        return pred();
    }

    static core::client_order_id id(std::int64_t position, core::order_purpose p = core::order_purpose::entry,
                                    std::uint16_t attempt = 0) {
        return core::client_order_id{position, p, attempt, false};
    }
    static core::symbol sym(std::string_view s) { return core::symbol::from_string(s); }

    test::sim_process sim_;
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{io_.get_executor()};
    std::thread runner_;
    core::system_clock clock_;
    prometheus::Registry registry_;
    events::router router_{registry_};
    venue_metrics metrics_{registry_, core::exchange_id::bybit};
    time_sync sync_{clock_};
    rate_limiter limiter_{io_.get_executor(), clock_, bybit_limits()};
    symbol_map symbols_{core::exchange_id::bybit};
    std::unique_ptr<net::https_client> http_;
    std::unique_ptr<rest_client> rest_;
    std::unique_ptr<client> venue_;
    std::unique_ptr<private_stream> private_;
    std::unique_ptr<public_stream> public_;
};

}  // namespace tradebot::exchange::bybit::testing
