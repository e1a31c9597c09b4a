#include "tradebot/app/simulate_command.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "app/exit_codes.hpp"
#include "app/replay_cli.hpp"
#include "tradebot/backtest/simulation.hpp"
#include "tradebot/config/loader.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/sim/scenario/scenario.hpp"

namespace tradebot::app {

namespace po = boost::program_options;
namespace fs = std::filesystem;
constexpr std::string_view simulate_word = "simulate";

namespace {

po::options_description simulate_options() {
    po::options_description o{"simulate options"};
    o.add_options()
        ("help,h", "show this help")
        ("paths", po::value<std::size_t>()->default_value(100), "synthetic markets to run (each a whole backtest)")
        ("seed", po::value<std::uint64_t>()->default_value(1), "the run's seed: the same seed gives the same paths")
        ("symbols", po::value<std::size_t>()->default_value(3), "symbols per path (BTCUSDT, ETHUSDT, SOLUSDT, DOGEUSDT, XRPUSDT, LINKUSDT, SIM7USDT ...)")
        ("days", po::value<int>()->default_value(3), "days of 1-minute bars per path")
        ("model", po::value<std::string>()->default_value("regimes"), "prices: walk | jumps (walk + jumps) | regimes (jumps + volatility and trend regimes)")
        ("scenario", po::value<std::string>(), "prices from a tradebot-sim scenario file's price models instead (its symbols, seeded per path)")
        ("edge", po::value<double>()->default_value(0.55), "probability that a signal's side matches its symbol's move over --horizon (0.5: no edge)")
        ("horizon", po::value<int>()->default_value(120), "minutes after a signal is known over which --edge holds")
        ("signal-rate", po::value<double>()->default_value(0.6), "signals per 15-minute candle, 0..1")
        ("ruin-fraction", po::value<std::string>()->default_value("0.5"), "a path is ruined when its equity falls below this share of the start")
        ("jobs", po::value<unsigned>(), "paths run at once (default: the CPU cores); the results do not depend on it")
        ("output", po::value<std::string>()->default_value("simulate-out"), "directory for simulation.json and simulation.html");
    replay_cli::add_replay_options(o);
    return o;
}

}  // namespace

std::string simulate_usage() {
    std::ostringstream o;
    o << "Usage: tradebot simulate [--paths N] [--seed S] [--symbols N] [--days D] [--edge P] [--jobs N]\n"
      << "                         [--model walk|jumps|regimes | --scenario FILE] [--set KEY=VALUE ...] [--output DIR]\n"
      << "Monte-Carlo: each path is a seeded synthetic market (prices and signals with the chosen edge)\n"
      << "replayed by the same code as 'tradebot backtest'; the report is the distribution of the outcomes:\n"
      << "PnL percentiles, worst drawdown, ruin probability, win rate (docs/BACKTEST.md).\n\n"
      << simulate_options();
    return o.str();
}

int run_simulate(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                 std::ostream& out, std::ostream& err) {
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(simulate_options()).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        err << "tradebot simulate: " << e.what() << "\nTry 'tradebot simulate --help'.\n";
        return exit_usage;
    }
    if (vm.count("help") > 0) {
        out << simulate_usage();
        return 0;
    }
    backtest::simulation_options plan;
    plan.paths = vm["paths"].as<std::size_t>();
    plan.seed = vm["seed"].as<std::uint64_t>();
    plan.symbols = vm["symbols"].as<std::size_t>();
    plan.days = vm["days"].as<int>();
    plan.edge = vm["edge"].as<double>();
    plan.horizon_minutes = vm["horizon"].as<int>();
    plan.signal_rate = vm["signal-rate"].as<double>();
    const auto usage_error = [&](const std::string& what) {
        err << "tradebot simulate: " << what << "\nTry 'tradebot simulate --help'.\n";
        return exit_usage;
    };
    if (plan.paths == 0) return usage_error("--paths must be at least 1");
    if (plan.symbols == 0) return usage_error("--symbols must be at least 1");
    if (plan.days < 1) return usage_error("--days must be at least 1");
    if (!(plan.edge >= 0 && plan.edge <= 1)) return usage_error("--edge must be a probability, 0..1");
    if (!(plan.signal_rate >= 0 && plan.signal_rate <= 1)) return usage_error("--signal-rate must be 0..1");
    if (plan.horizon_minutes < 1 || plan.horizon_minutes + 15 > plan.days * 1440) {
        return usage_error("--horizon must be at least 1 minute and fit in --days");
    }
    const auto model = backtest::parse_path_model(vm["model"].as<std::string>());
    if (!model || *model == backtest::path_model::scenario) {
        return usage_error("--model must be walk, jumps or regimes (--scenario FILE for a scenario's models)");
    }
    plan.model = *model;
    std::optional<sim::scenario::scenario_spec> scenario;
    if (vm.count("scenario") > 0) {
        auto loaded = sim::scenario::load_file(vm["scenario"].as<std::string>());
        if (!loaded.spec) {
            err << "tradebot simulate: " << loaded.error << '\n';
            return exit_usage;
        }
        if (loaded.spec->symbols.empty()) return usage_error("the scenario has no symbols");
        scenario = std::move(loaded.spec);
        plan.model = backtest::path_model::scenario;
        plan.scenario = &*scenario;
    }
    const auto ruin = core::decimal::parse(vm["ruin-fraction"].as<std::string>());
    if (!ruin || ruin->is_negative() || *ruin > core::decimal::from_int(1)) {
        return usage_error("--ruin-fraction must be a decimal 0..1");
    }
    plan.ruin_fraction = *ruin;
    const auto settings = replay_cli::settings_from(vm, env, simulate_word, err);
    if (!settings) return exit_usage;
    const auto run = replay_cli::run_options_from(vm, *settings, simulate_word, err);
    if (!run) return exit_usage;
    const auto jobs = vm.count("jobs") > 0 ? std::max(1U, vm["jobs"].as<unsigned>())
                                           : std::max(1U, std::thread::hardware_concurrency());
    replay_cli::start_logging(vm, *settings);
    const auto progress = replay_cli::progress_line(vm, err, simulate_word, "paths");
    const auto outcomes = backtest::run_simulation(*settings, plan, *run, jobs, progress);
    logging::shutdown();
    const auto summary = backtest::summarize_simulation(outcomes);
    const fs::path dir = vm["output"].as<std::string>();
    std::error_code ec;
    fs::create_directories(dir, ec);
    const auto html_path = dir / "simulation.html";
    if (!replay_cli::write_file(dir / "simulation.json", backtest::simulation_json(plan, *run, outcomes, summary),
                                simulate_word, err) ||
        !replay_cli::write_file(html_path, backtest::simulation_html(plan, *run, outcomes, summary), simulate_word, err)) {
        return exit_failed;
    }
    out << backtest::simulation_text(plan, summary);
    out << "report: " << fs::absolute(html_path).string() << '\n';
    return 0;
}

}  // namespace tradebot::app
