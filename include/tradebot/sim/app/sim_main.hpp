#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tradebot::sim::app {

struct sim_command_line {
    std::string scenario = "config/sim/default.yaml";
    std::string address = "127.0.0.1";
    std::uint16_t binance_port = 9443;
    std::uint16_t bybit_port = 9444;
    bool tls = true;
    std::string tls_cert;  // both set: load them; both empty: self-signed
    std::string tls_key;
    std::string cert_out = "tradebot-sim-cert.pem";
    std::string ports_file;
    std::optional<std::uint64_t> seed;
    bool paused = false;
    std::string log_level = "info";
    std::string log_format = "kv";
    bool help = false;
    bool version = false;
};

struct sim_parse_result {
    std::optional<sim_command_line> value;
    std::string error;
};

[[nodiscard]] sim_parse_result parse_sim_command_line(const std::vector<std::string>& args);
[[nodiscard]] std::string sim_usage_text();
[[nodiscard]] std::string sim_version();
// Runs the simulator until SIGINT/SIGTERM. Exit codes: 0 clean stop, 1 runtime failure (port in
// use, TLS), 2 bad scenario.
int run_simulator(const sim_command_line& cl);

}  // namespace tradebot::sim::app
