#include "tradebot_test/sim_process.hpp"

#include <fstream>
#include <sstream>
#include "tradebot_test/env.hpp"

namespace tradebot::test {
namespace {

using namespace std::chrono_literals;

int port_of(const std::string& json, const std::string& key) {
    const auto at = json.find("\"" + key + "\":");
    return at == std::string::npos ? 0 : std::atoi(json.c_str() + at + key.size() + 3);
}

std::filesystem::path scenario_path(const std::string& scenario) {
    if (scenario.find('/') != std::string::npos) return scenario;
    return source_dir() / "config/sim" / (scenario + ".yaml");
}

}  // namespace

sim_process::sim_process(const std::string& scenario, std::vector<std::string> extra_args) {
    const auto ports = dir_.path() / "ports.json";
    std::vector<std::string> args{"--scenario",   scenario_path(scenario).string(), "--binance-port", "0",
                                  "--bybit-port", "0", "--ports-file", ports.string(), "--cert-out",
                                  cert().string(), "--paused"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    process_ = std::make_unique<child_process>(built_binary("src/bin/tradebot-sim"), args, dir_.path() / "sim.log");
    if (!process_->wait_output("tradebot-sim listening", 20s)) return;
    std::ifstream in{ports};
    std::stringstream text;
    text << in.rdbuf();
    binance_port_ = port_of(text.str(), "binance");
    bybit_port_ = port_of(text.str(), "bybit");
}

sim_process::~sim_process() = default;

bool sim_process::started(std::string* why) const {
    const bool ok = binance_port_ > 0 && bybit_port_ > 0;
    if (!ok && why != nullptr) *why = "tradebot-sim did not start:\n" + log();
    return ok;
}

std::string sim_process::log() const { return process_->output(); }

std::pair<int, std::string> sim_process::control(int port, const std::string& method, const std::string& path,
                                                 const std::string& json_body) const {
    std::string cmd = "curl -s -w '\\n%{http_code}' --cacert " + cert().string() + " -X " + method +
                      " https://127.0.0.1:" + std::to_string(port) + path;
    if (!json_body.empty()) cmd += " -H 'Content-Type: application/json' --data '" + json_body + "'";
    auto [rc, out] = run_shell(cmd);
    const auto nl = out.rfind('\n');
    if (rc != 0 || nl == std::string::npos) return {0, out};
    return {std::atoi(out.c_str() + nl + 1), out.substr(0, nl)};
}

}  // namespace tradebot::test
