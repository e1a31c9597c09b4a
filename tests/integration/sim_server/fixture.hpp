#pragma once

#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "fake_venue.hpp"
#include "test_client.hpp"
#include "tradebot/sim/server/listener.hpp"
#include "tradebot/sim/server/tls.hpp"
#include "tradebot_test/env.hpp"

namespace tradebot::sim::server::test {

// A listener with a self-signed certificate (so the port serves plain and TLS) over a fake venue,
// and a control handler that records what reaches it.
class listener_test : public ::testing::Test {
protected:
    void start(listener_options options = {}) {
        if (!options.tls) {  // a test that loads its own certificate sets tls and ca_file itself
            ca_file = (dir.path() / "sim-cert.pem").string();
            auto tls = make_self_signed_tls(ca_file);
            ASSERT_TRUE(tls.has_value()) << tls.error().message();
            options.tls = *tls;
        }
        server = std::make_unique<listener>(io, options, venue, [this](const net::http_request& r) {
            control_requests.push_back(r);
            return wire::reply{.response = {.status = 200, .content_type = "application/json",
                                            .body = R"({"ok":true})", .headers = {}},
                               .action = wire::disposition::send};
        });
        ASSERT_FALSE(server->start());
        ASSERT_NE(server->local_port(), 0);
    }
    [[nodiscard]] std::uint16_t port() const { return server->local_port(); }

    tradebot::test::temp_dir dir;
    std::string ca_file;
    boost::asio::io_context io;
    fake_venue venue;
    std::vector<net::http_request> control_requests;
    std::unique_ptr<listener> server;
};

}  // namespace tradebot::sim::server::test
