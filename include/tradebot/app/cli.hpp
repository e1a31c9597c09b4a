#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tradebot/core/types.hpp"

namespace tradebot::app {

enum class command : std::uint8_t {
    run,
    check,
    db_migrate,
    check_instances,
    help,
    version,
    // The operator's mutating commands (src/app/commands/): through the running daemon's control
    // endpoint, or under the instance lock when none runs.
    close,
    protect,
    sync,
    orders_zombies,
    orders_duplicates,
    cleanup,
    shutdown,
    keys,
    // The operator's read-only commands: no lock, no write (src/app/commands/).
    positions,
    orders,
    signals_check,
    signals_query,
    signals_waves,
    status,
    // Replays history through the live trading code (src/backtest/).
    backtest,
    // Monte-Carlo over synthetic markets through the backtest's replay (src/backtest/).
    simulate,
    // Read only: trade history and performance (src/app/commands/report.cpp).
    report,
    // Read only: one health report (src/app/commands/diagnose.cpp).
    diagnose
};

// Arguments of the operator's commands; each command reads the ones it takes.
struct operator_arguments {
    std::optional<std::string> symbol;    // close SYMBOL
    std::optional<std::string> exchange;  // --exchange binance|bybit
    bool all = false;                     // close --all
    bool yes = false;                     // --yes: no confirmation prompt
    bool apply = false;                   // sync --apply
    bool clean = false;                   // orders zombies --clean
    bool cancel = false;                  // orders duplicates --cancel
    std::optional<int> older_than_days;   // cleanup --older-than DAYS
    std::optional<int> timeout_seconds;   // shutdown --timeout S
    bool age = false;                     // positions --age
    bool open = false;                    // orders --open
    std::optional<std::int64_t> position_id;  // orders --position ID
    std::optional<std::string> since;     // signals query / orders / positions --all: --since 24h|DATE
    std::optional<std::string> status;    // signals query --status STATUS
};

// Arguments of `report`; --exchange is operator_arguments::exchange.
struct report_arguments {
    std::optional<std::string> since;   // YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)
    std::optional<std::string> until;   // a date counts to the end of that day
    std::optional<std::string> format;  // text | json | csv | html
    std::optional<std::string> output;  // write to this file instead of stdout
};

struct command_line {
    command cmd = command::run;
    std::optional<core::mode> mode;  // overrides app.mode of the config when given
    std::filesystem::path config_dir = "config";
    bool json = false;
    // command::keys only: the words after "keys", parsed by run_keys (keys_command.hpp).
    std::vector<std::string> keys_args;
    operator_arguments op;
    // command::backtest / simulate only: the words after the command's word, parsed by run_backtest
    // or run_simulate.
    std::vector<std::string> backtest_args;
    report_arguments report;
};

struct cli_result {
    std::optional<command_line> value;
    std::string error;  // set when value is empty: a one-line reason, print with the usage hint
};

// Parses argv (without argv[0]). Never throws; unknown options and commands are errors.
[[nodiscard]] cli_result parse_command_line(const std::vector<std::string>& args);

[[nodiscard]] std::string usage_text();
[[nodiscard]] std::string_view version_string() noexcept;

}  // namespace tradebot::app
