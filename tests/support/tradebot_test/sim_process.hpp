#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tradebot_test/env.hpp"
#include "tradebot_test/process.hpp"

namespace tradebot::test {

// A real tradebot-sim process on free ports (TLS and plain on each), with its self-signed
// certificate written to cert(), for integration tests of anything that talks to a venue.
// Starts --paused: prices move only through control("POST", "/sim/price", ...).
class sim_process {
public:
    // `scenario`: a file name under config/sim/ ("default") or a path to a YAML file.
    explicit sim_process(const std::string& scenario = "default", std::vector<std::string> extra_args = {});
    ~sim_process();
    sim_process(const sim_process&) = delete;
    sim_process& operator=(const sim_process&) = delete;

    // False (with the log in `why`) when the simulator did not come up.
    [[nodiscard]] bool started(std::string* why = nullptr) const;
    [[nodiscard]] int binance_port() const noexcept { return binance_port_; }
    [[nodiscard]] int bybit_port() const noexcept { return bybit_port_; }
    [[nodiscard]] std::string binance_url() const { return "https://127.0.0.1:" + std::to_string(binance_port_); }
    [[nodiscard]] std::string bybit_url() const { return "https://127.0.0.1:" + std::to_string(bybit_port_); }
    [[nodiscard]] std::string binance_ws_url() const { return "wss://127.0.0.1:" + std::to_string(binance_port_); }
    [[nodiscard]] std::string bybit_ws_url() const { return "wss://127.0.0.1:" + std::to_string(bybit_port_); }
    [[nodiscard]] std::filesystem::path cert() const { return dir_.path() / "cert.pem"; }
    [[nodiscard]] std::string log() const;
    [[nodiscard]] child_process& process() noexcept { return *process_; }

    // The control API over HTTPS (verified against cert()): {HTTP status, body}; status 0 when
    // curl itself failed. `port` is binance_port() or bybit_port().
    std::pair<int, std::string> control(int port, const std::string& method, const std::string& path,
                                        const std::string& json_body = {}) const;

    static constexpr const char* api_key = "sim-api-key";
    static constexpr const char* api_secret = "sim-api-secret";

private:
    temp_dir dir_;
    std::unique_ptr<child_process> process_;
    int binance_port_ = 0;
    int bybit_port_ = 0;
};

}  // namespace tradebot::test
