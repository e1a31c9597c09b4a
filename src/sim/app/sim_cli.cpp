#include <sstream>

#include <boost/program_options.hpp>

#include "tradebot/sim/app/sim_main.hpp"

namespace tradebot::sim::app {
namespace po = boost::program_options;
namespace {

po::options_description describe(sim_command_line& cl) {
    po::options_description d{"Options"};
    d.add_options()
        ("scenario", po::value(&cl.scenario)->value_name("FILE"),
         "scenario YAML: symbols, filters, price models, accounts (default config/sim/default.yaml)")
        ("address", po::value(&cl.address)->value_name("ADDR"), "address to listen on (default 127.0.0.1)")
        ("binance-port", po::value(&cl.binance_port)->value_name("N"),
         "port of the Binance USD-M futures REST + WebSocket server (default 9443; 0 = any free port)")
        ("bybit-port", po::value(&cl.bybit_port)->value_name("N"),
         "port of the Bybit V5 REST + WebSocket server (default 9444; 0 = any free port)")
        ("no-tls", "serve plain HTTP/WS only (by default each port serves plain and TLS, told apart by the "
                   "first byte)")
        ("tls-cert", po::value(&cl.tls_cert)->value_name("FILE"), "server certificate PEM (with --tls-key)")
        ("tls-key", po::value(&cl.tls_key)->value_name("FILE"),
         "server private key PEM (with --tls-cert); without both a self-signed certificate is made at start")
        ("cert-out", po::value(&cl.cert_out)->value_name("FILE"),
         "where to write the self-signed certificate for clients to trust (default ./tradebot-sim-cert.pem)")
        ("ports-file", po::value(&cl.ports_file)->value_name("FILE"),
         "once listening, write {\"binance\":PORT,\"bybit\":PORT} here (for --*-port 0)")
        ("seed", po::value<std::uint64_t>()->value_name("N"), "override the scenario's seed")
        ("paused", "prices move only through the control API (POST /sim/price, /sim/step)")
        ("log-level", po::value(&cl.log_level)->value_name("LEVEL"),
         "trace|debug|info|warn|error (default info)")
        ("log-format", po::value(&cl.log_format)->value_name("kv|json"), "log line format (default kv)")
        ("help,h", "show this help")
        ("version", "show the version");
    return d;
}

}  // namespace

sim_parse_result parse_sim_command_line(const std::vector<std::string>& args) {
    sim_command_line cl;
    auto desc = describe(cl);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(desc).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return {std::nullopt, e.what()};
    }
    cl.help = vm.count("help") > 0;
    cl.version = vm.count("version") > 0;
    cl.tls = vm.count("no-tls") == 0;
    cl.paused = vm.count("paused") > 0;
    if (vm.count("seed") > 0) cl.seed = vm["seed"].as<std::uint64_t>();
    if (cl.tls_cert.empty() != cl.tls_key.empty()) {
        return {std::nullopt, "--tls-cert and --tls-key go together"};
    }
    if (!cl.tls && !cl.tls_cert.empty()) return {std::nullopt, "--no-tls contradicts --tls-cert"};
    if (cl.log_format != "kv" && cl.log_format != "json") return {std::nullopt, "--log-format: expected kv or json"};
    if (!cl.help && !cl.version && cl.binance_port != 0 && cl.binance_port == cl.bybit_port) {
        return {std::nullopt, "--binance-port and --bybit-port must differ"};
    }
    return {cl, {}};
}

std::string sim_version() { return TRADEBOT_VERSION; }

std::string sim_usage_text() {
    sim_command_line cl;
    std::ostringstream out;
    out << "Usage: tradebot-sim [options]\n\n"
           "A strict local simulator of Binance USD-M futures (fapi, Algo Order API, listenKey user stream,\n"
           "market streams) and Bybit V5 linear (REST, public and private WebSocket), one port each.\n"
           "Prices come from the scenario; tests steer it through the control API under /sim/ on either\n"
           "port: GET /sim/state, /sim/health, /sim/arrivals; POST /sim/price, /sim/advance, /sim/step,\n"
           "/sim/pause, /sim/fault, /sim/scenario, /sim/account. GET /sim/arrivals lists the order\n"
           "placements (the newest 100000 per venue) with the wall-clock microsecond at which their\n"
           "bytes had been read (optional ?client_id=...&venue=...). Every endpoint, stream and fault\n"
           "is listed in docs/SIMULATOR.md.\n\n"
        << describe(cl)
        << "\nExit status: 0 after SIGINT/SIGTERM, 1 if a port cannot be opened or TLS fails,\n"
           "2 for a bad command line or scenario.\n";
    return out.str();
}

}  // namespace tradebot::sim::app
