#include "tradebot/app/cli.hpp"

#include <sstream>

#include <boost/program_options.hpp>

namespace tradebot::app {
namespace po = boost::program_options;

namespace {

po::options_description global_options() {
    po::options_description opts{"Options"};
    opts.add_options()
        ("help,h", "show this help and exit")
        ("version", "print the version and exit")
        ("mode", po::value<std::string>(), "production | test (test = paper trading, no API keys needed); default: app.mode")
        ("config", po::value<std::string>()->default_value("config"), "directory holding tradebot.yaml")
        ("check-instances", "report whether another tradebot holds the instance lock; exit 1 if one does")
        ("json", "machine-readable output for subcommands");
    return opts;
}

}  // namespace

std::string_view version_string() noexcept { return TRADEBOT_VERSION; }

std::string usage_text() {
    std::ostringstream out;
    out << "tradebot " << version_string() << " - signal-driven futures trading daemon (Binance USD-M, Bybit V5)\n"
        << "Reads signals from PostgreSQL, opens positions under risk limits, protects each with an\n"
        << "exchange-side stop at once, trails it, closes aged positions and reconciles with the venues;\n"
        << "--mode test trades on paper against the real market data. The backtest and the operator\n"
        << "subcommands are not in this build yet (docs/FEATURES.md).\n\n"
        << "Usage:\n"
        << "  tradebot [--mode production|test] [--config DIR]      run the daemon (same as 'run')\n"
        << "  tradebot run [--mode production|test] [--config DIR]  run the daemon\n"
        << "  tradebot check [--config DIR] [--json]                validate the configuration and reach PostgreSQL\n"
        << "  tradebot db migrate [--config DIR]                    apply pending database migrations and exit\n"
        << "  tradebot --check-instances [--config DIR]             is another instance running? (exit 1 if so)\n"
        << "  tradebot keys generate|encrypt|decrypt|rotate ...     secrets at rest ('tradebot keys --help')\n\n"
        << global_options() << "\n"
        << "The daemon stops on SIGINT/SIGTERM: it takes no new work, lets in-flight work finish within\n"
        << "app.shutdown_deadline_seconds, flushes the database writer and exits. Open positions stay open\n"
        << "under their exchange-side stops. Exit codes: 0 ok, 1 runtime failure or instance already\n"
        << "running, 2 usage or configuration error.\n";
    return out.str();
}

cli_result parse_command_line(const std::vector<std::string>& args) {
    cli_result result;
    if (!args.empty() && args.front() == "keys") {
        // `keys` has options of its own (--key-file, ...): run_keys parses everything after the word.
        command_line cl;
        cl.cmd = command::keys;
        cl.keys_args.assign(args.begin() + 1, args.end());
        result.value = cl;
        return result;
    }
    try {
        po::options_description opts = global_options();
        po::options_description hidden;
        hidden.add_options()("words", po::value<std::vector<std::string>>(), "");
        po::options_description all;
        all.add(opts).add(hidden);
        po::positional_options_description positional;
        positional.add("words", -1);

        po::variables_map vm;
        po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
        po::notify(vm);

        command_line cl;
        cl.config_dir = vm["config"].as<std::string>();
        cl.json = vm.count("json") > 0;
        if (vm.count("mode") > 0) {
            cl.mode = core::parse_mode(vm["mode"].as<std::string>());
            if (!cl.mode) {
                result.error = "--mode must be 'production' or 'test', not '" + vm["mode"].as<std::string>() + "'";
                return result;
            }
        }
        const auto words = vm.count("words") > 0 ? vm["words"].as<std::vector<std::string>>() : std::vector<std::string>{};
        if (vm.count("help") > 0) {
            cl.cmd = command::help;
        } else if (vm.count("version") > 0) {
            cl.cmd = command::version;
        } else if (vm.count("check-instances") > 0) {
            cl.cmd = command::check_instances;
        } else if (words.empty() || words == std::vector<std::string>{"run"}) {
            cl.cmd = command::run;
        } else if (words == std::vector<std::string>{"check"}) {
            cl.cmd = command::check;
        } else if (words == std::vector<std::string>{"db", "migrate"}) {
            cl.cmd = command::db_migrate;
        } else {
            std::string joined;
            for (const auto& w : words) {
                joined += (joined.empty() ? "" : " ") + w;
            }
            result.error = "unknown command '" + joined + "'";
            return result;
        }
        if (!words.empty() && (cl.cmd == command::help || cl.cmd == command::version || cl.cmd == command::check_instances)) {
            result.error = "unexpected argument '" + words.front() + "'";
            return result;
        }
        result.value = cl;
    } catch (const po::error& e) {
        result.error = e.what();
    }
    return result;
}

}  // namespace tradebot::app
