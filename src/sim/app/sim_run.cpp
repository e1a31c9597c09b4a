#include <csignal>
#include <fstream>
#include <iostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>

#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/sim/app/sim_main.hpp"
#include "tradebot/sim/app/simulator.hpp"
#include "tradebot/sim/binance/venue.hpp"
#include "tradebot/sim/bybit/venue.hpp"
#include "tradebot/sim/scenario/scenario.hpp"
#include "tradebot/sim/server/listener.hpp"
#include "tradebot/sim/server/tls.hpp"

namespace tradebot::sim::app {
namespace asio = boost::asio;
namespace {

constexpr int exit_runtime = 1;
constexpr int exit_usage = 2;

engine::exchange_config exchange_config_for(engine::venue v, const scenario::scenario_spec& spec) {
    engine::exchange_config c;
    c.venue = v;
    c.seed = spec.seed;
    c.slippage_bps = spec.slippage_bps;
    return c;
}

boost::system::result<std::shared_ptr<asio::ssl::context>> make_tls(const sim_command_line& cl) {
    if (!cl.tls) return std::shared_ptr<asio::ssl::context>{};
    if (!cl.tls_cert.empty()) return server::load_tls(cl.tls_cert, cl.tls_key);
    return server::make_self_signed_tls(cl.cert_out);
}

}  // namespace

int run_simulator(const sim_command_line& cl) {
    logging::options log_opts;
    log_opts.level = cl.log_level;
    log_opts.fmt = cl.log_format == "json" ? logging::options::format::json : logging::options::format::kv;
    logging::init(log_opts);
    auto log = logging::get("sim");

    auto loaded = scenario::load_file(cl.scenario);
    if (!loaded.spec) {
        std::cerr << "tradebot-sim: " << loaded.error << '\n';
        logging::shutdown();
        return exit_usage;
    }
    auto spec = std::move(*loaded.spec);
    if (cl.seed) spec.seed = *cl.seed;

    auto tls = make_tls(cl);
    if (!tls) {
        std::cerr << "tradebot-sim: TLS set-up failed: " << tls.error().message() << '\n';
        logging::shutdown();
        return exit_runtime;
    }

    asio::io_context io{1};
    wire::sim_clock clock;
    binance::venue binance_venue{clock, exchange_config_for(engine::venue::binance, spec)};
    bybit::venue bybit_venue{clock, exchange_config_for(engine::venue::bybit, spec)};
    simulator_options sim_opts;
    sim_opts.scenario = spec;
    sim_opts.paused = cl.paused;
    simulator sim{io, clock, sim_opts, {&binance_venue, &bybit_venue}};

    auto listen = [&](wire::venue& v, std::uint16_t port) {
        server::listener_options o;
        o.address = cl.address;
        o.port = port;
        o.tls = *tls;
        return std::make_unique<server::listener>(
            io, o, v, [&sim, &v](const net::http_request& r) { return sim.control(v, r); });
    };
    auto binance_server = listen(binance_venue, cl.binance_port);
    auto bybit_server = listen(bybit_venue, cl.bybit_port);
    for (auto* s : {binance_server.get(), bybit_server.get()}) {
        if (const auto ec = s->start()) {
            std::cerr << "tradebot-sim: cannot listen on " << cl.address << ": " << ec.message() << '\n';
            logging::shutdown();
            return exit_runtime;
        }
    }
    sim.set_stream_dropper(binance_venue, [&] { binance_server->drop_streams(); });
    sim.set_stream_dropper(bybit_venue, [&] { bybit_server->drop_streams(); });

    if (!cl.ports_file.empty()) {
        std::ofstream out{cl.ports_file, std::ios::trunc};
        out << R"({"binance":)" << binance_server->local_port() << R"(,"bybit":)" << bybit_server->local_port()
            << "}\n";
    }
    sim.start();
    logging::info(log, "tradebot-sim listening", logging::kv("address", cl.address),
                  logging::kv("binance_port", binance_server->local_port()),
                  logging::kv("bybit_port", bybit_server->local_port()), logging::kv("tls", cl.tls),
                  logging::kv("cert", cl.tls && cl.tls_cert.empty() ? cl.cert_out : cl.tls_cert),
                  logging::kv("scenario", spec.name));

    asio::signal_set signals{io, SIGINT, SIGTERM};
    signals.async_wait([&](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        logging::info(log, "stopping", logging::kv("signal", signo));
        sim.stop();
        binance_server->stop();
        bybit_server->stop();
        io.stop();
    });
    io.run();
    logging::info(log, "stopped", logging::kv("clean", true));
    logging::shutdown();
    return 0;
}

}  // namespace tradebot::sim::app
