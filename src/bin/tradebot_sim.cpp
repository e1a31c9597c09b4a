// tradebot-sim: wiring only. Parse the command line and run the simulator.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "tradebot/sim/app/sim_main.hpp"

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const auto parsed = tradebot::sim::app::parse_sim_command_line(args);
    if (!parsed.value) {
        std::cerr << "tradebot-sim: " << parsed.error << "\nTry 'tradebot-sim --help'.\n";
        return 2;
    }
    if (parsed.value->help) {
        std::cout << tradebot::sim::app::sim_usage_text();
        return 0;
    }
    if (parsed.value->version) {
        std::cout << "tradebot-sim " << tradebot::sim::app::sim_version() << '\n';
        return 0;
    }
    try {
        return tradebot::sim::app::run_simulator(*parsed.value);
    } catch (const std::exception& e) {
        std::cerr << "tradebot-sim: " << e.what() << '\n';
        return 1;
    }
}
