// tradebot: wiring only. Parse the command line, load the configuration, dispatch.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "tradebot/app/backtest_command.hpp"
#include "tradebot/app/simulate_command.hpp"
#include "tradebot/app/cli.hpp"
#include "tradebot/app/commands.hpp"
#include "tradebot/app/daemon.hpp"
#include "tradebot/app/keys_command.hpp"
#include "tradebot/config/loader.hpp"
#include "tradebot/logging/logger.hpp"
#include "app/commands/operator_commands.hpp"
#include "app/commands/read_commands.hpp"
#include "app/commands/report.hpp"
#include "app/option_mapping.hpp"

namespace {

constexpr int exit_usage = 2;

int dispatch(const tradebot::app::command_line& cl) {
    using tradebot::app::command;
    if (cl.cmd == command::help) {
        std::cout << tradebot::app::usage_text();
        return 0;
    }
    if (cl.cmd == command::version) {
        std::cout << "tradebot " << tradebot::app::version_string() << '\n';
        return 0;
    }
    auto env = tradebot::config::process_environment();
    if (cl.cmd == command::keys) {
        // Before the configuration is loaded: it may not load without the key this command manages.
        return tradebot::app::run_keys(cl.keys_args, env, std::cin, std::cout, std::cerr);
    }
    if (cl.cmd == command::backtest) {
        return tradebot::app::run_backtest(cl.backtest_args, env, std::cout, std::cerr);
    }
    if (cl.cmd == command::simulate) {
        return tradebot::app::run_simulate(cl.backtest_args, env, std::cout, std::cerr);
    }
    if (cl.mode) {
        // Through the loader, so that --mode production gets the same checks (API keys present)
        // as app.mode: production in the file; the command line wins over both.
        env[tradebot::config::env_name("app.mode")] = std::string{tradebot::core::to_string(*cl.mode)};
    }
    if (cl.cmd == command::run && cl.op.exchange) {
        // `run --exchange NAME` trades that venue alone (the original's run_bot_bybit.py): the other
        // is disabled through the loader, so its API keys are not required either.
        for (const char* venue : {"binance", "bybit"}) {
            if (*cl.op.exchange != venue) {
                env[tradebot::config::env_name(std::string{"exchanges."} + venue + ".enabled")] = "false";
            }
        }
    }
    auto loaded = tradebot::config::load(cl.config_dir, env);
    if (!loaded.value) {
        for (const auto& e : loaded.errors) {
            std::cerr << e.to_string() << '\n';
        }
        std::cerr << "tradebot: configuration has " << loaded.errors.size() << " error(s); nothing was started\n";
        if (cl.cmd == command::run && cl.op.exchange) {
            std::cerr << "tradebot: run --exchange " << *cl.op.exchange << " trades that venue alone (the other is disabled"
                      << " for this run), so exchanges." << *cl.op.exchange << " must be enabled and complete\n";
        }
        return exit_usage;
    }
    const auto& settings = *loaded.value;
    if (cl.cmd == command::check_instances) {
        return tradebot::app::run_check_instances(settings, cl, std::cout);
    }
    auto log_options = tradebot::app::logging_options(settings);
    if (cl.cmd != command::run) {
        log_options.file.clear();  // one-shot commands talk to the terminal, not the daemon's log file
        log_options.level = "warn";
    }
    tradebot::logging::init(log_options);
    int code = 0;
    switch (cl.cmd) {
    case command::check:
        code = tradebot::app::run_check(settings, cl, std::cout);
        break;
    case command::db_migrate:
        code = tradebot::app::run_db_migrate(settings, std::cout);
        break;
    case command::close:
        code = tradebot::app::commands::run_close(settings, cl, std::cout, std::cerr);
        break;
    case command::protect:
        code = tradebot::app::commands::run_protect(settings, cl, std::cout, std::cerr);
        break;
    case command::sync:
        code = tradebot::app::commands::run_sync(settings, cl, std::cout, std::cerr);
        break;
    case command::orders_zombies:
        code = tradebot::app::commands::run_orders_zombies(settings, cl, std::cout, std::cerr);
        break;
    case command::orders_duplicates:
        code = tradebot::app::commands::run_orders_duplicates(settings, cl, std::cout, std::cerr);
        break;
    case command::cleanup:
        code = tradebot::app::commands::run_cleanup(settings, cl, std::cout, std::cerr);
        break;
    case command::shutdown:
        code = tradebot::app::commands::run_shutdown(settings, cl, std::cout, std::cerr);
        break;
    case command::positions:
        code = tradebot::app::commands::run_positions(settings, cl, std::cout, std::cerr);
        break;
    case command::orders:
        code = tradebot::app::commands::run_orders_list(settings, cl, std::cout, std::cerr);
        break;
    case command::signals_check:
    case command::signals_query:
    case command::signals_waves:
        code = tradebot::app::commands::run_signals(settings, cl, std::cout, std::cerr);
        break;
    case command::status:
        code = tradebot::app::commands::run_status(settings, cl, std::cout, std::cerr);
        break;
    case command::diagnose:
        code = tradebot::app::commands::run_diagnose(settings, cl, std::cout, std::cerr);
        break;
    case command::report:
        code = tradebot::app::commands::run_report(settings, cl, std::cout, std::cerr);
        break;
    default:
        code = tradebot::app::run_daemon(settings);
        break;
    }
    tradebot::logging::shutdown();
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const auto parsed = tradebot::app::parse_command_line(args);
    if (!parsed.value) {
        std::cerr << "tradebot: " << parsed.error << "\nTry 'tradebot --help'.\n";
        return exit_usage;
    }
    try {
        return dispatch(*parsed.value);
    } catch (const std::exception& e) {
        // Start-up errors only (e.g. the log file cannot be opened); the event loop never throws here.
        std::cerr << "tradebot: " << e.what() << '\n';
        return 1;
    }
}
