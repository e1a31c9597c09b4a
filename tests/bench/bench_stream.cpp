// Parse + route throughput of the market-data decoders over recorded-shape frames for 500
// symbols (frames generated, seeded, into memory before timing; see frames.hpp).
//
// Per frame, every benchmark times exactly what the stream reader does after the WebSocket layer
// has handed over the text: read the receive time (core::system_clock, as the streams do), copy
// into the padded buffer, the simdjson on-demand pass, field extraction, decimal parsing, the
// venue->internal symbol lookup, the decoded variant, and then the route:
//   decode: nothing more (the variant is discarded) — for the analysis only;
//   slot:   the decoded event lands in a per-symbol slot (boost::unordered_flat_map<core::symbol, ..>);
//   topic:  the production path for marks: publish on an events::topic<mark_price> with the
//           coalescing policy (by venue symbol) that the daemon wires; the subscriber's handler,
//           run by io_context::poll() every 500 frames on the same thread, writes the slot.
// Each route runs twice: with the frames read where they lie ("cold", every frame a cache miss)
// and copied into the read buffers first as the TLS layer does ("hot_*"; see `delivery`).
// Single thread: items_per_second (cold) and msgs_per_cpu_s (hot) are messages per second per core.
//
//   bench_stream --dump-frames=DIR   writes the frames for the Python and Node baselines.

#include <benchmark/benchmark.h>

#include <boost/asio/io_context.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <prometheus/registry.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bench/frames.hpp"
#include "exchange/binance/stream_publish.hpp"
#include "exchange/json_scan.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/exchange/binance/stream_codec.hpp"
#include "tradebot/exchange/bybit/stream_codec.hpp"

namespace {

namespace tb = tradebot;
namespace binance = tb::exchange::binance;
namespace bybit = tb::exchange::bybit;
using tb::bench::frame_set;

const tb::bench::market_frames& frames() {
    static const auto f = tb::bench::make_frames();
    return f;
}

const tb::exchange::symbol_map& binance_symbols() {
    static const auto m = tb::bench::make_symbol_map(tb::core::exchange_id::binance, frames());
    return m;
}

const tb::exchange::symbol_map& bybit_symbols() {
    static const auto m = tb::bench::make_symbol_map(tb::core::exchange_id::bybit, frames());
    return m;
}

struct mark_slot {
    tb::core::decimal price;
    std::optional<tb::core::decimal> index_price;
    tb::events::time_point exchange_ts;
    std::uint64_t updates = 0;
};

struct book_slot {
    tb::core::decimal bid, bid_quantity, ask, ask_quantity;
    std::uint64_t update_id = 0;
    std::uint64_t updates = 0;
};

struct slots {
    boost::unordered_flat_map<tb::core::symbol, mark_slot, std::hash<tb::core::symbol>> marks;
    boost::unordered_flat_map<tb::core::symbol, book_slot, std::hash<tb::core::symbol>> books;
    std::uint64_t routed = 0;
    std::uint64_t other = 0;  // anything that is not the expected event: must stay 0

    void mark(const tb::events::mark_price& m) {
        auto& s = marks[m.symbol];
        s.price = m.price;
        s.index_price = m.index_price;
        s.exchange_ts = m.exchange_ts;
        ++s.updates;
        ++routed;
    }
};

enum class route { decode, slot, topic };

// cold: the frames are read where they lie, one after another through 10,000 frames (≈ 2 MB, more
//       than this core's L2), so nearly every frame starts with cache misses;
// hot:  as in the daemon, where the TLS layer has just written the frame into the connection's
//       read buffer: each batch of `hot_batch` frames is first copied into reused read buffers
//       (not timed), then decoded from there (timed per batch on the wall clock and the thread's
//       CPU clock). The baselines do the same (tests/bench/baseline_consumer.*).
enum class delivery { cold, hot };
constexpr std::size_t hot_batch = 256;

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

template <class Handle>
void run_frames(benchmark::State& state, const frame_set& set, delivery how, Handle&& handle) {
    const tb::core::system_clock clock;
    const auto& fs = set.frames;
    std::size_t bytes = 0;
    for (const auto& f : fs) {
        bytes += f.size();
    }
    state.counters["frames"] = static_cast<double>(fs.size());
    state.counters["avg_frame_bytes"] = static_cast<double>(bytes) / static_cast<double>(fs.size());
    std::size_t i = 0;
    if (how == delivery::cold) {
        for (auto _ : state) {
            handle(fs[i], clock.now(), i);
            if (++i == fs.size()) {
                i = 0;
            }
        }
        state.SetItemsProcessed(state.iterations());
        return;
    }
    // One contiguous read buffer for the batch, as a socket read fills it.
    std::string read_buffer;
    read_buffer.reserve(hot_batch * 4096);
    std::vector<std::string_view> batch(hot_batch);
    double wall = 0;
    double cpu = 0;
    for (auto _ : state) {
        read_buffer.clear();
        for (std::size_t k = 0; k < hot_batch; ++k) {
            read_buffer += fs[(i + k) % fs.size()];
        }
        for (std::size_t k = 0, at = 0; k < hot_batch; ++k) {
            const auto n = fs[(i + k) % fs.size()].size();
            batch[k] = std::string_view{read_buffer}.substr(at, n);
            at += n;
        }
        const double c0 = thread_cpu_seconds();
        const auto w0 = std::chrono::steady_clock::now();
        for (std::size_t k = 0; k < hot_batch; ++k) {
            handle(batch[k], clock.now(), i + k);
        }
        const auto w1 = std::chrono::steady_clock::now();
        const double c1 = thread_cpu_seconds();
        const double batch_wall = std::chrono::duration<double>(w1 - w0).count();
        state.SetIterationTime(batch_wall);
        wall += batch_wall;
        cpu += c1 - c0;
        i = (i + hot_batch) % fs.size();
    }
    const auto msgs = static_cast<double>(state.iterations() * hot_batch);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(hot_batch));
    state.counters["msgs_per_s"] = wall > 0 ? msgs / wall : 0;
    state.counters["msgs_per_cpu_s"] = cpu > 0 ? msgs / cpu : 0;
}

std::uint64_t frames_handled(const benchmark::State& state, delivery how) {
    return static_cast<std::uint64_t>(state.iterations()) * (how == delivery::hot ? hot_batch : 1);
}

void check(benchmark::State& state, delivery how, const slots& s, std::size_t expected_symbols,
           std::size_t slots_per_symbol, bool routed_all) {
    const auto handled = frames_handled(state, how);
    if (s.other != 0) {
        state.SkipWithError("a frame did not decode to the expected event");
    } else if (routed_all && (s.routed != handled || s.marks.size() + s.books.size() !=
                                                         std::min<std::uint64_t>(expected_symbols, handled) *
                                                             slots_per_symbol)) {
        state.SkipWithError("not every frame reached its symbol slot");
    }
}

// ---- Binance --------------------------------------------------------------------------------

void binance_frames(benchmark::State& state, const frame_set& set, route how, delivery when) {
    binance::stream_decoder decoder{binance_symbols()};
    slots s;
    if (how == route::topic) {
        prometheus::Registry registry;
        tb::events::router router{registry};
        auto& marks = router.topic<tb::events::mark_price>(
            "marks", tb::events::policy::coalesce_by_key{tb::events::by_venue_symbol{}});
        boost::asio::io_context io;
        auto sub = marks.subscribe(io.get_executor(), [&s](const tb::events::mark_price& m) { s.mark(m); });
        const binance::stream_sinks sinks{nullptr, nullptr, nullptr, &marks};
        run_frames(state, set, when, [&](std::string_view f, tb::events::time_point rx, std::size_t i) {
            const auto d = decoder.decode(f, rx);
            if (binance::publish_decoded(d, sinks) != binance::publish_outcome::published) {
                ++s.other;
            }
            if (i % 500 == 499) {
                // poll() leaves the io_context stopped when it runs out of work; without the
                // restart only the first poll would run the handlers.
                io.restart();
                io.poll();
            }
        });
        io.restart();
        io.poll();
        check(state, when, s, frames().venue_names.size(), 1, false);
        return;
    }
    run_frames(state, set, when, [&](std::string_view f, tb::events::time_point rx, std::size_t) {
        const auto d = decoder.decode(f, rx);
        if (how == route::decode) {
            benchmark::DoNotOptimize(d);
            s.other += d.index() == 0 || d.index() == 1 ? 1 : 0;  // ignored / malformed
            return;
        }
        if (const auto* m = std::get_if<tb::events::mark_price>(&d)) {
            s.mark(*m);
        } else if (const auto* b = std::get_if<binance::book_ticker>(&d)) {
            auto& slot = s.books[b->symbol];
            if (b->update_id > slot.update_id) {
                slot.bid = b->bid_price;
                slot.bid_quantity = b->bid_quantity;
                slot.ask = b->ask_price;
                slot.ask_quantity = b->ask_quantity;
                slot.update_id = b->update_id;
            }
            ++slot.updates;
            ++s.routed;
        } else {
            ++s.other;
        }
    });
    check(state, when, s, frames().venue_names.size(), 1, how == route::slot);
}

void binance_mark_price(benchmark::State& state, route how, delivery when) {
    binance_frames(state, frames().binance_mark_price, how, when);
}
void binance_book_ticker(benchmark::State& state, route how, delivery when) {
    binance_frames(state, frames().binance_book_ticker, how, when);
}

// ---- Bybit ----------------------------------------------------------------------------------

void bybit_tickers(benchmark::State& state, route how, delivery when) {
    bybit::stream_decoder decoder{bybit_symbols()};
    slots s;
    const auto& set = frames().bybit_tickers;
    if (how == route::topic) {
        prometheus::Registry registry;
        tb::events::router router{registry};
        auto& marks = router.topic<tb::events::mark_price>(
            "marks", tb::events::policy::coalesce_by_key{tb::events::by_venue_symbol{}});
        boost::asio::io_context io;
        auto sub = marks.subscribe(io.get_executor(), [&s](const tb::events::mark_price& m) { s.mark(m); });
        run_frames(state, set, when, [&](std::string_view f, tb::events::time_point rx, std::size_t i) {
            const auto d = decoder.decode(f, rx);
            // bybit::public_stream's handling: a ticker update with a mark goes on the marks topic.
            if (const auto* t = std::get_if<bybit::ticker_update>(&d)) {
                if (t->mark) {
                    marks.publish(*t->mark);
                }
            } else {
                ++s.other;
            }
            if (i % 500 == 499) {
                // poll() leaves the io_context stopped when it runs out of work; without the
                // restart only the first poll would run the handlers.
                io.restart();
                io.poll();
            }
        });
        io.restart();
        io.poll();
        check(state, when, s, frames().venue_names.size(), 1, false);
        return;
    }
    run_frames(state, set, when, [&](std::string_view f, tb::events::time_point rx, std::size_t) {
        const auto d = decoder.decode(f, rx);
        if (how == route::decode) {
            benchmark::DoNotOptimize(d);
            s.other += std::holds_alternative<bybit::ticker_update>(d) ? 0 : 1;
            return;
        }
        // The merged ticker already lives in the decoder's ticker_book (the per-symbol state);
        // routing copies the mark and the top of book into the consumer's slots.
        if (const auto* t = std::get_if<bybit::ticker_update>(&d)) {
            if (t->mark) {
                s.mark(*t->mark);
            } else {
                ++s.routed;
            }
            auto& b = s.books[t->state.symbol];
            b.bid = t->state.bid1_price.value_or(tb::core::decimal{});
            b.ask = t->state.ask1_price.value_or(tb::core::decimal{});
            b.bid_quantity = t->state.bid1_size.value_or(tb::core::decimal{});
            b.ask_quantity = t->state.ask1_size.value_or(tb::core::decimal{});
            ++b.updates;
        } else {
            ++s.other;
        }
    });
    check(state, when, s, frames().venue_names.size(), 2, how == route::slot);
}

// ---- Reference floor ------------------------------------------------------------------------

// Not tradebot's code path: the same frames through a hand-written simdjson on-demand loop
// (same padded copy, same receive-time read, E/s/p/i located, the symbol looked up, the slot
// written; prices kept as text, no decimal parsing, no variant). It shows how much of the
// codec's time is the JSON library itself.
void simdjson_floor_mark_price(benchmark::State& state, delivery when) {
    namespace od = simdjson::ondemand;
    std::unordered_map<std::string_view, std::size_t> index;
    for (const auto& n : frames().venue_names) {
        index.emplace(n, index.size());
    }
    struct raw_slot {
        std::int64_t exchange_ts = 0;
        std::size_t price_len = 0;
        std::size_t index_len = 0;
    };
    std::vector<raw_slot> raw(index.size());
    od::parser parser;
    std::string buffer;
    std::uint64_t bad = 0;
    run_frames(state, frames().binance_mark_price, when, [&](std::string_view f, tb::events::time_point rx, std::size_t) {
        benchmark::DoNotOptimize(rx);
        od::document doc;
        od::object data;
        if (parser.iterate(tb::exchange::json::pad(f, buffer)).get(doc) || doc["data"].get_object().get(data)) {
            ++bad;
            return;
        }
        raw_slot slot;
        std::string_view sym;
        for (auto field : data) {
            std::string_view key;
            if (field.unescaped_key().get(key)) {
                ++bad;
                return;
            }
            std::string_view text;
            simdjson::error_code err = simdjson::SUCCESS;
            if (key == "E") {
                err = field.value().get_int64().get(slot.exchange_ts);
            } else if (key == "s") {
                err = field.value().get_string().get(sym);
            } else if (key == "p") {
                err = field.value().get_string().get(text);
                slot.price_len = text.size();
            } else if (key == "i") {
                err = field.value().get_string().get(text);
                slot.index_len = text.size();
            }
            if (err) {
                ++bad;
                return;
            }
        }
        const auto it = index.find(sym);
        if (it == index.end()) {
            ++bad;
            return;
        }
        raw[it->second] = slot;
    });
    benchmark::DoNotOptimize(raw.data());
    if (bad != 0) {
        state.SkipWithError("the floor loop could not read a frame");
    }
}

BENCHMARK_CAPTURE(simdjson_floor_mark_price, cold, delivery::cold);
BENCHMARK_CAPTURE(simdjson_floor_mark_price, hot, delivery::hot)->UseManualTime();

BENCHMARK_CAPTURE(binance_mark_price, decode, route::decode, delivery::cold);
BENCHMARK_CAPTURE(binance_mark_price, slot, route::slot, delivery::cold);
BENCHMARK_CAPTURE(binance_mark_price, topic, route::topic, delivery::cold);
BENCHMARK_CAPTURE(binance_book_ticker, decode, route::decode, delivery::cold);
BENCHMARK_CAPTURE(binance_book_ticker, slot, route::slot, delivery::cold);
BENCHMARK_CAPTURE(bybit_tickers, decode, route::decode, delivery::cold);
BENCHMARK_CAPTURE(bybit_tickers, slot, route::slot, delivery::cold);
BENCHMARK_CAPTURE(bybit_tickers, topic, route::topic, delivery::cold);

BENCHMARK_CAPTURE(binance_mark_price, hot_decode, route::decode, delivery::hot)->UseManualTime();
BENCHMARK_CAPTURE(binance_mark_price, hot_slot, route::slot, delivery::hot)->UseManualTime();
BENCHMARK_CAPTURE(binance_mark_price, hot_topic, route::topic, delivery::hot)->UseManualTime();
BENCHMARK_CAPTURE(binance_book_ticker, hot_decode, route::decode, delivery::hot)->UseManualTime();
BENCHMARK_CAPTURE(binance_book_ticker, hot_slot, route::slot, delivery::hot)->UseManualTime();
BENCHMARK_CAPTURE(bybit_tickers, hot_decode, route::decode, delivery::hot)->UseManualTime();
BENCHMARK_CAPTURE(bybit_tickers, hot_slot, route::slot, delivery::hot)->UseManualTime();
BENCHMARK_CAPTURE(bybit_tickers, hot_topic, route::topic, delivery::hot)->UseManualTime();

}  // namespace

int main(int argc, char** argv) {
    constexpr std::string_view dump = "--dump-frames=";
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg{argv[i]};
        if (arg.substr(0, dump.size()) == dump) {
            const std::string dir{arg.substr(dump.size())};
            if (!tb::bench::write_frames(dir, frames())) {
                std::fprintf(stderr, "bench_stream: cannot write frames to %s\n", dir.c_str());
                return 1;
            }
            std::printf("wrote %zu + %zu + %zu frames to %s\n", frames().binance_mark_price.frames.size(),
                        frames().binance_book_ticker.frames.size(), frames().bybit_tickers.frames.size(),
                        dir.c_str());
            return 0;
        }
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 1;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
