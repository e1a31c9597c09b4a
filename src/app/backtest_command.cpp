#include "tradebot/app/backtest_command.hpp"

#include <unistd.h>

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
#include "app/option_mapping.hpp"
#include "app/replay_cli.hpp"
#include "tradebot/backtest/grid.hpp"
#include "tradebot/backtest/report.hpp"
#include "tradebot/backtest/runner.hpp"
#include "tradebot/config/loader.hpp"
#include "tradebot/logging/logger.hpp"
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
        ("signals", po::value<std::string>(), "signals CSV (timestamp,exchange,symbol,side,score_week,score_month,...)")
        ("signals-from-db", po::value<std::string>(), "SINCE..UNTIL: instead of --signals, the signals table's rows received in [SINCE, UNTIL) (UTC, e.g. 2025-03-03T00:00:00Z), through the configuration's database")
        ("config", po::value<std::string>()->default_value("config"), "directory holding tradebot.yaml")
        ("set", po::value<std::vector<std::string>>(), "KEY=VALUE: override a configuration key (repeatable)")
        ("intrabar", po::value<std::string>()->default_value("worst"), "worst | optimistic | ohlc")
        ("out", po::value<std::string>()->default_value("backtest-out"), "directory for the JSON, CSV and HTML reports")
        ("balance", po::value<std::string>()->default_value("10000"), "starting balance per venue, USDT")
        ("slippage-bps", po::value<std::string>()->default_value("0"), "market orders and stops fill this much worse")
        ("maker-fee", po::value<std::string>()->default_value("0.0002"), "maker fee rate")
        ("taker-fee", po::value<std::string>(), "taker fee rate (default: trading.commission_percent / 100)")
        ("funding-rate", po::value<std::string>()->default_value("0"), "funding rate every 8 h, all symbols (longs pay a positive one)")
        ("log-level", po::value<std::string>()->default_value("warn"), "the trading core's log on stderr: info shows every decision")
        ("grid", po::value<std::vector<std::string>>(), "KEY=V1,V2,...: sweep (repeatable); every combination is a cell")
        ("jobs", po::value<unsigned>(), "sweep: cells run at once (default: the CPU cores)")
        ("quiet", "no progress line");
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

}  // namespace

std::string backtest_usage() {
    std::ostringstream o;
    o << "Usage: tradebot backtest --klines PATH (--signals FILE | --signals-from-db SINCE..UNTIL)\n"
      << "                         [--config DIR] [--set KEY=VALUE ...]\n"
      << "                         [--intrabar worst|optimistic|ohlc] [--out DIR]\n"
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
    if (vm.count("klines") == 0 || (vm.count("signals") == 0) == (vm.count("signals-from-db") == 0)) {
        err << "tradebot backtest: --klines and one of --signals or --signals-from-db are required\n"
               "Try 'tradebot backtest --help'.\n";
        return exit_usage;
    }
    const auto order = backtest::parse_intrabar(vm["intrabar"].as<std::string>());
    if (!order) {
        err << "tradebot backtest: --intrabar must be worst, optimistic or ohlc\n";
        return exit_usage;
    }
    auto overrides = env;
    if (!replay_cli::add_sets(vm, backtest_word, overrides, err)) {
        return exit_usage;
    }
    overrides[config::env_name("app.mode")] = "test";
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
    const auto loaded = replay_cli::load_settings(config_dir, overrides, backtest_word, "the configuration", err);
    if (!loaded) {
        return exit_usage;
    }
    const auto& settings = *loaded;
    backtest::run_options options;
    options.order = *order;
    const auto balance = replay_cli::non_negative(vm, "balance", backtest_word, err);
    const auto slippage = replay_cli::non_negative(vm, "slippage-bps", backtest_word, err);
    const auto maker = replay_cli::non_negative(vm, "maker-fee", backtest_word, err);
    if (!balance || !slippage || !maker) {
        return exit_usage;
    }
    options.starting_balance = *balance;
    options.slippage_bps = *slippage;
    options.maker_fee_rate = *maker;
    const auto funding_text = vm["funding-rate"].as<std::string>();
    const auto funding = core::decimal::parse(funding_text);
    if (!funding) {
        err << "tradebot backtest: --funding-rate must be a decimal, not '" << funding_text << "'\n";
        return exit_usage;
    }
    options.funding_rate = *funding;
    if (vm.count("taker-fee") > 0) {
        const auto taker = replay_cli::non_negative(vm, "taker-fee", backtest_word, err);
        if (!taker) return exit_usage;
        options.taker_fee_rate = *taker;
    } else {
        options.taker_fee_rate = settings.trading.commission_percent.divide(core::decimal::from_int(100), 8,
                                                                            core::rounding::half_even);
    }

    auto log_options = logging_options(settings);
    log_options.file.clear();
    log_options.level = vm["log-level"].as<std::string>();
    logging::init(log_options);

    const auto prices = backtest::load_klines(vm["klines"].as<std::string>());
    if (!prices.value) {
        err << "tradebot backtest: " << prices.error << '\n';
        logging::shutdown();
        return exit_usage;
    }
    std::optional<backtest::price_history> marks;
    if (vm.count("mark-klines") > 0) {
        auto m = backtest::load_klines(vm["mark-klines"].as<std::string>());
        if (!m.value) {
            err << "tradebot backtest: " << m.error << '\n';
            logging::shutdown();
            return exit_usage;
        }
        for (const auto& [symbol, series] : *m.value) {
            if (!prices.value->contains(symbol)) {
                err << "tradebot backtest: --mark-klines has " << symbol.str() << ", --klines has not\n";
                logging::shutdown();
                return exit_usage;
            }
        }
        for (const auto& [symbol, series] : *prices.value) {
            if (!m.value->contains(symbol)) {
                err << "tradebot backtest: --klines has " << symbol.str() << ", --mark-klines has not\n";
                logging::shutdown();
                return exit_usage;
            }
        }
        marks = std::move(m.value);
        options.marks = &*marks;
    }
    const auto signals = vm.count("signals") > 0
                             ? backtest::load_signals(vm["signals"].as<std::string>(), *prices.value)
                             : signals_from_db(settings, vm["signals-from-db"].as<std::string>(), *prices.value);
    if (!signals.value) {
        err << "tradebot backtest: " << signals.error << '\n';
        logging::shutdown();
        return exit_usage;
    }
    if (vm.count("quiet") == 0) {
        const bool tty = isatty(STDERR_FILENO) != 0;
        options.progress = [&err, tty, last = std::size_t{0}](std::size_t done, std::size_t total) mutable {
            const auto pct = total == 0 ? 100 : done * 100 / total;
            if (!tty && pct < last + 10 && done != total) return;  // a log gets a line per 10 %
            last = pct;
            err << fmt::format("{}backtest: {}/{} minutes ({} %)", tty ? "\r" : "", done, total, pct)
                << (tty && done != total ? "" : "\n") << std::flush;
        };
    }
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
            backtest::run_grid(cell_settings, cells, *prices.value, *signals.value, cell_options, jobs, progress);
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
    const auto result = backtest::run(settings, *prices.value, *signals.value, options);
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
