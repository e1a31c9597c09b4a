#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "tradebot/exchange/api_credentials.hpp"
#include "tradebot/exchange/signing.hpp"
#include "tradebot/sim/bybit/venue.hpp"

namespace tradebot::sim::bybit::test {

namespace json = boost::json;
using namespace core::literals;

inline const core::symbol btc = core::symbol::from_string("BTCUSDT");

struct fake_peer final : wire::ws_peer {
    fake_peer(std::uint64_t id, std::string target) : id_{id}, target_{std::move(target)} {}
    [[nodiscard]] std::uint64_t id() const noexcept override { return id_; }
    [[nodiscard]] const std::string& target() const noexcept override { return target_; }
    void send(std::string text) override { frames.push_back(std::move(text)); }
    void close(std::uint16_t, std::string) override { closed = true; }

    json::object frame(std::size_t i) const { return json::parse(frames.at(i)).as_object(); }
    json::object last() const { return json::parse(frames.back()).as_object(); }
    // The frames whose "topic" equals `topic`.
    std::vector<json::object> on(std::string_view topic) const {
        std::vector<json::object> out;
        for (const auto& f : frames) {
            auto o = json::parse(f).as_object();
            if (o.contains("topic") && o["topic"].as_string() == topic) {
                out.push_back(o);
            }
        }
        return out;
    }

    std::uint64_t id_;
    std::string target_;
    std::vector<std::string> frames;
    bool closed = false;
};

inline engine::instrument btc_spec() {
    engine::instrument i;
    i.symbol = btc;
    i.base_asset = "BTC";
    i.tick_size = "0.1"_d;
    i.min_price = "0.1"_d;
    i.max_price = "1000000"_d;
    i.step_size = "0.001"_d;
    i.min_qty = "0.001"_d;
    i.max_qty = "1000"_d;
    i.market_max_qty = "120"_d;
    i.min_notional = "5"_d;
    i.max_leverage = 125;
    return i;
}

inline engine::market_prices prices_at(core::decimal mid) {
    engine::market_prices p;
    p.mark = mid;
    p.last = mid;
    p.index = mid;
    p.bid = mid - "0.1"_d;
    p.ask = mid + "0.1"_d;
    p.bid_qty = "5"_d;
    p.ask_qty = "5"_d;
    return p;
}

class bybit_test : public ::testing::Test {
protected:
    bybit_test() : venue_{clock_, engine::exchange_config{engine::venue::bybit, 7, {}, "USDT"}} {
        venue_.exchange().add_instrument(btc_spec());
        engine::account_config cfg;
        cfg.id = "key-1";
        venue_.add_account(cfg, "secret-1");
        venue_.on_price(btc, prices_at("60000"_d));
    }

    net::http_request signed_request(std::string method, std::string path, std::string payload,
                                     std::optional<std::int64_t> ts = std::nullopt, std::string secret = "secret-1",
                                     std::string key = "key-1") {
        net::http_request r;
        r.method = std::move(method);
        const std::int64_t t = ts.value_or(clock_.server_now_ms());
        const exchange::api_credentials creds{key, secret};
        r.headers = {{"X-BAPI-API-KEY", key},
                     {"X-BAPI-TIMESTAMP", std::to_string(t)},
                     {"X-BAPI-RECV-WINDOW", "5000"},
                     {"X-BAPI-SIGN", exchange::bybit_signature(creds, t, 5000, payload)}};
        if (r.method == "GET") {
            r.target = payload.empty() ? path : path + "?" + payload;
        } else {
            r.target = std::move(path);
            r.body = std::move(payload);
            r.headers.emplace_back("Content-Type", "application/json");
        }
        return r;
    }

    json::object get(std::string path, std::string query) { return parse(venue_.handle(signed_request("GET", path, query))); }
    json::object post(std::string path, std::string body) { return parse(venue_.handle(signed_request("POST", path, body))); }
    json::object get_public(std::string target) {
        net::http_request r;
        r.method = "GET";
        r.target = std::move(target);
        return parse(venue_.handle(r));
    }
    static json::object parse(const wire::reply& r) { return json::parse(r.response.body).as_object(); }

    static std::string str(const json::value& v) { return std::string{v.as_string()}; }
    static std::int64_t code(const json::object& o) { return o.at("retCode").as_int64(); }
    static std::string msg(const json::object& o) { return str(o.at("retMsg")); }
    static json::array list(const json::object& o) { return o.at("result").at("list").as_array(); }

    json::object market(std::string side, std::string qty, std::string extra = "") {
        return post("/v5/order/create", R"({"category":"linear","symbol":"BTCUSDT","side":")" + side +
                                            R"(","orderType":"Market","qty":")" + qty + "\"" + extra + "}");
    }
    json::object limit(std::string side, std::string qty, std::string price, std::string extra = "") {
        return post("/v5/order/create", R"({"category":"linear","symbol":"BTCUSDT","side":")" + side +
                                            R"(","orderType":"Limit","qty":")" + qty + R"(","price":")" + price +
                                            "\"" + extra + "}");
    }

    wire::sim_clock clock_;
    bybit::venue venue_;
};

}  // namespace tradebot::sim::bybit::test
