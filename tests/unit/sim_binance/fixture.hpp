#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "tradebot/exchange/signing.hpp"
#include "tradebot/sim/binance/venue.hpp"

namespace tradebot::sim::binance::test {

using namespace core::literals;

inline const core::symbol btc = core::symbol::from_string("BTCUSDT");
inline const std::string key = "key-1";
inline const std::string secret = "secret-1";

class fake_peer final : public wire::ws_peer {
public:
    fake_peer(std::uint64_t id, std::string target) : id_{id}, target_{std::move(target)} {}
    [[nodiscard]] std::uint64_t id() const noexcept override { return id_; }
    [[nodiscard]] const std::string& target() const noexcept override { return target_; }
    void send(std::string text) override { frames.push_back(std::move(text)); }
    void close(std::uint16_t code, std::string reason) override {
        closed = true;
        close_code = code;
        close_reason = std::move(reason);
    }
    std::vector<std::string> frames;
    bool closed = false;
    std::uint16_t close_code = 0;
    std::string close_reason;
    // Frames parsed as JSON objects whose "e" (or data.e) equals `type`.
    [[nodiscard]] std::vector<boost::json::object> events(std::string_view type) const {
        std::vector<boost::json::object> out;
        for (const auto& f : frames) {
            auto v = boost::json::parse(f).as_object();
            const auto* d = v.if_contains("data");
            const auto& o = d != nullptr ? d->as_object() : v;
            if (const auto* e = o.if_contains("e"); e != nullptr && e->is_string() && e->as_string() == type) {
                out.push_back(o);
            }
        }
        return out;
    }

private:
    std::uint64_t id_;
    std::string target_;
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
    i.multiplier_up = "1.05"_d;
    i.multiplier_down = "0.95"_d;
    i.price_precision = 2;
    i.qty_precision = 3;
    return i;
}

inline engine::market_prices at(core::decimal mid) {
    engine::market_prices p;
    p.mark = p.last = p.index = mid;
    p.bid = mid - "0.1"_d;
    p.ask = mid + "0.1"_d;
    p.bid_qty = p.ask_qty = "10"_d;
    return p;
}

struct response {
    unsigned status = 0;
    boost::json::value body;
    wire::reply raw;
    [[nodiscard]] std::optional<std::string> header(std::string_view name) const {
        for (const auto& [k, v] : raw.response.headers) {
            if (k == name) return v;
        }
        return std::nullopt;
    }
    [[nodiscard]] std::int64_t code() const { return body.as_object().at("code").to_number<std::int64_t>(); }
    [[nodiscard]] std::string msg() const { return std::string{body.as_object().at("msg").as_string()}; }
    [[nodiscard]] std::string str(std::string_view f) const { return std::string{body.as_object().at(f).as_string()}; }
};

class binance_test : public ::testing::Test {
protected:
    binance_test() : venue_{clock_, config()} {
        venue_.exchange().add_instrument(btc_spec());
        engine::account_config a;
        a.id = key;
        a.initial_balance = "10000"_d;
        a.default_leverage = 10;
        venue_.add_account(a, secret);
        venue_.exchange().set_prices(btc, at("50000"_d));
    }

    static engine::exchange_config config() {
        engine::exchange_config c;
        c.venue = engine::venue::binance;
        c.seed = 7;
        return c;
    }

    response send(net::http_request r) {
        response out;
        out.raw = venue_.handle(r);
        out.status = out.raw.response.status;
        if (out.raw.response.content_type == "application/json") {
            out.body = boost::json::parse(out.raw.response.body);
        }
        return out;
    }

    // A request signed over the whole query (params + timestamp), key header set.
    response signed_req(std::string method, std::string path, std::string params, std::string api_key = key) {
        std::string q = params.empty() ? "" : params + "&";
        q += "timestamp=" + std::to_string(clock_.server_now_ms());
        const exchange::api_credentials creds{api_key, secret};
        net::http_request r;
        r.method = std::move(method);
        r.target = path + "?" + exchange::binance_signed_query(creds, q);
        r.headers.emplace_back("X-MBX-APIKEY", api_key);
        return send(r);
    }

    response public_req(std::string path) {
        net::http_request r;
        r.method = "GET";
        r.target = std::move(path);
        return send(r);
    }

    response keyed_req(std::string method, std::string path) {
        net::http_request r;
        r.method = std::move(method);
        r.target = std::move(path);
        r.headers.emplace_back("X-MBX-APIKEY", key);
        return send(r);
    }

    wire::sim_clock clock_;
    venue venue_;
};

}  // namespace tradebot::sim::binance::test
