#pragma once

// A wire::venue that records what the transport hands it and answers in a way each test picks.

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "tradebot/sim/wire/sim_clock.hpp"
#include "tradebot/sim/wire/venue.hpp"

namespace tradebot::sim::server::test {

class fake_venue final : public wire::venue {
public:
    [[nodiscard]] std::string_view name() const noexcept override { return "fake"; }
    [[nodiscard]] engine::exchange& exchange() noexcept override { return exchange_; }
    [[nodiscard]] wire::faults& faults() noexcept override { return faults_; }
    void add_account(const engine::account_config&, std::string) override {}

    using wire::venue::handle;
    wire::reply handle(const net::http_request& request, wire::arrival_time arrival) override {
        requests.push_back(request);
        arrival_times.push_back(arrival);
        wire::reply r{.response = {.status = 200, .content_type = "application/json",
                                   .body = "venue " + request.method + " " + request.target + " " + request.body,
                                   .headers = {{"X-Venue", "fake"}}},
                      .action = next_action};
        next_action = wire::disposition::send;
        return r;
    }

    std::optional<wire::reply> ws_accept(const net::http_request& upgrade) override {
        upgrades.push_back(upgrade.target);
        if (upgrade.path() == "/refuse") {
            return wire::reply{.response = {.status = 404, .content_type = "application/json",
                                            .body = R"({"code":-1,"msg":"no such stream"})", .headers = {}},
                               .action = wire::disposition::send};
        }
        return std::nullopt;
    }

    void ws_open(wire::ws_peer& peer) override {
        peers.push_back(&peer);
        opened.push_back(peer.target());
        peer.send("welcome " + peer.target());
    }

    void ws_message(wire::ws_peer& peer, std::string_view text) override {
        messages.emplace_back(text);
        if (text == "close") {
            peer.close(4000, "bye");
        } else {
            peer.send("echo:" + std::string{text});
        }
    }

    void ws_closed(wire::ws_peer& peer) override {
        closed_ids.push_back(peer.id());
        std::erase(peers, &peer);
    }

    void on_price(const core::symbol&, const engine::market_prices&) override {}
    void on_prices(const std::vector<std::pair<core::symbol, engine::market_prices>>&) override {}
    void tick() override {}
    [[nodiscard]] boost::json::value state() const override { return nullptr; }
    [[nodiscard]] const wire::arrival_log& arrivals() const noexcept override { return arrivals_; }

    // Sends to every open peer, as a venue publishing a stream event.
    void publish(const std::string& text) {
        for (auto* p : peers) {
            p->send(text);
        }
    }

    std::vector<net::http_request> requests;
    std::vector<wire::arrival_time> arrival_times;  // as the server handed them with requests
    wire::disposition next_action = wire::disposition::send;
    std::vector<std::string> upgrades;
    std::vector<std::string> opened;
    std::vector<std::string> messages;
    std::vector<std::uint64_t> closed_ids;
    std::vector<wire::ws_peer*> peers;

private:
    wire::sim_clock clock_;
    engine::exchange exchange_{clock_, engine::exchange_config{}};
    wire::faults faults_;
    wire::arrival_log arrivals_;
};

}  // namespace tradebot::sim::server::test
