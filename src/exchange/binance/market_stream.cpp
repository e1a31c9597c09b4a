#include "tradebot/exchange/binance/market_stream.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json.hpp>

#include "exchange/binance/metrics_lock.hpp"
#include "exchange/binance/stream_publish.hpp"
#include "exchange/stream_session.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/net/ws_client.hpp"

namespace tradebot::exchange::binance {

namespace asio = boost::asio;
using logging::kv;

namespace {

std::string command(std::string_view method, const std::vector<std::string>& streams, std::uint64_t id) {
    boost::json::array params;
    for (const auto& s : streams) params.emplace_back(s);
    return boost::json::serialize(boost::json::object{{"method", method}, {"params", std::move(params)}, {"id", id}});
}

void batch(std::string_view method, const std::vector<std::string>& names, std::size_t per_command,
           std::uint64_t& next_id, std::vector<std::string>& out) {
    std::vector<std::string> chunk;
    for (const auto& n : names) {
        chunk.push_back(n);
        if (chunk.size() >= per_command) {
            out.push_back(command(method, chunk, next_id++));
            chunk.clear();
        }
    }
    if (!chunk.empty()) out.push_back(command(method, chunk, next_id++));
}

}  // namespace

std::vector<std::string> subscription_commands(const std::set<std::string>& current, const std::set<std::string>& desired,
                                               std::size_t per_command, std::uint64_t& next_id) {
    std::vector<std::string> gone;
    std::vector<std::string> added;
    for (const auto& s : current) {
        if (!desired.contains(s)) gone.push_back(s);
    }
    for (const auto& s : desired) {
        if (!current.contains(s)) added.push_back(s);
    }
    std::vector<std::string> out;
    const std::size_t per = per_command == 0 ? 1 : per_command;
    batch("UNSUBSCRIBE", gone, per, next_id, out);
    batch("SUBSCRIBE", added, per, next_id, out);
    return out;
}

struct market_stream::impl : std::enable_shared_from_this<impl> {
    impl(asio::io_context& io_, const symbol_map& symbols_, events::topic<events::mark_price>* marks_,
         events::topic<events::stream_state>* states_, const core::clock& clock_, venue_metrics* metrics_,
         std::shared_ptr<spdlog::logger> log_, market_stream_options options_)
        : io{io_}, strand{asio::make_strand(io_)}, symbols{symbols_}, marks{marks_}, clock{clock_},
          log{std::move(log_)}, options{std::move(options_)},
          session{core::exchange_id::binance, options.name, clock_, states_, metrics_, detail::metrics_mutex()},
          pace{strand}, retry_timer{strand}, retry_delay{options.retry_initial} {
        desired.insert(options.all_symbol_streams.begin(), options.all_symbol_streams.end());
    }

    asio::io_context& io;
    asio::strand<asio::io_context::executor_type> strand;
    const symbol_map& symbols;
    events::topic<events::mark_price>* marks;
    const core::clock& clock;
    std::shared_ptr<spdlog::logger> log;
    market_stream_options options;
    stream_session session;
    std::function<void(const book_ticker&)> book_handler;
    events::topic<events::book_top>* quotes = nullptr;

    // strand only
    asio::steady_timer pace;
    bool pacing = false;
    bool connected = false;
    std::chrono::steady_clock::time_point next_send{};
    std::set<std::string> desired;
    std::deque<std::string> queue;
    std::uint64_t next_id = 1;
    std::unique_ptr<net::ws_client> ws;
    asio::steady_timer retry_timer;
    bool retry_pending = false;
    std::chrono::milliseconds retry_delay;

    mutable std::mutex wire_mutex;
    std::set<std::string> wire;  // what the connection has once the queue is sent
    std::atomic<std::uint64_t> sent{0};
    std::atomic<std::uint64_t> connect_count{0};
    std::atomic<std::uint64_t> refused{0};

    // Queues SUBSCRIBE commands for `names` (the venue answers a stream it already sends with a
    // plain success).
    void queue_subscribe(const std::set<std::string>& names) {
        if (names.empty()) return;
        for (auto& c : subscription_commands({}, names, options.streams_per_command, next_id)) {
            queue.push_back(std::move(c));
        }
        pump();
    }

    // A refused SUBSCRIBE would otherwise leave its symbols without marks until the next
    // reconnect: after a pause, the whole desired set is asked for again.
    void on_refused() {
        ++refused;
        if (retry_pending) return;
        retry_pending = true;
        const auto delay = retry_delay;
        retry_delay = std::min(retry_delay * 2, options.retry_max);
        retry_timer.expires_after(delay);
        retry_timer.async_wait([w = weak_from_this()](boost::system::error_code ec) {
            auto self = w.lock();
            if (!self) return;
            self->retry_pending = false;
            if (ec || !self->connected) return;  // a reconnect subscribes everything anyway
            logging::info(self->log, "binance market stream: subscribing again after a refusal",
                          kv("streams", self->desired.size()));
            self->queue_subscribe(self->desired);
        });
    }

    void resubscribe(const std::set<core::symbol>& wanted) {
        if (!connected) return;  // the connect subscribes the whole set
        std::set<std::string> names;
        for (const auto& s : wanted) {
            const auto venue = symbols.to_venue(s);
            if (!venue) continue;
            for (const auto& suffix : options.streams) {
                if (auto n = stream_name(*venue, suffix); desired.contains(n)) names.insert(std::move(n));
            }
        }
        queue_subscribe(names);
    }

    // Queues the commands that move the wire to `desired`.
    void reconcile() {
        std::set<std::string> current;
        {
            const std::lock_guard lock{wire_mutex};
            current = wire;
            wire = desired;
        }
        for (auto& c : subscription_commands(current, desired, options.streams_per_command, next_id)) {
            queue.push_back(std::move(c));
        }
        pump();
    }

    void pump() {
        if (pacing || !connected || !ws) return;
        while (!queue.empty()) {
            const auto now = std::chrono::steady_clock::now();
            if (now < next_send) {
                pacing = true;
                pace.expires_at(next_send);
                pace.async_wait([w = weak_from_this()](boost::system::error_code) {
                    if (auto self = w.lock()) {
                        self->pacing = false;
                        self->pump();
                    }
                });
                return;
            }
            ws->send(std::move(queue.front()));
            queue.pop_front();
            ++sent;
            next_send = now + options.command_interval;
        }
    }

    void on_connected() {
        asio::post(strand, [w = weak_from_this()] {
            auto self = w.lock();
            if (!self) return;
            ++self->connect_count;
            self->connected = true;
            self->queue.clear();  // commands for the old connection mean nothing here
            {
                const std::lock_guard lock{self->wire_mutex};
                self->wire.clear();
            }
            self->reconcile();
        });
    }

    void on_ws_state(net::ws_state s, const boost::system::error_code& reason) {
        if (is_down(s) || s == net::ws_state::stopped) {
            asio::post(strand, [w = weak_from_this()] {
                if (auto self = w.lock()) self->connected = false;
            });
        }
        report_ws_state(session, s, reason);
    }

    void on_frame(stream_decoder& decoder, std::string_view frame) {
        session.count_message();
        auto d = decoder.decode(frame, clock.now());
        if (const auto* b = std::get_if<book_ticker>(&d)) {
            if (quotes != nullptr) {
                quotes->publish(events::book_top{core::exchange_id::binance, b->symbol, b->bid_price, b->ask_price,
                                                 b->exchange_ts, b->receive_ts});
            }
            if (book_handler) {
                asio::post(strand, [w = weak_from_this(), t = *b] {
                    if (auto self = w.lock(); self && self->book_handler) self->book_handler(t);
                });
            }
            return;
        }
        if (const auto* e = std::get_if<command_error>(&d)) {
            logging::warn(log, "binance market stream: command refused", kv("code", e->code), kv("msg", e->message));
            asio::post(strand, [w = weak_from_this()] {
                if (auto self = w.lock()) self->on_refused();
            });
            return;
        }
        if (std::holds_alternative<command_result>(d)) {
            asio::post(strand, [w = weak_from_this()] {
                if (auto self = w.lock()) self->retry_delay = self->options.retry_initial;
            });
            return;
        }
        stream_sinks sinks{nullptr, nullptr, nullptr, marks};
        if (publish_decoded(d, sinks) == publish_outcome::malformed) {
            session.count_malformed();
            logging::warn(log, "binance market stream: malformed frame", kv("reason", std::get<malformed>(d).reason));
        }
    }

    void start() {
        auto decoder = std::make_shared<stream_decoder>(symbols);
        ws = std::make_unique<net::ws_client>(io,
                                              ws_options(options, options.ws_base + "/" + options.route + "/stream"));
        ws->on_message([this, decoder](std::string_view f) { on_frame(*decoder, f); });
        ws->on_connected([this] { on_connected(); });
        ws->on_state([this](net::ws_state s, boost::system::error_code ec) { on_ws_state(s, ec); });
        ws->start();
    }

    void set_symbols(const std::set<core::symbol>& wanted) {
        std::set<std::string> names;
        for (const auto& s : wanted) {
            const auto venue = symbols.to_venue(s);
            if (!venue) {
                logging::warn(log, "binance market stream: symbol not loaded", kv("symbol", s));
                continue;
            }
            for (const auto& suffix : options.streams) names.insert(stream_name(*venue, suffix));
        }
        names.insert(options.all_symbol_streams.begin(), options.all_symbol_streams.end());
        desired = std::move(names);
        if (connected) reconcile();
    }
};

market_stream::market_stream(asio::io_context& io, const symbol_map& symbols,
                             events::topic<events::mark_price>* marks, events::topic<events::stream_state>* states,
                             const core::clock& clock, venue_metrics* metrics, std::shared_ptr<spdlog::logger> log,
                             market_stream_options options)
    : impl_{std::make_shared<impl>(io, symbols, marks, states, clock, metrics, std::move(log), std::move(options))} {}

market_stream::~market_stream() {
    // The ws client's handlers point at impl: end them before impl can go.
    auto self = impl_;
    asio::post(self->strand, [self] {
        self->pace.cancel();
        self->retry_timer.cancel();
        self->ws.reset();
    });
}

void market_stream::on_book_ticker(std::function<void(const book_ticker&)> handler) {
    impl_->book_handler = std::move(handler);
}

void market_stream::publish_quotes(events::topic<events::book_top>* quotes) { impl_->quotes = quotes; }

void market_stream::start() {
    asio::post(impl_->strand, [self = impl_] {
        if (!self->ws) self->start();
    });
}

void market_stream::stop() {
    asio::post(impl_->strand, [self = impl_] {
        self->pace.cancel();
        self->retry_timer.cancel();
        if (self->ws) self->ws->stop();
        self->connected = false;
    });
}

void market_stream::set_symbols(std::set<core::symbol> symbols) {
    asio::post(impl_->strand, [self = impl_, s = std::move(symbols)] { self->set_symbols(s); });
}

void market_stream::resubscribe(std::set<core::symbol> symbols) {
    asio::post(impl_->strand, [self = impl_, s = std::move(symbols)] { self->resubscribe(s); });
}

std::uint64_t market_stream::commands_refused() const noexcept { return impl_->refused.load(); }

std::set<std::string> market_stream::subscriptions() const {
    const std::lock_guard lock{impl_->wire_mutex};
    return impl_->wire;
}

std::uint64_t market_stream::commands_sent() const noexcept { return impl_->sent.load(); }
std::uint64_t market_stream::connects() const noexcept { return impl_->connect_count.load(); }

}  // namespace tradebot::exchange::binance
