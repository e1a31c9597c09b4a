#include "tradebot/app/backtest_command.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>

#include <boost/json/serialize.hpp>
#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "app/commands/read_session.hpp"
#include "app/exit_codes.hpp"
#include "app/replay_cli.hpp"
#include "tradebot/backtest/funding_file.hpp"
#include "tradebot/backtest/grid.hpp"
#include "tradebot/backtest/report.hpp"
#include "tradebot/backtest/runner.hpp"
#include "tradebot/backtest/scenario_input.hpp"
#include "tradebot/config/loader.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/sim/scenario/scenario.hpp"
#include "tradebot/signals/timestamp.hpp"

namespace tradebot::app {

namespace po = boost::program_options;
namespace fs = std::filesystem;
constexpr std::string_view backtest_word = "backtest";

namespace {

po::options_description backtest_options() {
    po::options_description o{"backtest options"};
    o.add_options()
        ("help,h", "show this help")
        ("klines", po::value<std::string>(), "1-minute klines: a CSV file or a directory of them (Binance dump layout or Bybit kline export)")
        ("mark-klines", po::value<std::string>(), "mark-price klines (file or directory): the marks replayed; --klines then give volume and instruments")
        ("agg-trades", po::value<std::string>(), "Binance aggTrades dumps (file or directory) as 1-minute bars: the prices, or with --klines the marks replayed")
        ("scenario", po::value<std::string>(), "instead of --klines: a tradebot-sim scenario file's prices, instruments and funding (docs/SIMULATOR.md)")
        ("from", po::value<std::string>()->default_value("2025-03-03T00:00:00Z"), "--scenario: the UTC time its first minute is")
        ("minutes", po::value<int>()->default_value(1440), "--scenario: how many minutes of it")
        ("signals", po::value<std::string>(), "signals CSV (timestamp,exchange,symbol,side,score_week,score_month,...)")
        ("signals-from-db", po::value<std::string>(), "SINCE..UNTIL: instead of --signals, the signals table's rows received in [SINCE, UNTIL) (UTC, e.g. 2025-03-03T00:00:00Z), through the configuration's database")
        ("out", po::value<std::string>()->default_value("backtest-out"), "directory for the JSON, CSV and HTML reports")
        ("funding", po::value<std::string>(), "recorded funding rates (file or directory: Binance fundingRate API JSON/CSV or data dump, Bybit funding/history JSON/CSV), each settled at its time")
        ("funding-rate", po::value<std::string>()->default_value("0"), "without --funding: one rate every 8 h, all symbols (longs pay a positive one)")
        ("grid", po::value<std::vector<std::string>>(), "KEY=V1,V2,...: sweep (repeatable); every combination is a cell")
        ("jobs", po::value<unsigned>(), "sweep: cells run at once (default: the CPU cores)");
    replay_cli::add_replay_options(o);
    return o;
}

// The signals table's rows received in [since, until) ("SINCE..UNTIL"), oldest id first, each
// checked as a CSV row is; an error names the row's id.
backtest::loaded<std::vector<backtest::signal_line>> signals_from_db(const config::settings& settings,
                                                                     const std::string& range,
                                                                     const backtest::price_history& prices) {
    backtest::loaded<std::vector<backtest::signal_line>> out;
    const auto dots = range.find("..");
    const auto since = dots == std::string::npos ? std::nullopt : signals::parse_timestamp(range.substr(0, dots));
    const auto until = dots == std::string::npos ? std::nullopt : signals::parse_timestamp(range.substr(dots + 2));
    if (!since || !until || *until <= *since) {
        out.error = "--signals-from-db '" + range + "': expected SINCE..UNTIL, two UTC times, SINCE first";
        return out;
    }
    commands::read_session rs{settings};
    const std::string utc = "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'";
    const auto time_of = [&](const char* column) {
        return std::string{"to_char("} + column + " AT TIME ZONE 'UTC', " + utc + ") AS " + column;
    };
    const std::string sql = "SELECT id, source, external_id, exchange, symbol, side, score_week::text AS score_week, "
                            "score_month::text AS score_month, " +
                            time_of("candle_time") + ", " + time_of("wave_time") + ", " + time_of("received_at") +
                            " FROM signals WHERE received_at >= $1::timestamptz AND received_at < $2::timestamptz "
                            "ORDER BY id";
    std::string error;
    const auto found = rs.query_rows(sql, {range.substr(0, dots), range.substr(dots + 2)}, error);
    if (!found) {
        out.error = "--signals-from-db: " + error;
        return out;
    }
    std::vector<backtest::signal_line> rows;
    for (const auto& v : *found) {
        const auto& o = v.as_object();
        const auto text = [&](const char* key) -> std::optional<std::string> {
            const auto* f = o.if_contains(key);
            if (f == nullptr || f->is_null()) return std::nullopt;
            if (f->is_string()) return std::string{f->as_string()};
            return boost::json::serialize(*f);
        };
        backtest::signal_line line;
        auto& r = line.raw;
        r.id = std::stoll(text("id").value_or("0"));
        r.source = text("source").value_or("");
        r.external_id = text("external_id");
        r.exchange = text("exchange").value_or("");
        r.symbol = text("symbol").value_or("");
        r.side = text("side").value_or("");
        r.score_week = text("score_week");
        r.score_month = text("score_month");
        r.candle_time = text("candle_time");
        r.wave_time = text("wave_time");
        r.received_at = text("received_at").value_or("");
        line.line = static_cast<int>(rows.size()) + 1;
        if (auto bad = backtest::check_signal(line, prices); !bad.empty()) {
            out.error = "signals table, id " + std::to_string(r.id) + ": " + bad;
            return out;
        }
        rows.push_back(std::move(line));
    }
    out.value = std::move(rows);
    return out;
}


// The prices (and what comes with them) the options name.
struct backtest_market {
    backtest::price_history prices;
    std::optional<backtest::price_history> marks;
    std::optional<backtest::funding_history> funding;
    std::optional<backtest::instrument_table> instruments;
};

// Both histories hold the same symbols; empty when they do, else the complaint.
std::string same_symbols(const backtest::price_history& a, const char* a_name, const backtest::price_history& b,
                         const char* b_name) {
    for (const auto& [symbol, series] : b) {
        if (!a.contains(symbol)) return std::string{b_name} + " has " + symbol.str() + ", " + a_name + " has not";
    }
    for (const auto& [symbol, series] : a) {
        if (!b.contains(symbol)) return std::string{a_name} + " has " + symbol.str() + ", " + b_name + " has not";
    }
    return {};
}

// --klines [--mark-klines | --agg-trades], --agg-trades, or --scenario [--from] [--minutes]; then
// --funding. Empty when loaded, else the error (naming file and line where there is one).
std::string load_market(const po::variables_map& vm, backtest_market& m, std::ostream& err) {
    if (vm.count("scenario") > 0) {
        auto loaded = sim::scenario::load_file(vm["scenario"].as<std::string>());
        if (!loaded.spec) return loaded.error;
        if (loaded.spec->symbols.empty()) return vm["scenario"].as<std::string>() + ": the scenario has no symbols";
        const auto from_text = vm["from"].as<std::string>();
        const auto from = signals::parse_timestamp(from_text);
        const auto minutes = vm["minutes"].as<int>();
        if (!from) return "--from '" + from_text + "': expected a UTC time such as 2025-03-03T00:00:00Z";
        const auto from_ms = std::chrono::duration_cast<std::chrono::milliseconds>(from->time_since_epoch()).count();
        if (from_ms % 60'000 != 0) return "--from '" + from_text + "': not on a whole minute";
        if (minutes < 1) return "--minutes must be at least 1";
        auto market = backtest::scenario_market_of(*loaded.spec, from_ms, minutes);
        m.prices = std::move(market.prices);
        m.funding = std::move(market.funding);
        m.instruments = std::move(market.instruments);
        return {};
    }
    std::function<void(std::size_t, std::size_t)> reading;
    if (vm.count("quiet") == 0) {
        reading = [&err](std::size_t done, std::size_t total) {
            err << fmt::format("backtest: read {}/{} aggTrades files\n", done, total) << std::flush;
        };
    }
    if (vm.count("klines") > 0) {
        auto k = backtest::load_klines(vm["klines"].as<std::string>());
        if (!k.value) return k.error;
        m.prices = std::move(*k.value);
        const bool mark_klines = vm.count("mark-klines") > 0;
        if (mark_klines || vm.count("agg-trades") > 0) {
            auto marks = mark_klines ? backtest::load_klines(vm["mark-klines"].as<std::string>())
                                     : backtest::load_agg_trades(vm["agg-trades"].as<std::string>(), reading);
            if (!marks.value) return marks.error;
            const auto name = mark_klines ? "--mark-klines" : "--agg-trades";
            if (auto bad = same_symbols(m.prices, "--klines", *marks.value, name); !bad.empty()) return bad;
            m.marks = std::move(marks.value);
        }
    } else {
        auto trades = backtest::load_agg_trades(vm["agg-trades"].as<std::string>(), reading);
        if (!trades.value) return trades.error;
        m.prices = std::move(*trades.value);
    }
    if (vm.count("funding") > 0) {
        auto f = backtest::load_funding(vm["funding"].as<std::string>(), m.prices);
        if (!f.value) return f.error;
        m.funding = std::move(f.value);
    }
    return {};
}

}  // namespace

std::string backtest_usage() {
    std::ostringstream o;
    o << "Usage: tradebot backtest (--klines PATH [--mark-klines PATH | --agg-trades PATH] | --agg-trades PATH |\n"
      << "                          --scenario FILE [--from TIME] [--minutes N])\n"
      << "                         (--signals FILE | --signals-from-db SINCE..UNTIL)\n"
      << "                         [--config DIR] [--set KEY=VALUE ...]\n"
      << "                         [--intrabar worst|optimistic|ohlc] [--out DIR] [--funding FILE|DIR]\n"
      << "                         [--grid KEY=V1,V2,... ...] [--jobs N]   a sweep: grid.json/csv/html\n"
      << "Replays history through the trading core that trades live (docs/BACKTEST.md).\n\n"
      << backtest_options();
    return o.str();
}

int run_backtest(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                 std::ostream& out, std::ostream& err) {
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(backtest_options()).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        err << "tradebot backtest: " << e.what() << "\nTry 'tradebot backtest --help'.\n";
        return exit_usage;
    }
    if (vm.count("help") > 0) {
        out << backtest_usage();
        return 0;
    }
    const auto given = [&](const char* name) { return vm.count(name) > 0; };
    const bool has_prices = given("klines") || given("agg-trades") || given("scenario");
    if (!has_prices || given("signals") == given("signals-from-db")) {
        err << "tradebot backtest: --klines (or --agg-trades or --scenario) and one of --signals or --signals-from-db "
               "are required\nTry 'tradebot backtest --help'.\n";
        return exit_usage;
    }
    if ((given("scenario") && (given("klines") || given("agg-trades") || given("mark-klines") || given("funding"))) ||
        (given("mark-klines") && (given("agg-trades") || !given("klines")))) {
        err << "tradebot backtest: --scenario brings its own prices and funding (no --klines, --agg-trades, "
               "--mark-klines or --funding with it); --mark-klines goes with --klines, not with --agg-trades\n";
        return exit_usage;
    }
    std::map<std::string, std::string> overrides;
    const auto loaded = replay_cli::settings_from(vm, env, backtest_word, err, &overrides);
    if (!loaded) {
        return exit_usage;
    }
    const auto& settings = *loaded;
    auto parsed = replay_cli::run_options_from(vm, settings, backtest_word, err);
    if (!parsed) {
        return exit_usage;
    }
    auto& options = *parsed;
    std::vector<backtest::grid_axis> axes;
    if (vm.count("grid") > 0) {
        for (const auto& text : vm["grid"].as<std::vector<std::string>>()) {
            auto axis = backtest::parse_grid_axis(text);
            if (!axis || !replay_cli::known_key(axis->key)) {
                err << "tradebot backtest: --grid '" << text << "': expected KEY=V1,V2,... with a known key\n";
                return exit_usage;
            }
            axes.push_back(std::move(*axis));
        }
    }
    const auto config_dir = vm["config"].as<std::string>();
    const auto funding_text = vm["funding-rate"].as<std::string>();
    const auto funding = core::decimal::parse(funding_text);
    if (!funding) {
        err << "tradebot backtest: --funding-rate must be a decimal, not '" << funding_text << "'\n";
        return exit_usage;
    }
    if ((given("funding") || given("scenario")) && !funding->is_zero()) {
        err << "tradebot backtest: --funding-rate (one rate) goes with neither --funding nor --scenario (recorded or "
               "the scenario's rates)\n";
        return exit_usage;
    }
    options.funding_rate = *funding;
    replay_cli::start_logging(vm, settings);

    backtest_market market;
    if (auto bad = load_market(vm, market, err); !bad.empty()) {
        err << "tradebot backtest: " << bad << '\n';
        logging::shutdown();
        return exit_usage;
    }
    const auto& prices = market.prices;
    if (market.marks) options.marks = &*market.marks;
    if (market.funding) options.funding = &*market.funding;
    if (market.instruments) options.instruments = &*market.instruments;
    const auto signals = vm.count("signals") > 0
                             ? backtest::load_signals(vm["signals"].as<std::string>(), prices)
                             : signals_from_db(settings, vm["signals-from-db"].as<std::string>(), prices);
    if (!signals.value) {
        err << "tradebot backtest: " << signals.error << '\n';
        logging::shutdown();
        return exit_usage;
    }
    options.progress = replay_cli::progress_line(vm, err, backtest_word, "minutes");
    if (!axes.empty()) {
        const auto cells = backtest::grid_cells(axes);
        std::vector<config::settings> cell_settings;
        for (const auto& cell : cells) {
            auto o = overrides;
            std::string name;
            for (const auto& [k, v] : cell) {
                o[config::env_name(k)] = v;
                name += (name.empty() ? "" : " ") + k + "=" + v;
            }
            auto s = replay_cli::load_settings(config_dir, o, backtest_word, "sweep cell " + name, err);
            if (!s) {
                logging::shutdown();
                return exit_usage;
            }
            cell_settings.push_back(std::move(*s));
        }
        const auto jobs = vm.count("jobs") > 0 ? vm["jobs"].as<unsigned>() : std::max(1U, std::thread::hardware_concurrency());
        std::function<void(std::size_t, std::size_t)> progress;
        if (vm.count("quiet") == 0) {
            progress = [&err](std::size_t done, std::size_t total) {
                err << fmt::format("backtest sweep: {}/{} cells\n", done, total) << std::flush;
            };
        }
        auto cell_options = options;
        cell_options.progress = nullptr;
        const auto results =
            backtest::run_grid(cell_settings, cells, prices, *signals.value, cell_options, jobs, progress);
        logging::shutdown();
        const fs::path dir = vm["out"].as<std::string>();
        std::error_code ec;
        fs::create_directories(dir, ec);
        const auto html_path = dir / "grid.html";
        if (!replay_cli::write_file(dir / "grid.json", backtest::grid_json(axes, results, options.order), backtest_word, err) ||
            !replay_cli::write_file(dir / "grid.csv", backtest::grid_csv(axes, results), backtest_word, err) ||
            !replay_cli::write_file(html_path, backtest::grid_html(axes, results, options.order), backtest_word, err)) {
            return exit_failed;
        }
        const auto rank = backtest::grid_ranking(results);
        out << "sweep: " << results.size() << " cells on " << std::min<std::size_t>(jobs, results.size())
            << " threads, intrabar " << backtest::to_string(options.order) << "; best first:\n";
        for (std::size_t r = 0; r < std::min<std::size_t>(5, rank.size()); ++r) {
            const auto& c = results[rank[r]];
            std::string name;
            for (const auto& [k, v] : c.params) name += (name.empty() ? "" : " ") + k + "=" + v;
            out << fmt::format("  {}. {}: net PnL {} USDT, {} trades, max drawdown {} USDT\n", r + 1, name,
                               c.stats.net_pnl.normalized().to_string(), c.stats.trades,
                               c.stats.max_drawdown.normalized().to_string());
        }
        out << "report: " << fs::absolute(html_path).string() << '\n';
        return 0;
    }
    const auto result = backtest::run(settings, prices, *signals.value, options);
    logging::shutdown();
    const auto stats = backtest::summarize(result);
    const fs::path dir = vm["out"].as<std::string>();
    std::error_code ec;
    fs::create_directories(dir, ec);
    const auto html_path = dir / "backtest.html";
    if (!replay_cli::write_file(dir / "backtest.json", backtest::to_json(result, stats), backtest_word, err) ||
        !replay_cli::write_file(dir / "backtest-trades.csv", backtest::trades_csv(result), backtest_word, err) ||
        !replay_cli::write_file(html_path, backtest::to_html(result, stats), backtest_word, err)) {
        return exit_failed;
    }
    out << backtest::summary_text(result, stats);
    out << "report: " << fs::absolute(html_path).string() << '\n';
    return 0;
}

}  // namespace tradebot::app
