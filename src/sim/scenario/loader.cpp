#include <array>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "tradebot/sim/engine/leverage_bracket.hpp"
#include "tradebot/sim/scenario/scenario.hpp"

namespace tradebot::sim::scenario {
namespace {

// Thrown inside this file only, turned into load_result::error at the boundary.
struct scenario_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class reader {
public:
    explicit reader(std::filesystem::path origin) : origin_{std::move(origin)} {}

    [[noreturn]] void fail(const YAML::Node& at, std::string_view key, std::string_view message) const {
        std::ostringstream out;
        out << origin_.string() << ':' << at.Mark().line + 1 << ':' << at.Mark().column + 1 << ": ";
        if (!key.empty()) out << key << ": ";
        out << message;
        throw scenario_error{out.str()};
    }

    void expect_map(const YAML::Node& n, std::string_view key, std::initializer_list<std::string_view> allowed) const {
        if (!n.IsMap()) fail(n, key, "expected a mapping");
        for (const auto& kv : n) {
            const auto name = kv.first.as<std::string>();
            bool known = false;
            for (const auto a : allowed) known = known || a == name;
            if (!known) fail(kv.first, name, "unknown key");
        }
    }

    [[nodiscard]] std::string text(const YAML::Node& n, std::string_view key) const {
        if (!n.IsScalar()) fail(n, key, "expected a scalar");
        return n.Scalar();
    }

    [[nodiscard]] core::decimal dec(const YAML::Node& n, std::string_view key) const {
        const auto v = core::decimal::parse(text(n, key));
        if (!v) fail(n, key, "expected a decimal number");
        return *v;
    }

    [[nodiscard]] bool boolean(const YAML::Node& n, std::string_view key) const {
        const auto s = text(n, key);
        if (s != "true" && s != "false") fail(n, key, "expected true or false");
        return s == "true";
    }

    [[nodiscard]] std::int64_t integer(const YAML::Node& n, std::string_view key, std::int64_t min,
                                       std::int64_t max) const {
        const auto s = text(n, key);
        std::size_t used = 0;
        std::int64_t v = 0;
        try {
            v = std::stoll(s, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != s.size() || s.empty()) fail(n, key, "expected an integer");
        if (v < min || v > max) {
            fail(n, key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        }
        return v;
    }

    [[nodiscard]] std::chrono::milliseconds seconds(const YAML::Node& n, std::string_view key) const {
        const auto d = dec(n, key);
        if (d.is_negative()) fail(n, key, "must not be negative");
        return std::chrono::milliseconds{d.rescale(3, core::rounding::half_up).mantissa()};
    }

    [[nodiscard]] const std::filesystem::path& origin() const noexcept { return origin_; }

private:
    std::filesystem::path origin_;
};

// leverage_brackets: [{initial_leverage, notional_cap, maint_margin_ratio?}, ...], highest leverage
// first. Each floor is the cap before it; a missing ratio is maintenance_margin_rate, filled in by
// finish_brackets once every key of the symbol is read.
std::vector<engine::leverage_bracket> read_brackets(const reader& r, const YAML::Node& v) {
    if (!v.IsSequence() || v.size() == 0) r.fail(v, "leverage_brackets", "expected a non-empty list");
    std::vector<engine::leverage_bracket> out;
    for (const auto& b : v) {
        r.expect_map(b, "leverage_brackets[]", {"initial_leverage", "notional_cap", "maint_margin_ratio"});
        if (!b["initial_leverage"] || !b["notional_cap"]) {
            r.fail(b, "leverage_brackets[]", "needs initial_leverage and notional_cap");
        }
        engine::leverage_bracket x;
        x.initial_leverage = static_cast<int>(r.integer(b["initial_leverage"], "initial_leverage", 1, 200));
        x.notional_cap = r.dec(b["notional_cap"], "notional_cap");
        x.notional_floor = out.empty() ? core::decimal{} : out.back().notional_cap;
        x.maint_margin_ratio = b["maint_margin_ratio"] ? r.dec(b["maint_margin_ratio"], "maint_margin_ratio")
                                                       : core::decimal::from_int(-1);
        if (b["maint_margin_ratio"] && x.maint_margin_ratio.is_negative()) {
            r.fail(b["maint_margin_ratio"], "maint_margin_ratio", "must not be negative");
        }
        if (!out.empty() && x.initial_leverage >= out.back().initial_leverage) {
            r.fail(b["initial_leverage"], "initial_leverage", "must be below the bracket before it");
        }
        if (x.notional_cap <= x.notional_floor) r.fail(b["notional_cap"], "notional_cap", "must grow from bracket to bracket");
        out.push_back(x);
    }
    return out;
}

void finish_brackets(engine::instrument& ins) {
    if (ins.leverage_brackets.empty()) return;
    for (auto& b : ins.leverage_brackets) {
        if (b.maint_margin_ratio.is_negative()) b.maint_margin_ratio = ins.maintenance_margin_rate;
    }
    engine::number_brackets(ins.leverage_brackets);
    ins.max_leverage = ins.leverage_brackets.front().initial_leverage;
}

void read_instrument_field(const reader& r, const std::string& key, const YAML::Node& v, engine::instrument& ins) {
    if (key == "leverage_brackets") ins.leverage_brackets = read_brackets(r, v);
    else if (key == "venue_symbol") ins.venue_symbol = r.text(v, key);
    else if (key == "base_asset") ins.base_asset = r.text(v, key);
    else if (key == "quote_asset") ins.quote_asset = r.text(v, key);
    else if (key == "tick_size") ins.tick_size = r.dec(v, key);
    else if (key == "min_price") ins.min_price = r.dec(v, key);
    else if (key == "max_price") ins.max_price = r.dec(v, key);
    else if (key == "step_size") ins.step_size = r.dec(v, key);
    else if (key == "min_qty") ins.min_qty = r.dec(v, key);
    else if (key == "max_qty") ins.max_qty = r.dec(v, key);
    else if (key == "market_max_qty") ins.market_max_qty = r.dec(v, key);
    else if (key == "min_notional") ins.min_notional = r.dec(v, key);
    else if (key == "multiplier_up") ins.multiplier_up = r.dec(v, key);
    else if (key == "multiplier_down") ins.multiplier_down = r.dec(v, key);
    else if (key == "max_leverage") ins.max_leverage = static_cast<int>(r.integer(v, key, 1, 200));
    else if (key == "price_precision") ins.price_precision = static_cast<int>(r.integer(v, key, 0, 18));
    else if (key == "qty_precision") ins.qty_precision = static_cast<int>(r.integer(v, key, 0, 18));
    else if (key == "maintenance_margin_rate") ins.maintenance_margin_rate = r.dec(v, key);
    else if (key == "funding_interval_h") ins.funding_interval = std::chrono::hours{r.integer(v, key, 1, 24)};
    else if (key == "max_open_orders") ins.max_open_orders = static_cast<int>(r.integer(v, key, 1, 10'000));
}

constexpr std::array<std::string_view, 20> instrument_keys = {
    "venue_symbol", "base_asset", "quote_asset", "tick_size", "min_price", "max_price", "step_size",
    "min_qty", "max_qty", "market_max_qty", "min_notional", "multiplier_up", "multiplier_down",
    "max_leverage", "price_precision", "qty_precision", "maintenance_margin_rate", "funding_interval_h",
    "max_open_orders", "leverage_brackets"};

bool is_instrument_key(std::string_view key) {
    for (const auto k : instrument_keys) {
        if (k == key) return true;
    }
    return false;
}

std::vector<core::decimal> read_series_file(const reader& r, const YAML::Node& at, const std::filesystem::path& file) {
    std::ifstream in{file};
    if (!in) r.fail(at, "series_file", "cannot read " + file.string());
    std::vector<core::decimal> out;
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (line.empty() || line[0] == '#') continue;
        // CSV: the price is the last column, so "time_ms,price" and bare prices both work.
        const auto comma = line.rfind(',');
        const auto cell = comma == std::string::npos ? line : line.substr(comma + 1);
        const auto price = core::decimal::parse(cell);
        if (!price) {
            if (out.empty() && line_no == 1) continue;  // a header row
            r.fail(at, "series_file", file.string() + ":" + std::to_string(line_no) + ": not a price: " + cell);
        }
        if (!price->is_positive()) {
            r.fail(at, "series_file", file.string() + ":" + std::to_string(line_no) + ": price must be positive");
        }
        out.push_back(*price);
    }
    if (out.empty()) r.fail(at, "series_file", file.string() + " has no prices");
    return out;
}

price_event read_event(const reader& r, const YAML::Node& n) {
    r.expect_map(n, "events[]", {"at_s", "kind", "move_pct", "duration_s"});
    price_event e;
    if (!n["at_s"] || !n["kind"] || !n["move_pct"]) r.fail(n, "events[]", "needs at_s, kind and move_pct");
    e.at = r.seconds(n["at_s"], "at_s");
    const auto kind = r.text(n["kind"], "kind");
    if (kind == "gap") e.kind = event_kind::gap;
    else if (kind == "flash") e.kind = event_kind::flash;
    else r.fail(n["kind"], "kind", "expected gap or flash");
    e.move_pct = r.dec(n["move_pct"], "move_pct");
    if (e.move_pct <= core::decimal::from_int(-100)) r.fail(n["move_pct"], "move_pct", "must be above -100");
    if (e.kind == event_kind::flash) {
        if (!n["duration_s"]) r.fail(n, "duration_s", "a flash move needs duration_s");
        e.duration = r.seconds(n["duration_s"], "duration_s");
    }
    return e;
}

void read_model_field(const reader& r, const std::string& key, const YAML::Node& v, symbol_spec& s) {
    auto& m = s.model;
    if (key == "model") {
        const auto k = r.text(v, key);
        if (k == "constant") m.kind = model_kind::constant;
        else if (k == "random_walk") m.kind = model_kind::random_walk;
        else if (k == "steps") m.kind = model_kind::steps;
        else if (k == "series") m.kind = model_kind::series;
        else r.fail(v, key, "expected constant, random_walk, steps or series");
    } else if (key == "volatility_bps") {
        m.volatility_bps = r.dec(v, key);
    } else if (key == "drift_bps") {
        m.drift_bps = r.dec(v, key);
    } else if (key == "steps") {
        if (!v.IsSequence()) r.fail(v, key, "expected a list of {at_s, price}");
        for (const auto& p : v) {
            r.expect_map(p, "steps[]", {"at_s", "price"});
            if (!p["at_s"] || !p["price"]) r.fail(p, "steps[]", "needs at_s and price");
            m.steps.push_back({r.seconds(p["at_s"], "at_s"), r.dec(p["price"], "price")});
        }
    } else if (key == "series") {
        if (!v.IsSequence()) r.fail(v, key, "expected a list of prices");
        for (const auto& p : v) m.series.push_back(r.dec(p, key));
    } else if (key == "series_file") {
        m.series = read_series_file(r, v, r.origin().parent_path() / r.text(v, key));
    } else if (key == "events") {
        if (!v.IsSequence()) r.fail(v, key, "expected a list");
        for (const auto& e : v) m.events.push_back(read_event(r, e));
    }
}

symbol_spec read_symbol(const reader& r, const YAML::Node& n, const YAML::Node& defaults) {
    std::vector<std::string_view> allowed{"symbol", "price", "spread_ticks", "depth_qty", "funding_rate", "model",
                                          "volatility_bps", "drift_bps", "steps", "series", "series_file", "events"};
    allowed.insert(allowed.end(), instrument_keys.begin(), instrument_keys.end());
    if (!n.IsMap()) r.fail(n, "symbols[]", "expected a mapping");
    symbol_spec s;
    if (!n["symbol"]) r.fail(n, "symbols[]", "needs a symbol");
    const auto name = r.text(n["symbol"], "symbol");
    const auto sym = core::symbol::parse(name);
    if (!sym) r.fail(n["symbol"], "symbol", "not a symbol: " + name);
    s.instrument.symbol = *sym;
    if (!n["price"]) r.fail(n, "price", "every symbol needs a start price");
    for (const auto* layer : {&defaults, &n}) {
        if (!*layer) continue;
        for (const auto& kv : *layer) {
            const auto key = kv.first.as<std::string>();
            bool known = false;
            for (const auto a : allowed) known = known || a == key;
            if (!known) r.fail(kv.first, key, "unknown key");
            if (is_instrument_key(key)) read_instrument_field(r, key, kv.second, s.instrument);
            else if (key == "price") s.start_price = r.dec(kv.second, key);
            else if (key == "spread_ticks") s.spread_ticks = static_cast<int>(r.integer(kv.second, key, 1, 1000));
            else if (key == "depth_qty") s.depth_qty = r.dec(kv.second, key);
            else if (key == "funding_rate") s.funding_rate = r.dec(kv.second, key);
            else if (key != "symbol") read_model_field(r, key, kv.second, s);
        }
    }
    finish_brackets(s.instrument);
    if (!s.start_price.is_positive()) r.fail(n["price"], "price", "must be positive");
    if (!s.instrument.tick_size.is_positive()) r.fail(n, "tick_size", "must be positive");
    if (!s.instrument.step_size.is_positive()) r.fail(n, "step_size", "must be positive");
    if (s.model.kind == model_kind::series && s.model.series.empty()) r.fail(n, "series", "a series model needs prices");
    if (s.model.kind == model_kind::steps && s.model.steps.empty()) r.fail(n, "steps", "a steps model needs steps");
    if (s.instrument.base_asset.empty()) {
        const auto text = s.instrument.symbol.str();
        const auto& quote = s.instrument.quote_asset;
        s.instrument.base_asset = text.size() > quote.size() && text.ends_with(quote)
                                      ? text.substr(0, text.size() - quote.size())
                                      : text;
    }
    return s;
}

scenario_spec read_root(const reader& r, const YAML::Node& root) {
    r.expect_map(root, "", {"name", "seed", "tick_ms", "slippage_bps", "bybit_position_delay_ms", "accounts",
                            "defaults", "symbols"});
    scenario_spec spec;
    spec.name = root["name"] ? r.text(root["name"], "name") : r.origin().stem().string();
    if (root["seed"]) spec.seed = static_cast<std::uint64_t>(r.integer(root["seed"], "seed", 0, INT64_MAX));
    if (root["tick_ms"]) spec.tick = std::chrono::milliseconds{r.integer(root["tick_ms"], "tick_ms", 10, 60'000)};
    if (root["slippage_bps"]) spec.slippage_bps = r.dec(root["slippage_bps"], "slippage_bps");
    if (root["bybit_position_delay_ms"]) {
        spec.bybit_position_delay =
            std::chrono::milliseconds{r.integer(root["bybit_position_delay_ms"], "bybit_position_delay_ms", 0, 60'000)};
    }
    if (const auto accounts = root["accounts"]) {
        if (!accounts.IsSequence()) r.fail(accounts, "accounts", "expected a list");
        for (const auto& a : accounts) {
            r.expect_map(a, "accounts[]", {"api_key", "api_secret", "balance", "read_only"});
            if (!a["api_key"] || !a["api_secret"]) r.fail(a, "accounts[]", "needs api_key and api_secret");
            account_spec acc{r.text(a["api_key"], "api_key"), r.text(a["api_secret"], "api_secret"), {}};
            acc.balance = a["balance"] ? r.dec(a["balance"], "balance") : core::decimal::from_int(10'000);
            acc.read_only = a["read_only"] ? r.boolean(a["read_only"], "read_only") : false;
            spec.accounts.push_back(std::move(acc));
        }
    }
    const auto defaults = root["defaults"];
    if (defaults && !defaults.IsMap()) r.fail(defaults, "defaults", "expected a mapping");
    const auto symbols = root["symbols"];
    if (!symbols || !symbols.IsSequence() || symbols.size() == 0) r.fail(root, "symbols", "needs at least one symbol");
    std::set<core::symbol> seen;
    for (const auto& s : symbols) {
        auto sym = read_symbol(r, s, defaults);
        if (!seen.insert(sym.instrument.symbol).second) r.fail(s, "symbol", "listed twice");
        spec.symbols.push_back(std::move(sym));
    }
    return spec;
}

}  // namespace

load_result load_text(const std::string& yaml, const std::filesystem::path& origin) {
    const reader r{origin};
    try {
        return {read_root(r, YAML::Load(yaml)), {}};
    } catch (const scenario_error& e) {
        return {std::nullopt, e.what()};
    } catch (const YAML::Exception& e) {
        return {std::nullopt, origin.string() + ":" + std::to_string(e.mark.line + 1) + ":" +
                                  std::to_string(e.mark.column + 1) + ": " + e.msg};
    }
}

load_result load_file(const std::filesystem::path& file) {
    std::ifstream in{file};
    if (!in) return {std::nullopt, file.string() + ": cannot read the scenario file"};
    std::ostringstream text;
    text << in.rdbuf();
    return load_text(text.str(), file);
}

}  // namespace tradebot::sim::scenario
