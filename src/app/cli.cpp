#include "tradebot/app/cli.hpp"

#include <regex>
#include <set>
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

po::options_description operator_options() {
    po::options_description opts{"Operator command options"};
    opts.add_options()
        ("yes,y", "do not ask for confirmation (required when stdin is not a terminal)")
        ("all", "close: every open position")
        ("exchange", po::value<std::string>(), "binance | bybit: act on this venue only")
        ("apply", "sync: apply the differences (default: print them only)")
        ("clean", "orders zombies: cancel them (default: list only)")
        ("cancel", "orders duplicates: cancel them (default: list only)")
        ("older-than", po::value<int>(), "cleanup: retention in days (default 30)")
        ("timeout", po::value<int>(), "shutdown: seconds to wait for the exit (default 30)")
        ("age", "positions: sort by age, show the aged-exit times")
        ("open", "orders: also the venue's open orders and stops of ours")
        ("position", po::value<std::int64_t>(), "orders: of this position id only")
        ("since", po::value<std::string>(), "signals query, orders, positions --all: 30m | 24h | 7d | YYYY-MM-DD[THH:MM] (default 24h); report: YYYY-MM-DD[THH:MM:SSZ] (UTC)")
        ("status", po::value<std::string>(), "signals query: new | taken | skipped | rejected | failed | expired")
        ("until", po::value<std::string>(), "report: closes up to DATE (a date: to the end of that day)")
        ("format", po::value<std::string>(), "report: text | json | csv | html (default text; json with --json)")
        ("output", po::value<std::string>(), "report: write to FILE instead of stdout");
    return opts;
}

// The read-only commands, by their words (`signals` alone is `signals check`).
std::optional<std::pair<command, bool>> read_command(const std::vector<std::string>& words) {
    const auto& w = words.front();
    const auto sub = words.size() == 2 ? words[1] : std::string{};
    if (words.size() == 1 && w == "diagnose") {
        return std::pair{command::diagnose, false};
    }
    if (words.size() == 1 && (w == "positions" || w == "orders" || w == "status")) {
        return std::pair{w == "positions" ? command::positions : w == "orders" ? command::orders : command::status, false};
    }
    if (w == "signals" && (words.size() == 1 || sub == "check" || sub == "query" || sub == "waves")) {
        return std::pair{sub == "query" ? command::signals_query : sub == "waves" ? command::signals_waves : command::signals_check,
                         false};
    }
    return std::nullopt;
}

// 30m | 24h | 7d, or a date with an optional time (ISO 8601).
bool valid_since(const std::string& v) {
    static const std::regex form{R"(\d+[mhd]|\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?(Z|[+-]\d{2}(:?\d{2})?)?)"};
    return std::regex_match(v, form);
}

// The operator's commands, by their words; the second element says whether a further word (the
// symbol of close) is taken.
std::optional<std::pair<command, bool>> operator_command(const std::vector<std::string>& words) {
    if (words.empty()) {
        return std::nullopt;
    }
    const auto& w = words.front();
    if (w == "close") {
        return std::pair{command::close, true};
    }
    if (w == "protect" && words.size() == 1) {
        return std::pair{command::protect, false};
    }
    if (w == "sync" && words.size() == 1) {
        return std::pair{command::sync, false};
    }
    if (w == "cleanup" && words.size() == 1) {
        return std::pair{command::cleanup, false};
    }
    if (w == "report" && words.size() == 1) {
        return std::pair{command::report, false};
    }
    if (w == "shutdown" && words.size() == 1) {
        return std::pair{command::shutdown, false};
    }
    if (w == "orders" && words.size() == 2 && words[1] == "zombies") {
        return std::pair{command::orders_zombies, false};
    }
    if (w == "orders" && words.size() == 2 && words[1] == "duplicates") {
        return std::pair{command::orders_duplicates, false};
    }
    return read_command(words);
}

}  // namespace

std::string_view version_string() noexcept { return TRADEBOT_VERSION; }

std::string usage_text() {
    std::ostringstream out;
    out << "tradebot " << version_string() << " - signal-driven futures trading daemon (Binance USD-M, Bybit V5)\n"
        << "Reads signals from PostgreSQL, opens positions under risk limits, protects each with an\n"
        << "exchange-side stop at once, trails it, closes aged positions and reconciles with the venues;\n"
        << "--mode test trades on paper against the real market data; 'backtest' replays history through\n"
        << "the same code (docs/BACKTEST.md).\n\n"
        << "Usage:\n"
        << "  tradebot [--mode production|test] [--config DIR]      run the daemon (same as 'run')\n"
        << "  tradebot run [--mode production|test] [--config DIR]  run the daemon\n"
        << "  tradebot run --exchange binance|bybit ...             run the daemon on that venue alone\n"
        << "  tradebot check [--config DIR] [--json]                pre-start check: config, DB, venues' clock, keys, mode, streams\n"
        << "  tradebot db migrate [--config DIR]                    apply pending database migrations and exit\n"
        << "  tradebot --check-instances [--config DIR]             is another instance running? (exit 1 if so)\n"
        << "  tradebot keys generate|encrypt|decrypt|rotate ...     secrets at rest ('tradebot keys --help')\n"
        << "  tradebot close SYMBOL | --all [--exchange NAME] [--yes]  emergency close at market (reason manual_close)\n"
        << "  tradebot protect [--exchange NAME]                    ensure one live stop on every open position\n"
        << "  tradebot sync [--apply] [--exchange NAME] [--yes]     venue -> database: print the diff, apply with --apply\n"
        << "  tradebot orders zombies [--clean] [--yes]             orders/stops of ours without a position\n"
        << "  tradebot orders duplicates [--cancel] [--yes]         second stops of a live position\n"
        << "  tradebot cleanup [--older-than DAYS] [--yes]          delete old events, signals and finished orders\n"
        << "  tradebot shutdown [--timeout S]                       stop the running instance and wait for it\n"
        << "  tradebot positions [--exchange NAME] [--age] [--all] [--json]  the book joined with the venue's view\n"
        << "  tradebot orders [--open] [--position ID] [--exchange NAME] [--json]  the order journal (and the venue's)\n"
        << "  tradebot signals [check|query|waves] [--since T] [--status S] [--json]  next wave, signal rows, wave times\n"
        << "  tradebot status [--json]                              the running instance's /status\n"
        << "  tradebot diagnose [--json]                            one health report (exit 1 when it finds something)\n"
        << "  tradebot backtest --klines PATH --signals FILE ...    replay history ('tradebot backtest --help')\n"
        << "  tradebot simulate [--paths N] [--seed S] [--edge P] ...  Monte-Carlo over synthetic markets ('tradebot simulate --help')\n"
        << "  tradebot report [--since DATE] [--until DATE] [--exchange NAME] [--format text|json|csv|html]\n"
        << "                  [--output FILE]                       PnL, fees, win rate, drawdown of closed positions\n\n"
        << global_options() << "\n"
        << operator_options() << "\n"
        << "Mutating commands never race a running daemon: when one runs they ask it to act through its\n"
        << "control endpoint (control.port, bearer control.token); when none runs they take the instance\n"
        << "lock and act themselves. Every action is written to the events table. Operator exit codes:\n"
        << "0 done, 1 failed or partly done, 2 usage/config error, 3 not confirmed, 4 the running daemon\n"
        << "could not be asked (control endpoint off, unreachable, or the token refused). See docs/OPERATIONS.md.\n"
        << "Read commands (positions, orders, signals, status) never take the lock and never write: exit 0\n"
        << "read, 1 a source (database, venue) could not be read, 2 usage/config error, 4 status: no instance\n"
        << "runs or it did not answer, 5 positions: a row disagrees with its venue. 'check' exits 1 when a check\n"
        << "failed (warnings keep 0); 'diagnose' (read only) exits 1 when it found anything to look at.\n\n"
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
    if (!args.empty() && (args.front() == "backtest" || args.front() == "simulate")) {
        command_line cl;
        cl.cmd = args.front() == "backtest" ? command::backtest : command::simulate;
        cl.backtest_args.assign(args.begin() + 1, args.end());
        result.value = cl;
        return result;
    }
    try {
        po::options_description opts = global_options();
        po::options_description hidden;
        hidden.add_options()("words", po::value<std::vector<std::string>>(), "");
        po::options_description all;
        all.add(opts).add(operator_options()).add(hidden);
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
        } else if (const auto op = operator_command(words)) {
            cl.cmd = op->first;
            if (words.size() > 2 || (words.size() == 2 && !op->second && words.front() != "orders" && words.front() != "signals")) {
                result.error = "unexpected argument '" + words.back() + "'";
                return result;
            }
            if (op->second && words.size() == 2) {
                cl.op.symbol = words[1];
            }
        } else {
            std::string joined;
            for (const auto& w : words) {
                joined += (joined.empty() ? "" : " ") + w;
            }
            result.error = "unknown command '" + joined + "'";
            return result;
        }
        auto& o = cl.op;
        o.yes = vm.count("yes") > 0;
        o.all = vm.count("all") > 0;
        o.apply = vm.count("apply") > 0;
        o.clean = vm.count("clean") > 0;
        o.cancel = vm.count("cancel") > 0;
        if (vm.count("exchange") > 0) {
            o.exchange = vm["exchange"].as<std::string>();
            if (!core::parse_exchange(*o.exchange)) {
                result.error = "--exchange must be 'binance' or 'bybit', not '" + *o.exchange + "'";
                return result;
            }
        }
        if (vm.count("older-than") > 0) {
            o.older_than_days = vm["older-than"].as<int>();
            if (*o.older_than_days < 1) {
                result.error = "--older-than must be at least 1 (days)";
                return result;
            }
        }
        if (vm.count("timeout") > 0) {
            o.timeout_seconds = vm["timeout"].as<int>();
            if (*o.timeout_seconds < 1) {
                result.error = "--timeout must be at least 1 (seconds)";
                return result;
            }
        }
        o.age = vm.count("age") > 0;
        o.open = vm.count("open") > 0;
        if (vm.count("position") > 0) {
            o.position_id = vm["position"].as<std::int64_t>();
        }
        if (vm.count("since") > 0 && !valid_since(*(o.since = vm["since"].as<std::string>()))) {
            result.error = "--since must be like 30m, 24h, 7d or 2026-01-31[T12:00], not '" + *o.since + "'";
            return result;
        }
        static const std::set<std::string> statuses{"new", "taken", "skipped", "rejected", "failed", "expired"};
        if (vm.count("status") > 0 && !statuses.contains(*(o.status = vm["status"].as<std::string>()))) {
            result.error = "--status must be new, taken, skipped, rejected, failed or expired, not '" + *o.status + "'";
            return result;
        }
        const auto text_option = [&vm](const char* name) {
            return vm.count(name) > 0 ? std::optional<std::string>{vm[name].as<std::string>()} : std::nullopt;
        };
        cl.report = report_arguments{o.since, text_option("until"), text_option("format"), text_option("output")};
        if (cl.cmd == command::close && o.all == o.symbol.has_value()) {
            result.error = "close takes a SYMBOL or --all (not both)";
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
