#include <map>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "backtest/csv.hpp"
#include "tradebot/backtest/signal_file.hpp"
#include "tradebot/signals/timestamp.hpp"

namespace tradebot::backtest {

namespace {

std::string iso(core::clock::time_point t) {
    const auto s = std::chrono::time_point_cast<std::chrono::seconds>(t);
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::sys_seconds{s.time_since_epoch()});
}

}  // namespace

std::string check_signal(signal_line& s, const price_history& prices) {
    const auto valid = signals::validate(s.raw);
    if (!valid) {
        return std::string{signals::to_string(valid.error().reason)} + ": " + valid.error().message;
    }
    s.visible_at = valid->wave_time.value_or(valid->received_at);
    const auto series = prices.find(valid->symbol);
    if (series == prices.end()) {
        return "no price data for " + valid->symbol.str();
    }
    const auto first = core::clock::time_point{std::chrono::milliseconds{series->second.bars.front().open_ms}};
    const auto last = core::clock::time_point{std::chrono::milliseconds{series->second.bars.back().open_ms}};
    if (s.visible_at < first || s.visible_at > last) {
        return "signal at " + iso(s.visible_at) + " is outside the price data of " + valid->symbol.str() + " (" +
               iso(first) + " .. " + iso(last) + ")";
    }
    return {};
}

loaded<std::vector<signal_line>> load_signals(const std::filesystem::path& file, const price_history& prices) {
    loaded<std::vector<signal_line>> out;
    csv::line_reader reader{file};
    if (auto e = reader.open_error()) {
        out.error = std::move(*e);
        return out;
    }
    const auto at = [&](int line) { return file.string() + ":" + std::to_string(line) + ": "; };
    std::map<std::string, std::size_t> col;
    std::vector<signal_line> rows;
    std::map<std::int64_t, int> ids;
    std::vector<std::string> f;
    while (reader.next(f)) {
        const int line = reader.line();
        if (col.empty()) {
            for (std::size_t i = 0; i < f.size(); ++i) {
                col[csv::lower(f[i])] = i;
            }
            if (!col.contains("timestamp") && col.contains("candle_time")) {
                col["timestamp"] = col["candle_time"];
            }
            for (const char* need : {"timestamp", "exchange", "symbol", "side", "score_week", "score_month"}) {
                if (!col.contains(need)) {
                    out.error = at(line) + "missing column '" + need + "' (header: timestamp,exchange,symbol,side,"
                                "score_week,score_month[,id,wave_time,received_at,source,external_id])";
                    return out;
                }
            }
            continue;
        }
        const auto get = [&](const char* name) -> std::optional<std::string> {
            const auto it = col.find(name);
            if (it == col.end() || it->second >= f.size() || f[it->second].empty()) {
                return std::nullopt;
            }
            return f[it->second];
        };
        signal_line s;
        s.line = line;
        auto& r = s.raw;
        r.id = static_cast<std::int64_t>(rows.size()) + 1;
        if (const auto id = get("id")) {
            try {
                r.id = std::stoll(*id);
            } catch (const std::exception&) {
                r.id = 0;  // validate() names it
            }
        }
        r.source = get("source").value_or("backtest");
        r.external_id = get("external_id");
        r.exchange = get("exchange").value_or("");
        r.symbol = get("symbol").value_or("");
        r.side = get("side").value_or("");
        r.score_week = get("score_week");
        r.score_month = get("score_month");
        r.candle_time = get("timestamp");
        r.wave_time = get("wave_time");
        const auto candle = r.candle_time ? signals::parse_timestamp(*r.candle_time) : std::nullopt;
        r.received_at = get("received_at").value_or(candle ? iso(*candle + std::chrono::minutes{15}) : "");
        if (auto bad = check_signal(s, prices); !bad.empty()) {
            out.error = at(line) + bad;
            return out;
        }
        if (const auto [it, fresh] = ids.emplace(r.id, line); !fresh) {
            out.error = at(line) + "id " + std::to_string(r.id) + " repeats line " + std::to_string(it->second);
            return out;
        }
        rows.push_back(std::move(s));
    }
    if (col.empty()) {
        out.error = file.string() + ": empty (a header line is required)";
        return out;
    }
    out.value = std::move(rows);
    return out;
}

}  // namespace tradebot::backtest
