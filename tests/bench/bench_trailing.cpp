// Latency of one trailing move, in process, on internal steady-clock timestamps: from a raw
// mark-price frame in memory to the stop request bytes the daemon would hand to TLS.
//
// Per frame the timed chain is the daemon's, with the same functions:
//   receive time (core::system_clock) -> the venue's stream_decoder over the raw frame ->
//   the marks topic the daemon wires (coalesce_by_key by venue symbol, subscriber on a strand;
//   io_context::poll() on this thread runs the handler) -> the position lookup and
//   protection::trailing_stop::on_price -> on move_stop: the fixed stop_request
//   (stop_loss_manager's fields) -> the adapter's request (Binance algo_stop_request + the signed
//   target of rest_client::build_request; Bybit fixed_stop_params + trading_stop_body + the
//   X-BAPI-* signature) -> the HTTP/1.1 message as https_client builds it (Beast), serialized into
//   a buffer. Binance replaces a stop by a new one and then cancels the old one
//   (client::amend_stop), so its cancel is built and serialized too; Bybit's is one call.
// Not included (see docs/BENCHMARKS.md): the WebSocket read and TLS decryption before the frame,
// the order-journal INSERT that stop_loss_manager::move awaits before the request, the rate
// limiter's acquire, TLS encryption and the write syscall, and the venue's answer between the
// Binance place and cancel.
//
// The price path: 200 symbols (half long, half short), marks moving 0.3-0.7 % in the position's
// favour per frame with every fourth frame a 0.1 % pullback; the manual clock of the trailing
// stops advances 31 s per round so the 30 s rate limit passes; every proposed move is confirmed
// at once (outside the timed span), as the venue's answer would.
//
//   bench_trailing [--moves=N] [--venue=binance|bybit|both] [--out=FILE.jsonl]
// Prints the distribution; --out appends one JSON line per venue. Exit 1 when a frame did not
// reach the trailing stop, a request is not what the adapter builds, or no move happened.

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/http.hpp>
#include <prometheus/registry.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bench/frames.hpp"
#include "exchange/binance/stream_publish.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/exchange/binance/client.hpp"
#include "tradebot/exchange/binance/stream_codec.hpp"
#include "tradebot/exchange/binance/wire.hpp"
#include "tradebot/exchange/bybit/client.hpp"
#include "tradebot/exchange/bybit/rest_codec.hpp"
#include "tradebot/exchange/bybit/stream_codec.hpp"
#include "tradebot/net/https_client.hpp"
#include "tradebot/protection/trailing_stop.hpp"

namespace {

namespace tb = tradebot;
namespace ex = tb::exchange;
namespace http = boost::beast::http;
using tb::core::decimal;
using steady = std::chrono::steady_clock;

constexpr std::size_t symbol_count = 200;
constexpr std::int64_t start_ms = 1'767'225'600'000;

std::int64_t pow10(int n) {
    std::int64_t p = 1;
    for (int i = 0; i < n; ++i) {
        p *= 10;
    }
    return p;
}

const ex::api_credentials& credentials() {
    static const ex::api_credentials creds{"vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
                                           "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"};
    return creds;
}

// What https_client::impl::run puts on the connection for `req` (src/net/https_client.cpp): the
// Beast request with Host, User-Agent, the caller's headers, the body, keep-alive and
// Content-Length, serialized the way http::async_write walks it. Appends to `out`.
void serialize(const tb::net::client_request& req, std::string_view host, std::string& out) {
    http::request<http::string_body> msg{http::string_to_verb(req.method), req.target, 11};
    msg.set(http::field::host, host);
    msg.set(http::field::user_agent, "tradebot/0.1");
    for (const auto& [name, value] : req.headers) {
        msg.set(name, value);
    }
    msg.body() = req.body;
    msg.keep_alive(true);
    msg.prepare_payload();
    http::serializer<true, http::string_body> sr{msg};
    boost::system::error_code ec;
    while (!sr.is_done()) {
        sr.next(ec, [&](boost::system::error_code&, const auto& buffers) {
            std::size_t n = 0;
            for (const auto b : boost::beast::buffers_range_ref(buffers)) {
                out.append(static_cast<const char*>(b.data()), b.size());
                n += b.size();
            }
            sr.consume(n);
        });
        if (ec) {
            return;
        }
    }
}

struct instrument {
    std::string venue_name;
    tb::core::symbol symbol;
    int scale = 2;          // tick = 10^-scale
    std::int64_t ticks = 0;  // starting price in ticks
};

std::vector<instrument> make_instruments(ex::symbol_map& binance, ex::symbol_map& bybit) {
    const auto names = tb::bench::make_frames(symbol_count, 1).venue_names;
    std::mt19937_64 rng{20260127};
    std::vector<instrument> out;
    for (const auto& n : names) {
        instrument ins;
        ins.venue_name = n;
        (void)binance.add_instrument(n, std::string_view{n}.substr(0, n.size() - 4), "USDT");
        (void)bybit.add_instrument(n, std::string_view{n}.substr(0, n.size() - 4), "USDT");
        ins.symbol = *binance.to_internal(n);
        ins.scale = 1 + static_cast<int>(rng() % 6);
        // 20,000-99,999 ticks: the tick is 0.001-0.005 % of the price, as on liquid perpetuals.
        ins.ticks = 20'000 + static_cast<std::int64_t>(rng() % 80'000);
        out.push_back(std::move(ins));
    }
    return out;
}

ex::instrument_rules rules_for(const instrument& ins) {
    ex::instrument_rules r;
    r.symbol = ins.symbol;
    r.tick_size = decimal::from_raw(1, ins.scale);
    r.min_price = r.tick_size;
    r.max_price = decimal::from_int(10'000'000);
    r.step_size = decimal::from_raw(1, 3);
    r.min_qty = r.step_size;
    r.price_precision = ins.scale;
    return r;
}

// One frame of the path: which symbol, and its mark in ticks of 10^-8 (Binance) or of the
// instrument's tick (Bybit). A pullback frame cannot move the stop.
struct step {
    std::size_t symbol = 0;
    std::int64_t mark_e8 = 0;
    bool pullback = false;
};

std::vector<step> make_path(const std::vector<instrument>& ins, std::size_t rounds) {
    std::mt19937_64 rng{7};
    std::vector<double> price(ins.size());
    for (std::size_t s = 0; s < ins.size(); ++s) {
        price[s] = static_cast<double>(ins[s].ticks) * static_cast<double>(pow10(8 - ins[s].scale));
    }
    std::vector<step> out;
    out.reserve(rounds * ins.size());
    for (std::size_t r = 0; r < rounds; ++r) {
        for (std::size_t s = 0; s < ins.size(); ++s) {
            const bool longs = s % 2 == 0;
            const bool pullback = r % 4 == 3;
            const double move = pullback ? -0.001 : 0.003 + static_cast<double>(rng() % 400) * 1e-5;
            price[s] *= longs ? 1 + move : 1 - move;
            out.push_back(step{s, static_cast<std::int64_t>(price[s]), pullback});
        }
    }
    return out;
}

struct position {
    std::size_t index = 0;
    tb::core::position_side side = tb::core::position_side::long_;
    std::optional<tb::protection::trailing_stop> trailing;
    ex::stop_state stop;  // the live stop (Binance: its algoId)
    std::uint16_t attempt = 0;
};

// stop_loss_manager's fixed_stop (src/trading/stop_loss_manager.cpp): the request amend_stop gets.
ex::stop_request fixed_stop(const position& p, const tb::core::symbol& symbol, decimal trigger) {
    ex::stop_request request;
    request.symbol = symbol;
    request.position = p.side;
    request.kind = ex::stop_kind::fixed;
    request.trigger_price = trigger;
    request.client_id = tb::core::client_order_id{static_cast<std::int64_t>(1000 + p.index),
                                                  tb::core::order_purpose::trailing, p.attempt, false};
    return request;
}

struct stats {
    std::vector<std::int64_t> first_ns;  // frame -> the (first) stop request serialized
    std::vector<std::int64_t> all_ns;    // frame -> every request of the move serialized
    std::vector<std::int64_t> idle_ns;   // frames that moved nothing: frame -> on_price answered
    std::size_t frames = 0;
    std::size_t bytes = 0;  // request bytes of the last move
    bool failed = false;
};

std::int64_t pct(std::vector<std::int64_t> v, double q) {
    if (v.empty()) {
        return 0;
    }
    const auto k = std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

std::string dist_json(const std::vector<std::int64_t>& v) {
    char buf[256];
    const auto mx = v.empty() ? 0 : *std::max_element(v.begin(), v.end());
    double sum = 0;
    for (const auto x : v) {
        sum += static_cast<double>(x);
    }
    std::snprintf(buf, sizeof buf,
                  "{\"n\":%zu,\"p50\":%" PRId64 ",\"p90\":%" PRId64 ",\"p99\":%" PRId64 ",\"p999\":%" PRId64
                  ",\"max\":%" PRId64 ",\"mean\":%.0f}",
                  v.size(), pct(v, .5), pct(v, .9), pct(v, .99), pct(v, .999), mx,
                  v.empty() ? 0.0 : sum / static_cast<double>(v.size()));
    return buf;
}

void print(const char* venue, const stats& s) {
    auto line = [](const char* what, const std::vector<std::int64_t>& v) {
        std::printf("  %-44s n=%-7zu p50 %6.2f us  p99 %6.2f us  p99.9 %6.2f us  max %7.1f us\n", what, v.size(),
                    static_cast<double>(pct(v, .5)) / 1e3, static_cast<double>(pct(v, .99)) / 1e3,
                    static_cast<double>(pct(v, .999)) / 1e3,
                    v.empty() ? 0.0 : static_cast<double>(*std::max_element(v.begin(), v.end())) / 1e3);
    };
    std::printf("%s: %zu frames, %zu moves, %zu request bytes per move\n", venue, s.frames, s.first_ns.size(), s.bytes);
    line("frame -> stop request serialized", s.first_ns);
    line("frame -> all requests of the move serialized", s.all_ns);
    line("frame without a move -> on_price answered", s.idle_ns);
}

// The whole chain for one venue. Decode and publish are venue-specific; the rest is shared.
template <class Venue>
stats run_venue(Venue& venue, const std::vector<instrument>& ins) {
    stats st;
    prometheus::Registry registry;
    tb::events::router router{registry};
    auto& marks = router.topic<tb::events::mark_price>(
        "marks", tb::events::policy::coalesce_by_key{tb::events::by_venue_symbol{}});
    boost::asio::io_context io;
    auto strand = boost::asio::make_strand(io);

    tb::core::manual_clock clock;  // the trailing stops' time: 31 s per round
    const tb::config::trailing_settings settings;
    std::vector<position> positions(ins.size());
    std::unordered_map<tb::core::symbol, std::size_t> live;  // position_manager's live_ lookup
    for (std::size_t s = 0; s < ins.size(); ++s) {
        auto& p = positions[s];
        p.index = s;
        p.side = s % 2 == 0 ? tb::core::position_side::long_ : tb::core::position_side::short_;
        const auto rules = rules_for(ins[s]);
        tb::protection::trailing_params tp;
        tp.side = p.side;
        tp.entry_price = venue.entry(ins[s]);
        const auto two = decimal::from_raw(2, 2);  // the initial stop 2 % away
        tp.initial_stop = rules.stop_price(
            p.side, p.side == tb::core::position_side::long_ ? tp.entry_price * (decimal::from_int(1) - two)
                                                             : tp.entry_price * (decimal::from_int(1) + two));
        p.trailing.emplace(tp, settings, rules);
        p.stop.symbol = ins[s].symbol;
        p.stop.position = p.side;
        p.stop.trigger_price = tp.initial_stop;
        p.stop.venue_id = "4000000000";
        live.emplace(ins[s].symbol, s);
    }

    steady::time_point t0;
    bool moved = false;
    decimal trigger;
    std::size_t moved_index = 0;
    std::string wire;
    wire.reserve(4096);
    auto sub = marks.subscribe(strand, [&](const tb::events::mark_price& m) {
        const auto it = live.find(m.symbol);
        if (it == live.end()) {
            st.failed = true;
            return;
        }
        auto& p = positions[it->second];
        const auto decision = p.trailing->on_price(m.price, clock.now());
        const auto* move = std::get_if<tb::protection::move_stop>(&decision);
        if (move == nullptr) {
            st.idle_ns.push_back((steady::now() - t0).count());
            return;
        }
        wire.clear();
        const auto request = fixed_stop(p, m.symbol, move->new_trigger);
        venue.place(request, wire);
        const auto t1 = steady::now();
        const bool second = venue.cancel(p.stop, wire);
        const auto t2 = steady::now();
        st.first_ns.push_back((t1 - t0).count());
        st.all_ns.push_back(((second ? t2 : t1) - t0).count());
        st.bytes = wire.size();
        moved = true;
        trigger = move->new_trigger;
        moved_index = it->second;
    });

    const tb::core::system_clock wall;
    venue.prepare(ins, st);
    for (std::size_t i = 0; i < venue.frames.size(); ++i) {
        const auto& frame = venue.frames[i];
        moved = false;
        t0 = steady::now();
        venue.publish(frame, wall.now(), marks, st);
        // poll() leaves the io_context stopped once it runs out of work: restart it every time.
        io.restart();
        io.poll();
        ++st.frames;
        if (moved) {
            // The venue's answer, outside the timed span: the new stop is live.
            auto& p = positions[moved_index];
            p.trailing->confirm_move(trigger, clock.now());
            p.stop.trigger_price = trigger;
            p.stop.venue_id = std::to_string(4000000001 + static_cast<std::int64_t>(i));
            ++p.attempt;
        }
        if ((i + 1) % ins.size() == 0) {
            clock.advance(std::chrono::seconds{31});
        }
    }
    return st;
}

struct binance_venue {
    ex::symbol_map& symbols;
    const std::vector<step>& path;
    std::vector<std::string> frames;
    boost::asio::io_context io;
    tb::net::https_client http;
    tb::core::system_clock clock;
    ex::rate_limiter limiter;
    ex::time_sync sync;
    ex::binance::rest_client rest;
    ex::binance::stream_decoder decoder;

    binance_venue(ex::symbol_map& s, const std::vector<step>& p)
        : symbols{s},
          path{p},
          http{io, https_options()},
          limiter{io.get_executor(), clock, ex::binance_limits()},
          sync{clock},
          rest{http, credentials(), limiter, sync, clock, nullptr, nullptr},
          decoder{s} {}

    static tb::net::https_client_options https_options() {
        tb::net::https_client_options o;
        o.base_url = "https://fapi.binance.com";
        return o;
    }

    decimal entry(const instrument& ins) const { return decimal::from_raw(ins.ticks, ins.scale); }

    void prepare(const std::vector<instrument>& ins, stats&) {
        frames.clear();
        std::int64_t ts = start_ms;
        for (const auto& s : path) {
            tb::bench::binance_mark_fields f;
            f.venue_name = ins[s.symbol].venue_name;
            f.event_ms = ts += 5;
            f.mark = s.mark_e8;
            f.average = s.mark_e8 - 37;
            f.index = s.mark_e8 + 1200;
            f.settlement = s.mark_e8 + 900;
            f.funding = 10000;
            f.next_funding_ms = start_ms + 8 * 3'600'000;
            frames.push_back(tb::bench::binance_mark_price_frame(f));
        }
    }

    void publish(std::string_view frame, tb::events::time_point rx, tb::events::topic<tb::events::mark_price>& marks,
                 stats& st) {
        const ex::binance::stream_sinks sinks{nullptr, nullptr, nullptr, &marks};
        const auto d = decoder.decode(frame, rx);
        if (ex::binance::publish_decoded(d, sinks) != ex::binance::publish_outcome::published) {
            st.failed = true;
        }
    }

    // client::place_stop (fixed) -> rest_client::call -> send_once -> https_client.
    void place(const ex::stop_request& request, std::string& wire) {
        const auto name = symbols.to_venue(request.symbol);
        const std::string venue_symbol{*name};
        const auto r = ex::binance::algo_stop_request(venue_symbol, request, std::nullopt);
        serialize(rest.build_request(r, sync.venue_now_ms()), "fapi.binance.com", wire);
    }

    // client::amend_stop's second request, sent after the place answer: cancel the old algo order.
    bool cancel(const ex::stop_state& old, std::string& wire) {
        const auto r = ex::binance::algo_cancel_request(old);
        if (!r) {
            return false;
        }
        serialize(rest.build_request(*r, sync.venue_now_ms()), "fapi.binance.com", wire);
        return true;
    }
};

struct bybit_venue {
    ex::symbol_map& symbols;
    const std::vector<step>& path;
    std::vector<std::string> frames;
    std::vector<std::string> snapshots;
    boost::asio::io_context io;
    tb::net::https_client http;
    tb::core::system_clock clock;
    ex::rate_limiter limiter;
    ex::time_sync sync;
    ex::bybit::rest_client rest;
    ex::bybit::stream_decoder decoder;

    bybit_venue(ex::symbol_map& s, const std::vector<step>& p)
        : symbols{s},
          path{p},
          http{io, https_options()},
          limiter{io.get_executor(), clock, ex::bybit_limits()},
          sync{clock},
          rest{http, credentials(), sync, limiter, clock},
          decoder{s} {}

    static tb::net::https_client_options https_options() {
        tb::net::https_client_options o;
        o.base_url = "https://api.bybit.com";
        return o;
    }

    decimal entry(const instrument& ins) const { return decimal::from_raw(ins.ticks, ins.scale); }

    // Bybit marks are on the tick grid: the 10^-8 path in ticks.
    void prepare(const std::vector<instrument>& ins, stats& st) {
        frames.clear();
        std::int64_t cs = 9'000'000'000;
        std::int64_t ts = start_ms;
        for (std::size_t s = 0; s < ins.size(); ++s) {
            const auto snap = tb::bench::bybit_ticker_snapshot_frame(ins[s].venue_name, ins[s].ticks, ins[s].scale,
                                                                     ++cs, ts, 100 + s);
            // The snapshot every subscription starts with; outside the timed frames.
            if (!std::holds_alternative<ex::bybit::ticker_update>(decoder.decode(snap, tb::events::time_point{}))) {
                st.failed = true;
            }
        }
        for (const auto& s : path) {
            const auto to8 = pow10(8 - ins[s.symbol].scale);
            const auto mark = s.mark_e8 / to8;
            frames.push_back(
                tb::bench::bybit_mark_delta_frame(ins[s.symbol].venue_name, mark, mark + 3, ins[s.symbol].scale, ++cs,
                                                  ts += 5));
        }
    }

    // bybit::public_stream's handling of a tickers frame: a mark goes on the marks topic.
    void publish(std::string_view frame, tb::events::time_point rx, tb::events::topic<tb::events::mark_price>& marks,
                 stats& st) {
        const auto d = decoder.decode(frame, rx);
        if (const auto* t = std::get_if<ex::bybit::ticker_update>(&d); t != nullptr && t->mark) {
            marks.publish(*t->mark);
        } else {
            st.failed = true;
        }
    }

    // client::place_stop (fixed; amend_stop is the same call) -> rest_client::post -> send_once.
    void place(const ex::stop_request& request, std::string& wire) {
        const auto name = symbols.to_venue(request.symbol);
        const std::string venue_symbol{*name};
        const std::string method = "POST";
        const std::string path_text = "/v5/position/trading-stop";
        const std::string body = ex::bybit::trading_stop_body(venue_symbol, ex::bybit::fixed_stop_params(request.trigger_price));
        serialize(rest.build_request(method, path_text, std::string{}, body, true, sync.venue_now_ms()),
                  "api.bybit.com", wire);
    }

    bool cancel(const ex::stop_state&, std::string&) { return false; }
};

// The bytes must be what the adapter would send: the Binance target through the plain codec
// steps (stop_query, build_target), the Bybit body through trading_stop_body.
bool self_check(ex::symbol_map& binance_symbols, ex::symbol_map& bybit_symbols, const std::vector<instrument>& ins) {
    const std::vector<step> none;
    binance_venue b{binance_symbols, none};
    position p;
    p.side = tb::core::position_side::short_;
    const auto request = fixed_stop(p, ins[1].symbol, decimal::from_string("101.5"));
    std::string wire;
    b.place(request, wire);
    ex::binance::rest_request r;
    r.method = "POST";
    r.path = "/fapi/v1/algoOrder";
    r.query = ex::binance::stop_query(ins[1].venue_name, request, std::nullopt).str();
    const auto target = b.rest.build_target(r, b.sync.venue_now_ms());
    const auto head = "POST " + target.substr(0, target.find("&timestamp="));
    if (wire.rfind(head, 0) != 0 || wire.find("X-MBX-APIKEY: ") == std::string::npos ||
        wire.find("type=STOP_MARKET&triggerPrice=101.5&closePosition=true") == std::string::npos) {
        std::fprintf(stderr, "binance request differs from the codec's:\n%s\n", wire.c_str());
        return false;
    }
    bybit_venue y{bybit_symbols, none};
    wire.clear();
    y.place(request, wire);
    if (wire.find(ex::bybit::trading_stop_body(ins[1].venue_name, ex::bybit::fixed_stop_params(request.trigger_price))) ==
            std::string::npos ||
        wire.find("X-BAPI-SIGN: ") == std::string::npos) {
        std::fprintf(stderr, "bybit request differs from the codec's:\n%s\n", wire.c_str());
        return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t moves = 100'000;
    std::string venue = "both";
    std::string out_path;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a{argv[i]};
        if (a.rfind("--moves=", 0) == 0) {
            moves = std::stoul(std::string{a.substr(8)});
        } else if (a.rfind("--venue=", 0) == 0) {
            venue = a.substr(8);
        } else if (a.rfind("--out=", 0) == 0) {
            out_path = a.substr(6);
        } else {
            std::fprintf(stderr, "usage: bench_trailing [--moves=N] [--venue=binance|bybit|both] [--out=FILE]\n");
            return 2;
        }
    }
    ex::symbol_map binance_symbols{tb::core::exchange_id::binance};
    ex::symbol_map bybit_symbols{tb::core::exchange_id::bybit};
    const auto ins = make_instruments(binance_symbols, bybit_symbols);
    if (!self_check(binance_symbols, bybit_symbols, ins)) {
        return 1;
    }
    // About 3 of 4 frames move the stop once the stops are active (a few are held back by tick
    // rounding); ask for a little more than needed.
    const std::size_t rounds = 4 + moves * 4 / 3 / ins.size() * 21 / 20 + 1;
    const auto path = make_path(ins, rounds);

    std::ofstream out;
    if (!out_path.empty()) {
        out.open(out_path, std::ios::app);
    }
    int rc = 0;
    auto report = [&](const char* name, const stats& s) {
        print(name, s);
        if (s.failed || s.first_ns.empty()) {
            std::fprintf(stderr, "%s: a frame did not reach its trailing stop, or nothing moved\n", name);
            rc = 1;
        }
        if (out) {
            out << "{\"venue\":\"" << name << "\",\"requested\":" << moves << ",\"frames\":" << s.frames << ",\"request_bytes\":" << s.bytes
                << ",\"symbols\":" << ins.size() << ",\"first\":" << dist_json(s.first_ns)
                << ",\"all\":" << dist_json(s.all_ns) << ",\"idle\":" << dist_json(s.idle_ns) << "}\n";
        }
    };
    if (venue == "binance" || venue == "both") {
        binance_venue b{binance_symbols, path};
        report("binance", run_venue(b, ins));
    }
    if (venue == "bybit" || venue == "both") {
        bybit_venue y{bybit_symbols, path};
        report("bybit", run_venue(y, ins));
    }
    return rc;
}
