#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tradebot/core/decimal.hpp"
#include "tradebot/sim/engine/instrument.hpp"

namespace tradebot::sim::scenario {

enum class model_kind : std::uint8_t {
    constant,     // the price stays where it is unless an event or the control API moves it
    random_walk,  // seeded Gaussian steps of volatility_bps (+ drift_bps) per tick
    steps,        // piecewise constant: the price of the last step whose time has come
    series,       // a recorded series, one price per tick, holding the last one at the end
};

enum class event_kind : std::uint8_t { gap, flash };

// A move on top of the model: a gap shifts the price for good from `at`, a flash move shifts it
// during [at, at + duration) and then lets it return.
struct price_event {
    event_kind kind = event_kind::gap;
    std::chrono::milliseconds at{0};  // since the scenario started
    core::decimal move_pct;           // -8 = eight percent down
    std::chrono::milliseconds duration{0};
};

struct step_point {
    std::chrono::milliseconds at{0};
    core::decimal price;
};

struct price_model {
    model_kind kind = model_kind::random_walk;
    core::decimal volatility_bps = core::decimal::from_int(5);
    core::decimal drift_bps;
    std::vector<step_point> steps;
    std::vector<core::decimal> series;
    std::vector<price_event> events;
};

struct symbol_spec {
    engine::instrument instrument;
    core::decimal start_price;
    int spread_ticks = 1;             // ask - bid in ticks
    core::decimal depth_qty;          // size shown at the best bid and ask; 0 = unlimited
    core::decimal funding_rate = core::decimal::from_string("0.0001");
    price_model model;
};

struct account_spec {
    std::string api_key;
    std::string api_secret;
    core::decimal balance = core::decimal::from_int(10'000);
    bool read_only = false;  // engine::account_config::read_only
};

struct scenario_spec {
    std::string name;
    std::uint64_t seed = 1;
    std::chrono::milliseconds tick{250};  // how often prices move
    core::decimal slippage_bps;
    // Bybit's lag before a new position shows on REST position/list (a real quirk).
    std::chrono::milliseconds bybit_position_delay{0};
    std::vector<account_spec> accounts;
    std::vector<symbol_spec> symbols;
};

struct load_result {
    std::optional<scenario_spec> spec;
    std::string error;  // "file:line:col: key: message" when spec is empty
};

// Reads a scenario YAML file (format in docs/SIMULATOR.md). A `series_file` is read relative
// to the scenario's folder.
[[nodiscard]] load_result load_file(const std::filesystem::path& file);
// The same from text; `origin` names it in errors and anchors relative paths.
[[nodiscard]] load_result load_text(const std::string& yaml, const std::filesystem::path& origin);

}  // namespace tradebot::sim::scenario
