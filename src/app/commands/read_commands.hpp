#pragma once

#include <iosfwd>

#include <boost/json/object.hpp>

#include "tradebot/app/cli.hpp"
#include "tradebot/config/settings.hpp"
#include "tradebot/signals/wave_schedule.hpp"

// The operator's read-only commands, one file each in this folder. They never take the instance
// lock and never write. Each prints text, or one JSON object with --json, and returns the exit
// code (read_session.hpp / operator_command.hpp: 0 read, 1 a source could not be read, 2 usage,
// 4 status: no instance answers, 5 positions: a row disagrees with its venue).
namespace tradebot::app::commands {

[[nodiscard]] int run_positions(
    const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err
);
[[nodiscard]] int run_orders_list(
    const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err
);
// signals check | query | waves (cl.cmd says which).
[[nodiscard]] int run_signals(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err);
[[nodiscard]] int run_signals_check(
    const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err
);
[[nodiscard]] int run_status(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err);
// One health report (diagnose.cpp): 0 all ok, 1 a warning or a failure.
[[nodiscard]] int run_diagnose(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err);

// The wave schedule of the configuration, and one wave as JSON {at, candle_open, window_end}.
[[nodiscard]] signals::wave_schedule schedule_of(const config::settings& s);
[[nodiscard]] boost::json::object wave_json(const signals::wave& w);

// The text form of positions' answer object.
void render_positions(const boost::json::object& answer, bool by_age, bool paper, std::ostream& out);

}  // namespace tradebot::app::commands
