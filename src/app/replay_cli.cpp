#include "app/replay_cli.hpp"

#include <algorithm>
#include <fstream>
#include <vector>

#include <unistd.h>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "app/option_mapping.hpp"
#include "tradebot/config/loader.hpp"
#include "tradebot/logging/logger.hpp"

namespace tradebot::app::replay_cli {

bool known_key(const std::string& key) {
    static const auto known = config::known_keys();
    return std::find(known.begin(), known.end(), key) != known.end();
}

std::optional<config::settings> load_settings(const std::string& dir, const std::map<std::string, std::string>& overrides,
                                              std::string_view command, const std::string& what, std::ostream& err) {
    auto loaded = config::load(dir, overrides);
    if (!loaded.value) {
        for (const auto& e : loaded.errors) {
            err << e.to_string() << '\n';
        }
        err << "tradebot " << command << ": " << what << " has " << loaded.errors.size() << " configuration error(s)\n";
        return std::nullopt;
    }
    return std::move(loaded.value);
}

bool add_sets(const boost::program_options::variables_map& vm, std::string_view command,
              std::map<std::string, std::string>& overrides, std::ostream& err) {
    if (vm.count("set") == 0) return true;
    for (const auto& kv : vm["set"].as<std::vector<std::string>>()) {
        const auto eq = kv.find('=');
        const auto key = kv.substr(0, eq);
        if (eq == std::string::npos || !known_key(key)) {
            err << "tradebot " << command << ": --set '" << kv << "': expected KEY=VALUE with a known key\n";
            return false;
        }
        overrides[config::env_name(key)] = kv.substr(eq + 1);
    }
    return true;
}

bool write_file(const std::filesystem::path& p, const std::string& text, std::string_view command, std::ostream& err) {
    std::ofstream f{p, std::ios::binary | std::ios::trunc};
    f << text;
    if (!f.flush()) {
        err << "tradebot " << command << ": cannot write " << p.string() << '\n';
        return false;
    }
    return true;
}

std::optional<core::decimal> non_negative(const boost::program_options::variables_map& vm, const char* name,
                                          std::string_view command, std::ostream& err) {
    const auto text = vm[name].as<std::string>();
    auto d = core::decimal::parse(text);
    if (!d || d->is_negative()) {
        err << "tradebot " << command << ": --" << name << " must be a non-negative decimal, not '" << text << "'\n";
        return std::nullopt;
    }
    return d;
}

void add_replay_options(boost::program_options::options_description& o) {
    namespace po = boost::program_options;
    o.add_options()
        ("config", po::value<std::string>()->default_value("config"), "directory holding tradebot.yaml")
        ("set", po::value<std::vector<std::string>>(), "KEY=VALUE: override a configuration key (repeatable)")
        ("intrabar", po::value<std::string>()->default_value("worst"), "worst | optimistic | ohlc")
        ("balance", po::value<std::string>()->default_value("10000"), "starting balance per venue, USDT")
        ("slippage-bps", po::value<std::string>()->default_value("0"), "market orders and stops fill this much worse")
        ("maker-fee", po::value<std::string>()->default_value("0.0002"), "maker fee rate")
        ("taker-fee", po::value<std::string>(), "taker fee rate (default: trading.commission_percent / 100)")
        ("log-level", po::value<std::string>()->default_value("warn"), "the trading core's log on stderr: info shows every decision")
        ("quiet", "no progress line");
}

std::optional<config::settings> settings_from(const boost::program_options::variables_map& vm,
                                              const std::map<std::string, std::string>& env, std::string_view command,
                                              std::ostream& err, std::map<std::string, std::string>* overrides_out) {
    auto overrides = env;
    if (!add_sets(vm, command, overrides, err)) return std::nullopt;
    overrides[config::env_name("app.mode")] = "test";
    auto settings = load_settings(vm["config"].as<std::string>(), overrides, command, "the configuration", err);
    if (overrides_out != nullptr) *overrides_out = std::move(overrides);
    return settings;
}

std::optional<backtest::run_options> run_options_from(const boost::program_options::variables_map& vm,
                                                      const config::settings& settings, std::string_view command,
                                                      std::ostream& err) {
    backtest::run_options run;
    const auto order = backtest::parse_intrabar(vm["intrabar"].as<std::string>());
    if (!order) {
        err << "tradebot " << command << ": --intrabar must be worst, optimistic or ohlc\n";
        return std::nullopt;
    }
    run.order = *order;
    const auto balance = non_negative(vm, "balance", command, err);
    const auto slippage = non_negative(vm, "slippage-bps", command, err);
    const auto maker = non_negative(vm, "maker-fee", command, err);
    if (!balance || !slippage || !maker) return std::nullopt;
    run.starting_balance = *balance;
    run.slippage_bps = *slippage;
    run.maker_fee_rate = *maker;
    if (vm.count("taker-fee") > 0) {
        const auto taker = non_negative(vm, "taker-fee", command, err);
        if (!taker) return std::nullopt;
        run.taker_fee_rate = *taker;
    } else {
        run.taker_fee_rate =
            settings.trading.commission_percent.divide(core::decimal::from_int(100), 8, core::rounding::half_even);
    }
    return run;
}

void start_logging(const boost::program_options::variables_map& vm, const config::settings& settings) {
    auto log_options = logging_options(settings);
    log_options.file.clear();
    log_options.level = vm["log-level"].as<std::string>();
    logging::init(log_options);
}

std::function<void(std::size_t, std::size_t)> progress_line(const boost::program_options::variables_map& vm,
                                                            std::ostream& err, std::string_view command,
                                                            std::string_view unit) {
    if (vm.count("quiet") > 0) return {};
    const bool tty = isatty(STDERR_FILENO) != 0;
    return [&err, tty, command = std::string{command}, unit = std::string{unit}, last = std::size_t{0}](
               std::size_t done, std::size_t total) mutable {
        const auto pct = total == 0 ? 100 : done * 100 / total;
        if (!tty && pct < last + 10 && done != total) return;  // a log gets a line per 10 %
        last = pct;
        err << fmt::format("{}{}: {}/{} {} ({} %)", tty ? "\r" : "", command, done, total, unit, pct)
            << (tty && done != total ? "" : "\n") << std::flush;
    };
}

}  // namespace tradebot::app::replay_cli
