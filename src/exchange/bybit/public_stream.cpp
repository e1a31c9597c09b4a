#include "tradebot/exchange/bybit/public_stream.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <type_traits>
#include <variant>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "exchange/bybit/ws_stream.hpp"
#include "exchange/stream_session.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::exchange::bybit {

namespace {
constexpr std::string_view public_stream_name = "public";
}  // namespace

struct public_stream::impl : ws_stream {
    impl(boost::asio::io_context& io, public_stream_options opts, const symbol_map& map, const core::clock& clk,
         events::router& router, venue_metrics* m)
        : ws_stream{io, ws_options(opts, opts.ws_base + "/v5/public/linear"), opts.ping_interval},
          options{std::move(opts)},
          symbol_names{map},
          clock{clk},
          decoder{map},
          marks{router.topic<events::mark_price>(events::topic_name::mark_price,
                                                 events::policy::coalesce_by_key{events::by_venue_symbol{}})},
          quotes{router.topic<events::book_top>(events::topic_name::book_top,
                                                events::policy::coalesce_by_key{events::by_venue_symbol{}})},
          session{core::exchange_id::bybit, std::string{public_stream_name}, clk,
                  &router.topic<events::stream_state>(events::topic_name::stream_state), m, metrics_mutex},
          log{logging::get("exchange.bybit")},
          retry_timer{io},
          retry_delay{options.retry_initial} {}

    void wire() {
        ws->on_connected([this] { resubscribe_all(); });
        ws->on_message([this](std::string_view frame) { handle(frame); });
        ws->on_state([this](net::ws_state s, boost::system::error_code ec) { state_changed(s, ec); });
    }

    std::string topic_of(const core::symbol& s) const {
        const auto name = symbol_names.to_venue(s);
        return name ? "tickers." + std::string{*name} : std::string{};
    }

    void send_batches(std::string_view op, const std::vector<std::string>& topics) {
        for (std::size_t i = 0; i < topics.size(); i += options.batch_size) {
            boost::json::array args;
            for (std::size_t j = i; j < topics.size() && j < i + options.batch_size; ++j) {
                args.emplace_back(topics[j]);
            }
            boost::json::object msg;
            const auto id = std::string{op} + "-" + std::to_string(++req_seq);
            if (op == "subscribe") {
                std::vector<std::string> sent;
                for (const auto& a : args) sent.emplace_back(a.as_string());
                const std::lock_guard lock{mutex};
                in_flight[id] = std::move(sent);
            }
            msg["req_id"] = id;
            msg["op"] = op;
            msg["args"] = std::move(args);
            ws->send(boost::json::serialize(msg));
            if (op == "subscribe") {
                ++subscribe_requests;
            }
        }
    }

    // On the ws strand, after every (re)connect: deltas must not land on the old state.
    void resubscribe_all() {
        decoder.tickers().clear();
        {
            const std::lock_guard lock{mutex};
            in_flight.clear();  // answers to the old connection's requests will not come
        }
        std::vector<std::string> topics;
        {
            const std::lock_guard lock{mutex};
            for (const auto& s : desired) {
                if (auto t = topic_of(s); !t.empty()) {
                    topics.push_back(std::move(t));
                }
            }
        }
        send_batches("subscribe", topics);
        session.report(events::stream_status::connected, {});
    }

    void resubscribe(const std::set<core::symbol>& wanted) {
        if (ws->state() != net::ws_state::connected) {
            return;  // the connected handler subscribes the whole set
        }
        std::vector<std::string> topics;
        {
            const std::lock_guard lock{mutex};
            for (const auto& s : wanted) {
                if (desired.contains(s)) {
                    if (auto t = topic_of(s); !t.empty()) topics.push_back(std::move(t));
                }
            }
        }
        if (!topics.empty()) {
            send_batches("unsubscribe", topics);
            send_batches("subscribe", topics);
        }
    }

    // On the ws strand: the answer to one of our requests.
    void answered(const op_response& r) {
        std::vector<std::string> topics;
        {
            const std::lock_guard lock{mutex};
            const auto it = in_flight.find(r.req_id);
            if (it == in_flight.end()) {
                return;
            }
            topics = std::move(it->second);
            in_flight.erase(it);
            if (r.success) {
                retry_delay = options.retry_initial;
                return;
            }
        }
        ++refused;
        if (r.message.find("already subscribed") != std::string::npos) {
            return;  // the topic is held: nothing is missing
        }
        std::chrono::milliseconds delay;
        {
            const std::lock_guard lock{mutex};
            retry_topics.insert(topics.begin(), topics.end());
            if (retry_pending) {
                return;
            }
            retry_pending = true;
            delay = retry_delay;
            retry_delay = std::min(retry_delay * 2, options.retry_max);
        }
        retry_timer.expires_after(delay);
        retry_timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
            auto base = weak.lock();
            if (ec || !base) {
                return;
            }
            auto& self = static_cast<impl&>(*base);
            self.retry_refused();
        });
    }

    void retry_refused() {
        std::vector<std::string> topics;
        {
            const std::lock_guard lock{mutex};
            retry_pending = false;
            for (const auto& s : desired) {
                if (auto t = topic_of(s); !t.empty() && retry_topics.contains(t)) topics.push_back(std::move(t));
            }
            retry_topics.clear();
        }
        if (stopped || topics.empty() || ws->state() != net::ws_state::connected) {
            return;  // a reconnect subscribes the whole set
        }
        logging::info(log, "bybit public: subscribing again after a refusal", logging::kv("topics", topics.size()));
        send_batches("subscribe", topics);
    }

    void set_symbols(std::set<core::symbol> next) {
        std::vector<std::string> add;
        std::vector<std::string> remove;
        {
            const std::lock_guard lock{mutex};
            for (const auto& s : next) {
                if (!desired.contains(s)) {
                    if (auto t = topic_of(s); !t.empty()) {
                        add.push_back(std::move(t));
                    } else {
                        logging::warn(log, "bybit public: unknown symbol not subscribed", logging::kv("symbol", s));
                    }
                }
            }
            for (const auto& s : desired) {
                if (!next.contains(s)) {
                    if (auto t = topic_of(s); !t.empty()) {
                        remove.push_back(std::move(t));
                    }
                }
            }
            desired = std::move(next);
        }
        if (ws->state() != net::ws_state::connected) {
            return;  // the connected handler subscribes the whole set
        }
        if (!remove.empty()) {
            send_batches("unsubscribe", remove);
        }
        if (!add.empty()) {
            send_batches("subscribe", add);
        }
    }

    void state_changed(net::ws_state s, boost::system::error_code ec) {
        if (is_down(s)) {
            report_down(session, s, ec, true);
        }
    }

    void handle(std::string_view frame) {
        auto result = decoder.decode(frame, clock.now());
        std::visit(
            [&](auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, ticker_update>) {
                    session.count_message();
                    if (v.mark) {
                        marks.publish(*v.mark);
                        ++mark_count;
                    }
                    // bid1Price / ask1Price: the spread check's quote, without a REST read.
                    if (v.state.bid1_price && v.state.ask1_price) {
                        quotes.publish(events::book_top{core::exchange_id::bybit, v.state.symbol,
                                                        *v.state.bid1_price, *v.state.ask1_price,
                                                        v.state.exchange_ts, v.receive_ts});
                    }
                } else if constexpr (std::is_same_v<T, op_response>) {
                    if (!v.success) {
                        logging::warn(log, "bybit public op refused", logging::kv("op", v.op),
                                      logging::kv("message", v.message));
                    }
                    answered(v);
                } else if constexpr (std::is_same_v<T, delta_without_snapshot>) {
                    session.count_message();
                } else if constexpr (std::is_same_v<T, malformed>) {
                    session.count_malformed();
                    logging::warn(log, "bybit public frame malformed", logging::kv("reason", v.reason));
                }
            },
            result);
    }

    public_stream_options options;
    const symbol_map& symbol_names;
    const core::clock& clock;
    stream_decoder decoder;  // ws strand only
    events::topic<events::mark_price>& marks;
    events::topic<events::book_top>& quotes;
    std::mutex metrics_mutex;  // before session, which holds it
    stream_session session;
    std::shared_ptr<spdlog::logger> log;
    mutable std::mutex mutex;  // guards desired
    std::set<core::symbol> desired;
    std::map<std::string, std::vector<std::string>> in_flight;  // subscribe req_id -> topics
    std::set<std::string> retry_topics;                         // refused, to ask for again
    bool retry_pending = false;
    boost::asio::steady_timer retry_timer;
    std::chrono::milliseconds retry_delay;
    std::atomic<std::uint64_t> refused{0};
    std::atomic<std::uint64_t> req_seq{0};
    std::atomic<std::uint64_t> subscribe_requests{0};
    std::atomic<std::uint64_t> mark_count{0};
};

public_stream::public_stream(boost::asio::io_context& io, public_stream_options options, const symbol_map& symbols,
                             const core::clock& clock, events::router& router, venue_metrics* metrics)
    : impl_{std::make_shared<impl>(io, std::move(options), symbols, clock, router, metrics)} {
    impl_->wire();
}

public_stream::~public_stream() { impl_->close(); }

void public_stream::set_symbols(std::set<core::symbol> symbols) { impl_->set_symbols(std::move(symbols)); }

std::set<core::symbol> public_stream::symbols() const {
    const std::lock_guard lock{impl_->mutex};
    return impl_->desired;
}

void public_stream::resubscribe(std::set<core::symbol> symbols) { impl_->resubscribe(symbols); }

std::uint64_t public_stream::subscribes_refused() const noexcept { return impl_->refused; }

void public_stream::start() { impl_->start(); }
void public_stream::stop() { impl_->stop(); }

std::uint64_t public_stream::subscribe_requests() const noexcept { return impl_->subscribe_requests; }
std::uint64_t public_stream::mark_prices() const noexcept { return impl_->mark_count; }
net::ws_counters public_stream::counters() const noexcept { return impl_->counters(); }

}  // namespace tradebot::exchange::bybit
