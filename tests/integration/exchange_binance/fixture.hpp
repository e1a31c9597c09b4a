#pragma once

// One real tradebot-sim over TLS, and the Binance adapter wired to it as the daemon would.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "tradebot/events/router.hpp"
#include "tradebot/exchange/binance/client.hpp"
#include "tradebot/exchange/binance/market_stream.hpp"
#include "tradebot/exchange/binance/user_stream.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot_test/sim_process.hpp"

namespace tradebot::exchange::binance::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class binance_sim_test : public ::testing::Test {
protected:
    // `scenario`: as tradebot::test::sim_process takes it (a config/sim name or a YAML path).
    explicit binance_sim_test(const std::string& scenario = "default") : sim_{scenario} {}

    void SetUp() override {
        std::string why;
        ASSERT_TRUE(sim_.started(&why)) << why;
        net::https_client_options h;
        h.base_url = sim_.binance_url();
        h.ca_file = sim_.cert().string();
        h.connect_timeout = 2s;
        http_ = std::make_unique<net::https_client>(io_, h);
        limiter_ = std::make_unique<rate_limiter>(io_.get_executor(), clock_, binance_limits());
        sync_ = std::make_unique<time_sync>(clock_);
        metrics_ = std::make_unique<venue_metrics>(registry_, core::exchange_id::binance);
        rest_options ro;
        ro.timeout = rest_timeout();
        rest_ = std::make_unique<rest_client>(*http_, api_credentials{tradebot::test::sim_process::api_key, tradebot::test::sim_process::api_secret},
                                              *limiter_, *sync_, clock_, metrics_.get(), log_, ro);
        client_ = std::make_unique<client>(*rest_, symbols_, log_);
        orders_ = &router_.topic<events::order_update>(events::topic_name::order_update);
        positions_ = &router_.topic<events::position_update>(events::topic_name::position_update);
        balances_ = &router_.topic<events::balance_update>(events::topic_name::balance_update);
        states_ = &router_.topic<events::stream_state>(events::topic_name::stream_state);
        marks_ = &router_.topic<events::mark_price>(events::topic_name::mark_price,
                                                    events::policy::coalesce_by_key{events::by_venue_symbol{}});
        subs_.push_back(orders_->subscribe(io_.get_executor(), [this](const events::order_update& u) { order_events_.push_back(u); }));
        subs_.push_back(positions_->subscribe(io_.get_executor(), [this](const events::position_update& u) { position_events_.push_back(u); }));
        subs_.push_back(states_->subscribe(io_.get_executor(), [this](const events::stream_state& s) { state_events_.push_back(s); }));
        subs_.push_back(marks_->subscribe(io_.get_executor(), [this](const events::mark_price& m) { mark_events_.push_back(m); }));
        auto loaded = run(client_->load_instruments());
        ASSERT_TRUE(loaded) << loaded.error().describe();
        ASSERT_FALSE(loaded->empty());
    }

    void TearDown() override {
        if (user_) user_->stop();
        if (market_) market_->stop();
        io_.restart();
        io_.run_for(100ms);
        user_.reset();
        market_.reset();
        io_.run_for(50ms);
    }

    virtual std::chrono::milliseconds rest_timeout() const { return 3s; }

    // Runs `a` on the io_context until it completes (or `limit` passes: test failure).
    template <class T>
    T run(asio::awaitable<T> a, std::chrono::milliseconds limit = 20s) {
        std::optional<T> out;
        asio::co_spawn(io_, [&out, aw = std::move(a)]() mutable -> asio::awaitable<void> {
            out.emplace(co_await std::move(aw));
        }, asio::detached);
        pump_until([&] { return out.has_value(); }, limit);
        if (!out) {
            ADD_FAILURE() << "operation did not complete in time";
            std::abort();
        }
        return std::move(*out);
    }

    // Runs the io_context until `done` or the limit; true when done.
    bool pump_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done()) {
            if (std::chrono::steady_clock::now() >= deadline) return false;
            io_.restart();
            io_.run_for(10ms);
        }
        return true;
    }

    void control(const std::string& method, const std::string& path, const std::string& body = {}) {
        const auto [status, text] = sim_.control(sim_.binance_port(), method, path, body);
        ASSERT_EQ(status, 200) << path << " " << body << " -> " << text;
    }
    std::string sim_state() { return sim_.control(sim_.binance_port(), "GET", "/sim/state").second; }

    static core::symbol btc() { return core::symbol::from_string("BTCUSDT"); }
    // A BTC market buy: the entry of `position`.
    static market_order_request btc_entry(core::decimal quantity, std::int64_t position) {
        market_order_request r;
        r.symbol = btc();
        r.side = core::side::buy;
        r.quantity = quantity;
        r.client_id = cid(position, core::order_purpose::entry);
        return r;
    }
    static core::client_order_id cid(std::int64_t position, core::order_purpose p, std::uint16_t attempt = 0) {
        core::client_order_id id;
        id.position_id = position;
        id.purpose = p;
        id.attempt = attempt;
        return id;
    }

    void start_user_stream(std::chrono::milliseconds keepalive = std::chrono::minutes{30}) {
        user_stream_options o;
        o.ws_base = sim_.binance_ws_url();
        o.ca_file = sim_.cert().string();
        o.keepalive_interval = keepalive;
        o.retry_delay = 200ms;
        o.backoff.initial = 50ms;
        o.backoff.max = 500ms;
        user_ = std::make_unique<user_stream>(io_, *rest_, symbols_, user_stream_topics{orders_, positions_, balances_, states_},
                                              clock_, metrics_.get(), log_, o);
        user_->start();
        ASSERT_TRUE(pump_until([&] { return connected_count("private") >= 1; })) << "user stream did not connect";
    }

    void start_market_stream(std::chrono::milliseconds stall = 10s) {
        market_stream_options o;
        o.ws_base = sim_.binance_ws_url();
        o.ca_file = sim_.cert().string();
        o.stall_timeout = stall;
        o.backoff.initial = 50ms;
        o.backoff.max = 500ms;
        o.name = "mark_price";
        market_ = std::make_unique<market_stream>(io_, symbols_, marks_, states_, clock_, metrics_.get(), log_, o);
        market_->start();
    }

    [[nodiscard]] int connected_count(const std::string& stream) const {
        int n = 0;
        for (const auto& s : state_events_) n += s.stream == stream && s.status == events::stream_status::connected;
        return n;
    }
    [[nodiscard]] int status_count(const std::string& stream, events::stream_status st) const {
        int n = 0;
        for (const auto& s : state_events_) n += s.stream == stream && s.status == st;
        return n;
    }

    tradebot::test::sim_process sim_;
    asio::io_context io_;
    core::system_clock clock_;
    prometheus::Registry registry_;
    events::router router_{registry_};
    std::shared_ptr<spdlog::logger> log_ = logging::get("exchange");
    symbol_map symbols_{core::exchange_id::binance};
    std::unique_ptr<net::https_client> http_;
    std::unique_ptr<rate_limiter> limiter_;
    std::unique_ptr<time_sync> sync_;
    std::unique_ptr<venue_metrics> metrics_;
    std::unique_ptr<rest_client> rest_;
    std::unique_ptr<client> client_;
    std::unique_ptr<user_stream> user_;
    std::unique_ptr<market_stream> market_;

    events::topic<events::order_update>* orders_ = nullptr;
    events::topic<events::position_update>* positions_ = nullptr;
    events::topic<events::balance_update>* balances_ = nullptr;
    events::topic<events::stream_state>* states_ = nullptr;
    events::topic<events::mark_price>* marks_ = nullptr;
    std::vector<events::subscription> subs_;
    std::vector<events::order_update> order_events_;
    std::vector<events::position_update> position_events_;
    std::vector<events::stream_state> state_events_;
    std::vector<events::mark_price> mark_events_;
};

}  // namespace tradebot::exchange::binance::test
