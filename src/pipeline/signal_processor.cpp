#include "app/signal_processor.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::app {

namespace asio = boost::asio;
using logging::kv;

namespace {

std::string iso(core::clock::time_point t) {
    const auto us = std::chrono::time_point_cast<std::chrono::microseconds>(t);
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::sys_time<std::chrono::microseconds>{us.time_since_epoch()});
}

signals::raw_signal to_raw(const db::signal_row& r) {
    signals::raw_signal raw;
    raw.id = r.id;
    raw.source = r.source;
    raw.external_id = r.external_id;
    raw.exchange = r.exchange;
    raw.symbol = r.symbol;
    raw.side = r.side;
    raw.score_week = r.score_week;
    raw.score_month = r.score_month;
    if (r.candle_time) raw.candle_time = iso(*r.candle_time);
    if (r.wave_time) raw.wave_time = iso(*r.wave_time);
    raw.received_at = iso(r.received_at);
    return raw;
}

core::clock::time_point utc_day_start(core::clock::time_point t) {
    return std::chrono::floor<std::chrono::days>(t);
}

// A datum that could not be read, as opposed to a rule that said no: the decision waits.
bool transient(signals::skip_reason r) noexcept { return r == signals::skip_reason::no_market_data; }
bool transient(trading::risk_reason r) noexcept {
    return r == trading::risk_reason::balance_unknown || r == trading::risk_reason::pnl_unknown;
}

}  // namespace

signal_processor::signal_processor(trading_runtime& runtime, db::database& database, const config::settings& settings,
                                   const core::clock& clock, std::string instance)
    : runtime_{runtime},
      settings_{settings},
      clock_{clock},
      instance_{std::move(instance)},
      log_{logging::get("signals")},
      repo_{database},
      schedule_{signals::wave_schedule::from_settings(settings.signals, settings.signals.immediate)},
      selector_{signals::wave_selector::from_settings(settings.signals)},
      filters_{settings},
      window_{settings.signals.max_wave_age_minutes},
      risk_{settings} {
    const auto& f = settings.signals.filters;
    logging::info(log_, "market filters", kv("open_interest", f.open_interest_enabled),
                  kv("volume_1h", f.volume_enabled), kv("price_change_5min", f.price_change_enabled),
                  kv("source", stats_wanted() ? "venue REST per candidate, once per batch" : "none needed"));
}

signal_processor::~signal_processor() { files_.join(); }

void signal_processor::stop() {
    stopped_ = true;
    if (wave_timer_) {
        wave_timer_->cancel();
    }
}

bool signal_processor::notified(db::signal_row row) {
    if (!immediate() || notified_.size() >= max_notified) {
        return false;
    }
    notified_.push_back(std::move(row));
    return true;
}

asio::awaitable<std::size_t> signal_processor::drain_immediate(bool read_table) {
    std::size_t n = 0;
    if (!notified_.empty()) {
        // Nothing to read: the NOTIFY brought the rows. Each is claimed by the write that
        // records its decision, so a signal another instance took is left to it.
        woke_ = read_done_ = step_from_ = clock_.steady_now();
        const auto take = std::min(notified_.size(), batch_size);
        std::vector<db::signal_row> rows(std::make_move_iterator(notified_.begin()),
                                         std::make_move_iterator(notified_.begin() + static_cast<std::ptrdiff_t>(take)));
        notified_.erase(notified_.begin(), notified_.begin() + static_cast<std::ptrdiff_t>(take));
        n += take;
        co_await decide_now(std::move(rows));
    }
    if (!deferred_.empty()) {
        wave_state state;
        co_await redecide_due(std::nullopt, state);
    }
    if (!read_table) {
        co_return n;
    }
    woke_ = clock_.steady_now();
    auto rows = co_await repo_.claim_new(static_cast<int>(batch_size), instance_);
    read_done_ = step_from_ = clock_.steady_now();
    if (!rows) {
        logging::warn(log_, "cannot claim signals", kv("error", rows.error().describe()));
        co_return n;
    }
    // Claimed here, decided here: a NOTIFY of the same row still waiting is dropped.
    std::erase_if(notified_, [&](const db::signal_row& waiting) {
        return std::any_of(rows->begin(), rows->end(), [&](const db::signal_row& r) { return r.id == waiting.id; });
    });
    n += rows->size();
    co_await decide_now(std::move(*rows));
    co_return n;
}

asio::awaitable<void> signal_processor::decide_now(std::vector<db::signal_row> rows) {
    auto valid = co_await validate_rows(std::move(rows));
    wave_state state;
    co_await decide(std::move(valid), std::nullopt, state);
}

asio::awaitable<void> signal_processor::run_waves() {
    wave_timer_ = std::make_unique<asio::steady_timer>(co_await asio::this_coro::executor);
    std::map<core::clock::time_point, wave_state> waves;
    // A restart after a wave's window (§11 #57): that wave is checked once at start, unless its
    // candle is too old, instead of sleeping to the next wave.
    std::optional<signals::wave> missed;
    if (!schedule_.current_wave(clock_.now())) {
        missed = schedule_.catch_up_wave(clock_.now());
    }
    while (!stopped_) {
        const auto now = clock_.now();
        std::chrono::nanoseconds sleep = settings_.signals.wave_check_interval_ms;
        auto w = schedule_.current_wave(now);
        if (!w && missed) {
            logging::info(log_, "checking the wave missed while stopped", kv("wave", iso(missed->at)));
            w = missed;
        }
        missed.reset();
        if (w) {
            if (!waves.contains(w->at)) {
                logging::info(log_, "wave started", kv("wave", iso(w->at)), kv("candle", iso(w->candle_open)));
                co_await expire_deferred("its wave ended");
                waves.clear();  // one wave at a time: the previous one's window is over
                auto expired = co_await repo_.expire_older_than(now - settings_.signals.max_wave_age_minutes);
                if (expired && *expired > 0) {
                    logging::info(log_, "stale signals expired", kv("count", *expired));
                }
            }
            woke_ = clock_.steady_now();
            auto rows = co_await repo_.load_new_since(w->candle_open);
            read_done_ = step_from_ = clock_.steady_now();
            if (rows && !rows->empty()) {
                auto valid = co_await validate_rows(std::move(*rows));
                co_await decide(std::move(valid), w, waves[w->at]);
            } else if (!rows) {
                logging::warn(log_, "cannot read the wave's signals", kv("error", rows.error().describe()));
            }
            co_await redecide_due(w, waves[w->at]);
        } else if (auto next = schedule_.next_wave(now)) {
            co_await expire_deferred("its wave ended");
            sleep = next->at - now;
            logging::info(log_, "next wave", kv("at", iso(next->at)), kv("in_s", sleep.count() / 1'000'000'000));
        }
        wave_timer_->expires_after(sleep);
        boost::system::error_code ec;
        co_await wave_timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

asio::awaitable<std::vector<signals::signal>> signal_processor::validate_rows(std::vector<db::signal_row> rows) {
    std::vector<signals::signal> out;
    out.reserve(rows.size());
    const auto now = clock_.now();
    for (const auto& row : rows) {
        auto v = signals::validate(to_raw(row));
        if (v) {
            // Judged before the selection: a row outside the window never becomes the newest candle.
            auto judged = window_.judge(*v, now);
            if (judged.verdict == signals::window_verdict::future) {
                co_await mark(row.id, db::signal_status::rejected, "rejected",
                              signals::to_string(signals::reject_reason::future_time), judged.message);
            } else if (judged.verdict == signals::window_verdict::too_old) {
                co_await mark(row.id, db::signal_status::expired, "expired", "too_old", judged.message);
            } else {
                runtime_.metrics().signal("received", "valid");
                out.push_back(std::move(*v));
            }
            continue;
        }
        const auto reason = std::string{signals::to_string(v.error().reason)};
        co_await mark(row.id, db::signal_status::rejected, "rejected", reason, v.error().message);
    }
    co_return out;
}

bool signal_processor::stats_wanted() const noexcept {
    const auto& f = settings_.signals.filters;
    return f.open_interest_enabled || f.volume_enabled || f.price_change_enabled;
}

asio::awaitable<signals::market_snapshot> signal_processor::snapshot_for(const std::vector<signals::signal>& batch) {
    signals::market_snapshot snap;
    for (const auto& s : batch) {
        const signals::instrument_key key{s.exchange, s.symbol};
        if (snap.instruments.contains(key)) {
            continue;
        }
        if (const auto* rules = runtime_.rules(s.exchange, s.symbol)) {
            snap.instruments.emplace(key, *rules);
            auto mark_price = co_await runtime_.mark(s.exchange, s.symbol);
            signals::market_data data;
            if (mark_price) {
                data.price = mark_price->mark_price;
            }
            snap.market.emplace(key, data);
        }
    }
    runtime_.open_keys(snap.open_positions);
    if (stats_wanted()) {
        co_await add_market_stats(batch, snap);
    }
    co_return snap;
}

asio::awaitable<void> signal_processor::add_market_stats(const std::vector<signals::signal>& batch,
                                                         signals::market_snapshot& snap) {
    // One read per (exchange, symbol), and only for those the earlier filters (open position,
    // lists, tradability, price, size) let through: without the numbers such a signal stops at
    // no_market_data, with a known price. The newest candle of the key is the signal's time.
    std::map<signals::instrument_key, core::clock::time_point> wanted;
    for (const auto& s : batch) {
        const signals::instrument_key key{s.exchange, s.symbol};
        const auto sk = filters_.check(s, snap);
        const auto it = snap.market.find(key);
        if (!sk || sk->reason != signals::skip_reason::no_market_data || it == snap.market.end() || !it->second.price) {
            continue;
        }
        auto& at = wanted[key];
        at = std::max(at, s.candle_time);
    }
    const auto& f = settings_.signals.filters;
    std::size_t failed = 0;
    std::string first_error;
    // Serially: a handful of candidates per batch, each a few weight-1 reads that the venue's rate
    // limiter paces anyway.
    for (const auto& [key, at] : wanted) {
        exchange::market_stats_request request;
        request.symbol = key.symbol;
        request.signal_ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
        request.open_interest = f.open_interest_enabled;
        request.volume_1h = f.volume_enabled;
        request.price_change_5min = f.price_change_enabled;
        auto stats = co_await runtime_.market_stats(key.exchange, std::move(request));
        if (!stats) {
            if (failed++ == 0) {
                first_error = key.symbol.str() + " on " + std::string{core::to_string(key.exchange)} + ": " +
                              stats.error().describe();
            }
            continue;  // the numbers stay unknown: no_market_data, fail closed
        }
        auto& data = snap.market[key];
        data.open_interest_usdt = stats->open_interest_usdt;
        data.volume_1h_usdt = stats->volume_1h_usdt;
        data.price_change_5min_percent = stats->price_change_5min_percent;
    }
    if (failed > 0) {
        logging::warn(log_, "market data for the filters unavailable; those signals are skipped as no_market_data",
                      kv("failed", failed), kv("of", wanted.size()), kv("first", first_error));
    }
}

asio::awaitable<bool> signal_processor::kill_switch() {
    // The file is looked at once a second at most: the hop to the file thread and back costs
    // more than the rest of a signal's decision, and a second is soon enough to stop entries.
    const auto now = clock_.steady_now();
    if (kill_checked_ && now - *kill_checked_ < kill_switch_recheck) {
        co_return kill_active_;
    }
    // Named before co_await: GCC 12 destroys a capturing temporary closure twice there.
    auto check = [path = settings_.risk.kill_switch_file]() -> asio::awaitable<bool> {
        co_return trading::kill_switch_active(path);
    };
    kill_active_ = co_await asio::co_spawn(files_, std::move(check), asio::use_awaitable);
    kill_checked_ = now;
    co_return kill_active_;
}

asio::awaitable<trading::portfolio> signal_processor::portfolio_now() {
    trading::portfolio p;  // positions: filled by the caller per signal
    p.kill_switch = co_await kill_switch();
    p.realized_pnl_today = co_await pnl_today();  // nullopt: unknown, the risk check fails closed
    for (const auto venue : runtime_.venues()) {
        auto balances = co_await runtime_.balances(venue);
        if (!balances) {
            continue;  // unknown balance: the risk check fails closed (balance_unknown)
        }
        for (const auto& b : *balances) {
            if (b.asset == "USDT") {
                p.free_balance_usd[venue] = b.available;
            }
        }
    }
    co_return p;
}

asio::awaitable<std::optional<core::decimal>> signal_processor::pnl_today() {
    const auto day = utc_day_start(clock_.now());
    const auto generation = runtime_.positions().pnl_generation();
    const auto limit = settings_.trading.account_cache_ms;
    if (pnl_ && pnl_->day == day && pnl_->generation == generation && limit.count() > 0 &&
        clock_.steady_now() - pnl_->at < limit) {
        co_return pnl_->value;
    }
    const auto at = clock_.steady_now();
    auto pnl = co_await runtime_.positions().realized_pnl_since(day, settings_.app.mode);
    if (!pnl) {
        pnl_.reset();
        logging::warn(log_, "daily PnL unknown", kv("error", pnl.error().describe()));
        co_return std::nullopt;
    }
    pnl_ = pnl_read{day, generation, at, *pnl};
    co_return *pnl;
}

asio::awaitable<void> signal_processor::decide(std::vector<signals::signal> batch, std::optional<signals::wave> wave,
                                               wave_state& state) {
    if (batch.empty()) {
        co_return;
    }
    const auto started = clock_.steady_now();
    auto snap = co_await snapshot_for(batch);
    auto filter = [this, &snap](const signals::signal& s) { return filters_.check(s, snap); };
    std::optional<core::clock::time_point> candle;
    if (wave) {
        candle = wave->candle_open;
    }
    const auto selection = selector_.select(batch, filter, candle);
    std::optional<trading::portfolio> portfolio;
    for (const auto& ex : selection.exchanges) {
        for (const auto& sk : ex.skipped) {
            if (transient(sk.why.reason)) {
                co_await defer(sk.sig, signals::to_string(sk.why.reason), sk.why.message);
                continue;
            }
            co_await mark(sk.sig.id, db::signal_status::skipped, "skipped", signals::to_string(sk.why.reason),
                          sk.why.message);
        }
        for (const auto& s : ex.selected) {
            if (stopped_) {
                co_return;
            }
            if (state.opened[ex.exchange] >= ex.max_trades) {
                co_await mark(s.id, db::signal_status::skipped, "skipped", "wave_full",
                              "the wave already opened max_trades_per_wave positions");
                continue;
            }
            if (wave) {
                std::vector<std::int64_t> ids{s.id};
                auto claimed = co_await repo_.claim_by_ids(std::move(ids), instance_);
                if (!claimed || claimed->empty()) {
                    continue;  // another instance took it, or it was decided meanwhile
                }
            }
            // Positions changed since the snapshot (earlier entries of this batch).
            runtime_.open_keys(snap.open_positions);
            snap.in_flight.clear();
            if (auto sk = filters_.check(s, snap)) {
                if (transient(sk->reason)) {
                    co_await defer(s, signals::to_string(sk->reason), sk->message);
                    continue;
                }
                co_await mark(s.id, db::signal_status::skipped, "skipped", signals::to_string(sk->reason),
                              sk->message);
                continue;
            }
            const signals::instrument_key key{s.exchange, s.symbol};
            const auto price = snap.market.at(key).price.value_or(core::decimal{});
            auto sized = risk_.size_quantity(settings_.trading.position_size_usd, price, snap.instruments.at(key));
            if (!sized) {
                co_await mark(s.id, db::signal_status::skipped, "skipped",
                              trading::to_string(sized.error().reason), sized.error().message);
                continue;
            }
            trading::entry_intent intent;
            intent.signal_id = s.id;
            intent.signal_owner = instance_;
            intent.exchange = s.exchange;
            intent.symbol = s.symbol;
            intent.side = s.side == core::side::buy ? core::position_side::long_ : core::position_side::short_;
            intent.quantity = sized->quantity;
            intent.reference_price = price;
            intent.leverage = settings_.leverage_for(s.exchange);
            if (!portfolio) {
                // Daily PnL, balances and the kill switch are read once per batch and after each
                // entry, not per signal: round trips the signal -> order path should not repeat.
                portfolio = co_await portfolio_now();
            }
            portfolio->positions = runtime_.exposures();
            if (auto ok = risk_.check(intent, *portfolio); !ok) {
                if (transient(ok.error().reason)) {
                    portfolio.reset();  // read again for the next signal: the fault may have passed
                    co_await defer(s, trading::to_string(ok.error().reason), ok.error().message);
                    continue;
                }
                co_await mark(s.id, db::signal_status::skipped, "skipped", trading::to_string(ok.error().reason),
                              ok.error().message);
                continue;
            }
            const auto handed = clock_.steady_now();
            auto opened = co_await runtime_.open(intent);
            runtime_.metrics().signal_to_order(
                std::chrono::duration<double>(clock_.steady_now() - started).count());
            if (opened.entry_sent) {
                using seconds = std::chrono::duration<double>;
                runtime_.metrics().signal_to_entry_sent(seconds(*opened.entry_sent - woke_).count());
                runtime_.metrics().signal_path(seconds(read_done_ - woke_).count(),
                                               seconds(handed - step_from_).count(),
                                               seconds(*opened.entry_sent - handed).count());
            }
            step_from_ = clock_.steady_now();
            if (opened.entry_sent || opened.kind == trading::open_result_kind::protected_) {
                // The wave's limit counts every entry that went out, whatever became of it
                // (closed unprotected, or left to the reconciler).
                ++state.opened[ex.exchange];
                portfolio.reset();  // the balance changed: read it again before the next entry
            }
            switch (opened.kind) {
                case trading::open_result_kind::protected_:
                    co_await mark(s.id, db::signal_status::taken, "taken", "opened", "position protected",
                                  opened.position_id);
                    break;
                case trading::open_result_kind::already_live:
                    co_await mark(s.id, db::signal_status::skipped, "skipped", "already_open", opened.reason);
                    break;
                case trading::open_result_kind::signal_taken:
                    // Not ours to record: the claimer that has it decides it.
                    runtime_.metrics().signal("skipped", "taken_elsewhere");
                    forget_deferred(s.id);
                    logging::info(log_, "signal decided elsewhere", kv("id", s.id), kv("detail", opened.reason));
                    break;
                default:
                    co_await mark(s.id, db::signal_status::failed, "failed", trading::to_string(opened.kind),
                                  opened.reason,
                                  opened.position_id > 0 ? std::optional<std::int64_t>{opened.position_id} : std::nullopt);
                    break;
            }
        }
    }
}

void signal_processor::forget_deferred(std::int64_t id) {
    std::erase_if(deferred_, [id](const deferred_signal& d) { return d.sig.id == id; });
}

asio::awaitable<void> signal_processor::recover_claims() {
    auto resolved = co_await repo_.resolve_orphaned_claims(instance_);
    if (!resolved) {
        // Not fatal: those rows stay claimed until the next start; nothing is traded twice.
        logging::warn(log_, "cannot resolve the claims of stopped instances", kv("error", resolved.error().describe()));
    } else if (resolved->decided > 0 || resolved->released > 0) {
        logging::info(log_, "claims of stopped instances resolved", kv("ended_with_their_position", resolved->decided),
                      kv("decided_again", resolved->released));
    }
}

asio::awaitable<void> signal_processor::defer(const signals::signal& s, std::string_view reason, std::string message) {
    const auto find = [this, id = s.id] {
        return std::find_if(deferred_.begin(), deferred_.end(), [id](const deferred_signal& d) { return d.sig.id == id; });
    };
    if (find() == deferred_.end()) {
        // Claimed now, so that no other reader decides it while it waits; a row claimed from the
        // table or chosen by a wave is ours already and the claim just confirms it.
        std::vector<std::int64_t> ids{s.id};
        auto claimed = co_await repo_.claim_by_ids(std::move(ids), instance_);
        if (!claimed) {
            // Left new and unclaimed: the next read finds it again.
            logging::warn(log_, "cannot claim a deferred signal", kv("id", s.id), kv("error", claimed.error().describe()));
            co_return;
        }
        if (claimed->empty()) {
            co_return;  // decided or claimed by another meanwhile
        }
        if (find() == deferred_.end()) {
            deferred_.push_back(deferred_signal{s, {}, {}, 0, {}});
        }
    }
    auto& d = *find();
    ++d.attempts;
    d.reason = std::string{reason};
    d.message = std::move(message);
    if (clock_.now() > window_.closes_at(s)) {
        co_await expire(d, "its window closed");
        co_return;
    }
    const auto pause = std::min<std::chrono::seconds>(defer_pause_max, std::chrono::seconds{1LL << std::min(d.attempts - 1, 5)});
    d.next_at = clock_.steady_now() + pause;
    runtime_.metrics().signal("deferred", reason);
    logging::info(log_, "signal deferred", kv("id", s.id), kv("reason", reason), kv("detail", d.message),
                  kv("attempt", d.attempts), kv("retry_in_s", pause.count()));
}

asio::awaitable<void> signal_processor::redecide_due(std::optional<signals::wave> wave, wave_state& state) {
    const auto now = clock_.now();
    const auto steady = clock_.steady_now();
    std::vector<signals::signal> due;
    std::vector<deferred_signal> closed;
    for (const auto& d : deferred_) {
        if (d.next_at > steady) {
            continue;
        }
        if (now > window_.closes_at(d.sig)) {
            closed.push_back(d);
        } else {
            due.push_back(d.sig);
        }
    }
    for (const auto& d : closed) {
        co_await expire(d, "its window closed");
    }
    if (!due.empty()) {
        co_await decide(std::move(due), wave, state);
    }
}

asio::awaitable<void> signal_processor::expire_deferred(std::string_view why) {
    const auto waiting = deferred_;
    for (const auto& d : waiting) {
        co_await expire(d, why);
    }
}

asio::awaitable<void> signal_processor::expire(const deferred_signal& d, std::string_view why) {
    // Copied first: mark() drops the entry `d` may refer to.
    const auto id = d.sig.id;
    const auto reason = d.reason;
    const auto detail = fmt::format("{} while deferred ({} attempts); last: {}", why, d.attempts, d.message);
    co_await mark(id, db::signal_status::expired, "expired", reason, detail);
}

asio::awaitable<void> signal_processor::mark(std::int64_t id, db::signal_status status, std::string_view outcome,
                                             std::string_view reason, std::string_view message,
                                             std::optional<std::int64_t> position) {
    forget_deferred(id);
    runtime_.metrics().signal(outcome, reason);
    logging::info(log_, "signal decided", kv("id", id), kv("outcome", outcome), kv("reason", reason),
                  kv("detail", message));
    auto text = std::string{reason};
    if (!message.empty()) {
        text.append(": ").append(message);
    }
    auto saved = co_await repo_.mark(id, status, std::move(text), instance_, position);
    if (!saved) {
        logging::error(log_, "cannot record the signal's outcome", kv("id", id), kv("error", saved.error().describe()));
    } else if (!*saved) {
        logging::info(log_, "signal outcome not recorded: decided or claimed by another", kv("id", id));
    }
}

}  // namespace tradebot::app
