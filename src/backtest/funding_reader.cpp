#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "backtest/csv.hpp"
#include "backtest/input_files.hpp"
#include "tradebot/backtest/funding_file.hpp"

namespace tradebot::backtest {

namespace {

constexpr std::int64_t funding_hour_ms = 3'600'000;
constexpr std::int64_t funding_slack_ms = 60'000;  // the API stamps a settlement a few ms late

std::string funding_where(const std::filesystem::path& file, int line) {
    return file.string() + ":" + std::to_string(line) + ": ";
}

std::optional<std::int64_t> funding_integer(std::string_view s) {
    std::int64_t v = 0;
    const auto* end = s.data() + s.size();
    const auto r = std::from_chars(s.data(), end, v);
    if (r.ec != std::errc{} || r.ptr != end) return std::nullopt;
    return v;
}

// One entry as read, before the checks common to every layout.
struct funding_row {
    std::string symbol;  // empty: the file name's
    std::string time;
    std::string rate;
    int line = 0;
};

// The lines of the objects whose parent is an array, in document order: the entries of the
// answer's list (neither venue nests objects inside an entry).
std::vector<int> funding_object_lines(std::string_view text) {
    std::vector<int> lines;
    std::vector<char> open;
    bool in_string = false;
    int line = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') ++line;
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (c == '{' && !open.empty() && open.back() == '[') lines.push_back(line);
            open.push_back(c);
        } else if ((c == '}' || c == ']') && !open.empty()) {
            open.pop_back();
        }
    }
    return lines;
}

std::string funding_text_of(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return {};
    if (v->is_string()) return std::string{v->get_string()};
    if (v->is_int64()) return std::to_string(v->get_int64());
    if (v->is_uint64()) return std::to_string(v->get_uint64());
    if (v->is_double()) return std::to_string(v->get_double());  // never exact: refused by the decimal check
    return {};
}

loaded<std::vector<funding_row>> funding_json_rows(const std::filesystem::path& file, const std::string& text) {
    loaded<std::vector<funding_row>> out;
    boost::system::error_code ec;
    const auto doc = boost::json::parse(text, ec);
    if (ec) {
        out.error = file.string() + ": not JSON (" + ec.message() + ")";
        return out;
    }
    const boost::json::array* list = nullptr;
    if (doc.is_array()) {
        list = &doc.get_array();
    } else if (const auto* o = doc.if_object()) {
        if (const auto* result = o->if_contains("result"); result != nullptr && result->is_object()) {
            if (const auto* l = result->get_object().if_contains("list"); l != nullptr && l->is_array()) {
                list = &l->get_array();
            }
        }
    }
    if (list == nullptr) {
        out.error = file.string() + ":1: expected an array of funding entries or Bybit's {\"result\": {\"list\": [...]}}";
        return out;
    }
    const auto lines = funding_object_lines(text);
    std::vector<funding_row> rows;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const int line = i < lines.size() ? lines[i] : 1;
        const auto* o = (*list)[i].if_object();
        if (o == nullptr) {
            out.error = funding_where(file, line) + "entry " + std::to_string(i + 1) + " is not an object";
            return out;
        }
        funding_row r;
        r.line = line;
        r.symbol = funding_text_of(*o, "symbol");
        const bool bybit = o->contains("fundingRateTimestamp");
        r.time = funding_text_of(*o, bybit ? "fundingRateTimestamp" : "fundingTime");
        r.rate = funding_text_of(*o, "fundingRate");
        for (const auto& [value, name] : {std::pair{&r.symbol, "symbol"},
                                          {&r.time, bybit ? "fundingRateTimestamp" : "fundingTime"},
                                          {&r.rate, "fundingRate"}}) {
            if (value->empty()) {
                out.error = funding_where(file, line) + "missing '" + name + "'";
                return out;
            }
        }
        rows.push_back(std::move(r));
    }
    out.value = std::move(rows);
    return out;
}

loaded<std::vector<funding_row>> funding_csv_rows(const std::filesystem::path& file, const std::string& text) {
    loaded<std::vector<funding_row>> out;
    std::istringstream in{text};
    std::string raw;
    int line = 0;
    std::optional<std::size_t> symbol_at;
    std::size_t time_at = 0;
    std::size_t rate_at = 0;
    std::size_t needed = 0;
    bool header = false;
    std::vector<funding_row> rows;
    while (std::getline(in, raw)) {
        ++line;
        const auto trimmed = csv::chomp(raw);
        if (trimmed.empty()) continue;
        const auto f = csv::split(trimmed);
        if (!header) {
            const auto find = [&](std::string_view n) -> std::optional<std::size_t> {
                for (std::size_t i = 0; i < f.size(); ++i) {
                    if (csv::lower(f[i]) == n) return i;
                }
                return std::nullopt;
            };
            // Binance's dump, Binance's API fields, Bybit's API fields.
            const auto time = find("calc_time") ? find("calc_time")
                              : find("fundingtime") ? find("fundingtime")
                                                    : find("fundingratetimestamp");
            const auto rate = find("last_funding_rate") ? find("last_funding_rate") : find("fundingrate");
            if (!time || !rate) {
                out.error = funding_where(file, line) +
                            "expected a header naming calc_time,last_funding_rate (Binance's dump), "
                            "symbol,fundingTime,fundingRate (Binance's API) or symbol,fundingRate,fundingRateTimestamp "
                            "(Bybit's API)";
                return out;
            }
            symbol_at = find("calc_time") ? std::nullopt : find("symbol");
            if (!find("calc_time") && !symbol_at) {
                out.error = funding_where(file, line) + "missing column 'symbol'";
                return out;
            }
            time_at = *time;
            rate_at = *rate;
            needed = std::max({time_at, rate_at, symbol_at.value_or(0)}) + 1;
            header = true;
            continue;
        }
        if (f.size() < needed) {
            out.error = funding_where(file, line) + "expected at least " + std::to_string(needed) + " columns, got " +
                        std::to_string(f.size());
            return out;
        }
        rows.push_back(funding_row{symbol_at ? f[*symbol_at] : std::string{}, f[time_at], f[rate_at], line});
    }
    if (!header) {
        out.error = file.string() + ": empty";
        return out;
    }
    out.value = std::move(rows);
    return out;
}

// Checks one file's rows and adds them to `all`.
std::string add_funding_file(const std::filesystem::path& file, const price_history& prices, funding_history& all) {
    std::ifstream in{file, std::ios::binary};
    if (!in) return file.string() + ": cannot open";
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const auto text = buffer.str();
    const auto first = text.find_first_not_of(" \t\r\n");
    const bool json = first != std::string::npos && (text[first] == '[' || text[first] == '{');
    auto rows = json ? funding_json_rows(file, text) : funding_csv_rows(file, text);
    if (!rows.value) return rows.error;
    if (rows.value->empty()) return file.string() + ": no funding entries";
    const auto stem = file.stem().string();
    const auto file_symbol = core::symbol::parse(stem.substr(0, stem.find('-')));
    std::map<core::symbol, std::vector<funding_point>> mine;
    for (const auto& r : *rows.value) {
        const auto here = funding_where(file, r.line);
        const auto symbol = r.symbol.empty() ? file_symbol : core::symbol::parse(r.symbol);
        if (!symbol) {
            return here + (r.symbol.empty() ? "file name does not start with a symbol (e.g. BTCUSDT-fundingRate-2025-01.csv)"
                                            : "bad symbol '" + r.symbol + "'");
        }
        if (!prices.contains(*symbol)) return here + "no price data for " + symbol->str();
        const auto t = funding_integer(r.time);
        if (!t || *t <= 0) return here + "funding time '" + r.time + "' is not a positive integer (milliseconds)";
        if (*t % funding_hour_ms >= funding_slack_ms) {
            return here + "funding time " + r.time + " is not on a whole hour (UTC)";
        }
        const auto rate = core::decimal::parse(r.rate);
        if (!rate || rate->abs() >= core::decimal::from_int(1)) {
            return here + "funding rate '" + r.rate + "' is not a decimal between -1 and 1";
        }
        mine[*symbol].push_back(funding_point{*t - *t % funding_hour_ms, rate->normalized(), r.line});
    }
    for (auto& [symbol, points] : mine) {
        // Oldest first, or (as Bybit answers) wholly newest first; checked in the file's order.
        const bool newest_first = points.size() > 1 && points[0].ms > points[1].ms;
        for (std::size_t i = 1; i < points.size(); ++i) {
            const bool in_order = newest_first ? points[i].ms < points[i - 1].ms : points[i].ms > points[i - 1].ms;
            if (!in_order) {
                return funding_where(file, points[i].line) +
                       (points[i].ms == points[i - 1].ms ? "repeated" : "unsorted") + " funding time of " + symbol.str();
            }
        }
        if (newest_first) std::reverse(points.begin(), points.end());
        auto& series = all[symbol];
        if (!series.empty() && points.front().ms <= series.back().ms) {
            return funding_where(file, points.front().line) + "overlaps or precedes an earlier file's funding of " +
                   symbol.str();
        }
        series.insert(series.end(), points.begin(), points.end());
    }
    return {};
}

}  // namespace

loaded<funding_history> load_funding(const std::filesystem::path& path, const price_history& prices) {
    loaded<funding_history> out;
    auto files = input_files(path, {".csv", ".json"});
    if (!files.value) {
        out.error = std::move(files.error);
        return out;
    }
    funding_history all;
    for (const auto& f : *files.value) {
        if (auto bad = add_funding_file(f, prices, all); !bad.empty()) {
            out.error = std::move(bad);
            return out;
        }
    }
    out.value = std::move(all);
    return out;
}

}  // namespace tradebot::backtest
