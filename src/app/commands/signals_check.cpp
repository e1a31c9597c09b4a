// tradebot signals [check] [--exchange NAME]: what the next decision would do with the pending rows.
//
// The daemon's own rules (signals::validate, signal_window, filter_chain, wave_selector), in the
// order signal_processor and entry_decider apply them, on the rows the next wave would read,
// against one snapshot read now: the venues' instruments and marks, the book's live positions and,
// for the rows the listing filters let through, the market stats the enabled filters need (at most
// market_stats_cap reads; a row past the cap says so). Nothing is claimed or marked. What it
// cannot see: the balance, the daily-loss limit and the sizing of the risk check at entry, and the
// market as it will be at the wave.
#include <map>
#include <ostream>

#include <boost/json.hpp>

#include "tradebot/db/position_repository.hpp"
#include "tradebot/db/signal_repository.hpp"
#include "tradebot/signals/filter_chain.hpp"
#include "tradebot/signals/signal_window.hpp"
#include "tradebot/signals/wave_schedule.hpp"
#include "tradebot/signals/wave_selector.hpp"

#include "app/commands/operator_command.hpp"
#include "app/commands/read_commands.hpp"
#include "app/commands/read_session.hpp"
#include "app/commands/render.hpp"

namespace tradebot::app::commands {

namespace asio = boost::asio;
namespace json = boost::json;

json::object wave_json(const signals::wave& w) {
    return json::object{
        {"at", iso_time(w.at)}, {"candle_open", iso_time(w.candle_open)}, {"window_end", iso_time(w.window_end)}};
}

signals::wave_schedule schedule_of(const config::settings& s) {
    return signals::wave_schedule{signals::wave_schedule::from_settings(s.signals, s.signals.immediate)};
}

namespace {

// Market-stats reads one check may make (each is a few weight-1 REST calls).
constexpr std::size_t market_stats_cap = 20;

asio::awaitable<db::result<std::vector<db::signal_row>>> load_rows(db::database& d, core::clock::time_point since) {
    db::signal_repository repo{d};
    auto rows = co_await repo.load_new_since(since);
    co_return rows;
}

asio::awaitable<db::result<std::vector<db::position_record>>> load_live(db::database& d, core::mode m) {
    db::position_repository repo{d};
    auto rows = co_await repo.load_live(m);
    co_return rows;
}

asio::awaitable<exchange::result<std::vector<exchange::mark_price_state>>> load_marks(exchange::venue_client& c) {
    auto marks = co_await c.mark_prices(exchange::request_priority::background);
    co_return marks;
}

asio::awaitable<exchange::result<exchange::market_stats_state>> load_stats(
    exchange::venue_client& c, exchange::market_stats_request r
) {
    auto stats = co_await c.market_stats(std::move(r), exchange::request_priority::background);
    co_return stats;
}

json::object signal_json(const signals::signal& s) {
    return json::object{
        {"id", s.id},
        {"exchange", core::to_string(s.exchange)},
        {"symbol", s.symbol.str()},
        {"side", core::to_string(s.side)},
        {"score_week", s.score_week.to_string()},
        {"score_month", s.score_month.to_string()},
        {"candle_time", iso_time(s.candle_time)}};
}

json::object row_json(const db::signal_row& r) {
    return json::object{{"id", r.id}, {"exchange", r.exchange}, {"symbol", r.symbol}, {"side", r.side}};
}

struct check_state {
    std::map<core::exchange_id, std::string> venue_errors;       // a venue that could not be read
    std::map<signals::instrument_key, std::string> stats_notes;  // market stats not read, and why
};

// The note a skipped row gets when the check, not the market, is why its datum is missing.
std::string note_for(const signals::signal& s, const signals::skip& why, const check_state& st) {
    if (const auto v = st.venue_errors.find(s.exchange);
        v != st.venue_errors.end() &&
        (why.reason == signals::skip_reason::not_tradable || why.reason == signals::skip_reason::no_market_data)) {
        return "the venue could not be read by this check (" + v->second + "); the daemon may decide otherwise";
    }
    if (why.reason == signals::skip_reason::no_market_data) {
        if (const auto n = st.stats_notes.find({s.exchange, s.symbol}); n != st.stats_notes.end()) {
            return n->second;
        }
    }
    return {};
}

// The text form of the check's answer object.
void render_check(const json::object& a, std::chrono::minutes max_age, std::ostream& out, std::ostream& err) {
    if (const auto* w = a.if_contains("wave"); w != nullptr && w->is_object()) {
        const auto& wave = w->as_object();
        out << (truth(a, "wave_open") ? "wave open now: " : "next wave ") << field(wave, "at") << " trades the candle "
            << field(wave, "candle_open") << " (window until " << field(wave, "window_end") << ")\n";
    } else {
        out << "immediate mode: each signal is decided as it arrives; pending rows of the last " << max_age.count()
            << " min:\n";
    }
    std::size_t shown = 0;
    for (const auto& e : rows(a, "exchanges")) {
        const auto& ex = e.as_object();
        out << field(ex, "exchange") << " (candle " << field(ex, "candle_open") << ", max " << field(ex, "max_trades")
            << " per wave):\n";
        for (const auto& r : rows(ex, "selected")) {
            const auto& o = r.as_object();
            out << "  " << (field(o, "verdict") == "take" ? "TAKE    " : "reserve ") << '#' << field(o, "id") << ' '
                << field(o, "symbol") << ' ' << field(o, "side") << " score " << field(o, "score_week") << '/'
                << field(o, "score_month") << '\n';
            ++shown;
        }
        for (const auto& r : rows(ex, "skipped")) {
            const auto& o = r.as_object();
            out << "  skip    #" << field(o, "id") << ' ' << field(o, "symbol") << ' ' << field(o, "side") << ": "
                << field(o, "reason") << " - " << field(o, "message");
            if (o.contains("note")) {
                out << " [" << field(o, "note") << ']';
            }
            out << '\n';
            ++shown;
        }
    }
    for (const auto& r : rows(a, "later")) {
        const auto& o = r.as_object();
        out << "  later   #" << field(o, "id") << ' ' << field(o, "exchange") << ' ' << field(o, "symbol")
            << ": candle " << field(o, "candle_time") << " belongs to a later wave\n";
        ++shown;
    }
    for (const auto& r : rows(a, "invalid")) {
        const auto& o = r.as_object();
        out << "  " << field(o, "verdict") << " #" << field(o, "id") << ' ' << field(o, "exchange") << ' '
            << field(o, "symbol") << ": " << field(o, "reason") << " - " << field(o, "message") << '\n';
        ++shown;
    }
    if (shown == 0) {
        out << "  no pending signal\n";
    }
    out << "not checked here: " << field(a, "not_checked") << '\n';
    for (const auto& e : rows(a, "venue_errors")) {
        err << "tradebot: " << e.as_string() << '\n';
    }
}

}  // namespace

int run_signals_check(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err) {
    const auto schedule = schedule_of(s);
    read_session rs{s};
    const auto now = rs.clock().now();
    std::optional<signals::wave> wave;
    if (!schedule.immediate()) {
        wave = schedule.current_wave(now);
        if (!wave) {
            wave = schedule.next_wave(now);
        }
    }
    json::object a{{"action", "signals check"}, {"now", iso_time(now)}, {"immediate", schedule.immediate()}};
    a["wave"] = wave ? json::value(wave_json(*wave)) : json::value(nullptr);
    a["wave_open"] = wave && wave->at <= now;  // its window is open: the daemon is deciding its rows now
    // The rows the wave reads (those of its candle and later); immediate mode: the window's.
    const auto since = wave ? wave->candle_open : now - s.signals.max_wave_age_minutes;
    auto loaded = rs.run(load_rows(rs.database(), since));
    auto live = rs.run(load_live(rs.database(), s.app.mode));
    if (!loaded || !live) {
        const auto e = database_failure(loaded ? live.error().describe() : loaded.error().describe());
        a["ok"] = false;
        a["error"] = e;
        err << "tradebot: " << e << '\n';
        if (cl.json) {
            out << json::serialize(a) << '\n';
        }
        return exit_read_partial;
    }
    // The rules of the daemon's signal_processor::validate_rows, in its order.
    const signals::signal_window window{s.signals.max_wave_age_minutes};
    json::array invalid;
    std::vector<signals::signal> valid;
    for (const auto& row : *loaded) {
        auto v = signals::validate(row);
        if (v && cl.op.exchange && core::to_string(v->exchange) != *cl.op.exchange) {
            continue;
        }
        if (!v) {
            auto j = row_json(row);
            j["verdict"] = "rejected";
            j["reason"] = signals::to_string(v.error().reason);
            j["message"] = v.error().message;
            invalid.push_back(std::move(j));
            continue;
        }
        const auto judged = window.judge(*v, now);
        if (judged.verdict != signals::window_verdict::inside) {
            auto j = signal_json(*v);
            const bool future = judged.verdict == signals::window_verdict::future;
            j["verdict"] = future ? "rejected" : "expired";
            j["reason"] = future ? std::string{signals::to_string(signals::reject_reason::future_time)} : "too_old";
            j["message"] = judged.message;
            invalid.push_back(std::move(j));
            continue;
        }
        valid.push_back(std::move(*v));
    }
    // One snapshot, as entry_decider::snapshot_for builds it.
    check_state st;
    signals::market_snapshot snap;
    std::map<core::exchange_id, exchange::venue_client*> clients;
    if (!valid.empty()) {
        for (auto& v : rs.open_venues(cl.op.exchange)) {
            if (!v.error.empty()) {
                st.venue_errors[v.id] = v.error;
                continue;
            }
            clients[v.id] = v.client;
            std::map<core::symbol, core::decimal> marks;
            auto read = rs.run(load_marks(*v.client));
            if (read) {
                for (const auto& m : *read) {
                    marks[m.symbol] = m.mark_price;
                }
            } else {
                st.venue_errors[v.id] = "marks unavailable: " + read.error().describe();
            }
            for (const auto& rules : v.instruments) {
                const signals::instrument_key key{v.id, rules.symbol};
                snap.instruments.emplace(key, rules);
                signals::market_data data;
                if (const auto m = marks.find(rules.symbol); m != marks.end()) {
                    data.price = m->second;
                }
                snap.market.emplace(key, data);
            }
        }
    }
    for (const auto& r : *live) {
        snap.open_positions.insert(signals::instrument_key{r.exchange, r.symbol});
    }
    // The filter chain in its two halves, as entry_decider::filter runs it.
    const signals::filter_chain chain{s};
    const auto& f = s.signals.filters;
    const bool stats_wanted = f.open_interest_enabled || f.volume_enabled || f.price_change_enabled;
    std::map<std::int64_t, std::optional<signals::skip>> verdicts;
    std::map<signals::instrument_key, core::clock::time_point> wanted;
    for (const auto& sig : valid) {
        if (wave && sig.candle_time > wave->candle_open) {
            continue;
        }
        auto why = chain.check_instrument(sig, snap);
        if (!why && stats_wanted) {
            auto& at = wanted[signals::instrument_key{sig.exchange, sig.symbol}];
            at = std::max(at, sig.candle_time);
        }
        verdicts.insert_or_assign(sig.id, std::move(why));
    }
    std::size_t reads = 0;
    for (const auto& [key, at] : wanted) {
        if (reads++ >= market_stats_cap) {
            st.stats_notes[key] = "market stats not read: this check reads them for at most " +
                                  std::to_string(market_stats_cap) + " symbols; the daemon reads them at the wave";
            continue;
        }
        exchange::market_stats_request request;
        request.symbol = key.symbol;
        request.signal_ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
        request.open_interest = f.open_interest_enabled;
        request.volume_1h = f.volume_enabled;
        request.price_change_5min = f.price_change_enabled;
        auto stats = rs.run(load_stats(*clients.at(key.exchange), request));
        if (!stats) {
            st.stats_notes[key] = "market stats unavailable now: " + stats.error().describe();
            continue;
        }
        auto& data = snap.market[key];
        data.open_interest_usdt = stats->open_interest_usdt;
        data.volume_1h_usdt = stats->volume_1h_usdt;
        data.price_change_5min_percent = stats->price_change_5min_percent;
    }
    for (const auto& sig : valid) {
        const auto it = verdicts.find(sig.id);
        if (it != verdicts.end() && !it->second) {
            it->second = chain.check_market_and_slots(sig, snap);
        }
    }
    const signals::wave_selector selector{signals::wave_selector::from_settings(s.signals)};
    std::optional<core::clock::time_point> candle;
    if (wave) {
        candle = wave->candle_open;
    }
    const auto selection = selector.select(
        valid, [&verdicts](const signals::signal& sig) { return verdicts.at(sig.id); }, candle
    );
    json::array exchanges;
    for (const auto& ex : selection.exchanges) {
        json::array take;
        int rank = 0;
        for (const auto& sig : ex.selected) {
            auto j = signal_json(sig);
            j["verdict"] = rank++ < ex.max_trades ? "take" : "reserve";
            take.push_back(std::move(j));
        }
        json::array skipped;
        for (const auto& sk : ex.skipped) {
            auto j = signal_json(sk.sig);
            j["verdict"] = "skip";
            j["reason"] = signals::to_string(sk.why.reason);
            j["message"] = sk.why.message;
            if (const auto note = note_for(sk.sig, sk.why, st); !note.empty()) {
                j["note"] = note;
            }
            skipped.push_back(std::move(j));
        }
        exchanges.push_back(json::object{
            {"exchange", core::to_string(ex.exchange)},
            {"candle_open", iso_time(ex.candle_open)},
            {"max_trades", ex.max_trades},
            {"selected", std::move(take)},
            {"skipped", std::move(skipped)}});
    }
    json::array later;
    for (const auto& sig : selection.deferred) {
        auto j = signal_json(sig);
        j["verdict"] = "later_wave";
        later.push_back(std::move(j));
    }
    json::array venue_errors;
    for (const auto& [id, e] : st.venue_errors) {
        venue_errors.push_back(json::value(std::string{core::to_string(id)} + ": " + e));
    }
    a["exchanges"] = std::move(exchanges);
    a["later"] = std::move(later);
    a["invalid"] = std::move(invalid);
    a["venue_errors"] = std::move(venue_errors);
    a["not_checked"] =
        "the risk check at entry (balance, daily loss limit, sizing) and the wave's limit after "
        "failed entries; the market is read now, not at the wave";
    a["ok"] = st.venue_errors.empty();
    if (cl.json) {
        out << json::serialize(a) << '\n';
    } else {
        render_check(a, s.signals.max_wave_age_minutes, out, err);
    }
    return st.venue_errors.empty() ? exit_ok : exit_read_partial;
}

}  // namespace tradebot::app::commands
