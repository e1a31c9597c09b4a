#include "tradebot/exchange/binance/user_stream.hpp"

#include <atomic>
#include <mutex>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "exchange/binance/metrics_lock.hpp"
#include "exchange/binance/stream_publish.hpp"
#include "tradebot/exchange/binance/stream_codec.hpp"
#include "tradebot/exchange/binance/wire.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/net/ws_client.hpp"

namespace tradebot::exchange::binance {

namespace asio = boost::asio;
using logging::kv;

struct user_stream::impl : std::enable_shared_from_this<impl> {
    impl(asio::io_context& io_, rest_client& rest_, const symbol_map& symbols_, user_stream_topics topics_,
         const core::clock& clock_, venue_metrics* metrics_, std::shared_ptr<spdlog::logger> log_,
         user_stream_options options_)
        : io{io_}, strand{asio::make_strand(io_)}, rest{rest_}, symbols{symbols_}, topics{topics_}, clock{clock_},
          metrics{metrics_}, log{std::move(log_)}, options{std::move(options_)}, wake{strand} {}

    asio::io_context& io;
    asio::strand<asio::io_context::executor_type> strand;
    rest_client& rest;
    const symbol_map& symbols;
    user_stream_topics topics;
    const core::clock& clock;
    venue_metrics* metrics;
    std::shared_ptr<spdlog::logger> log;
    user_stream_options options;

    asio::steady_timer wake;  // strand only
    bool stopping = false;    // strand only
    bool renew = false;       // strand only: make a new key and a new connection
    std::unique_ptr<net::ws_client> ws;  // strand only

    mutable std::mutex key_mutex;
    std::string key;
    std::atomic<std::uint64_t> created{0};
    std::atomic<std::uint64_t> keepalives{0};

    void publish_state(events::stream_status s, std::string reason) {
        if (topics.states != nullptr) {
            events::stream_state st;
            st.exchange = core::exchange_id::binance;
            st.stream = options.name;
            st.status = s;
            st.reason = std::move(reason);
            st.ts = clock.now();
            topics.states->publish(st);
        }
    }

    // Wakes the run loop to replace the key and the connection.
    void request_renew() {
        asio::post(strand, [w = weak_from_this()] {
            if (auto self = w.lock()) {
                self->renew = true;
                self->wake.cancel();
            }
        });
    }

    void on_frame(stream_decoder& decoder, std::string_view frame) {
        detail::with_metrics(metrics, [&](venue_metrics& m) { m.stream_message(options.name); });
        auto d = decoder.decode(frame, clock.now());
        stream_sinks sinks{topics.orders, topics.positions, topics.balances, nullptr};
        const auto outcome = publish_decoded(d, sinks);
        if (outcome == publish_outcome::malformed) {
            detail::with_metrics(metrics, [&](venue_metrics& m) { m.stream_malformed(options.name); });
            logging::warn(log, "binance user stream: malformed frame", kv("reason", std::get<malformed>(d).reason));
        } else if (std::holds_alternative<listen_key_expired>(d)) {
            logging::warn(log, "binance listenKey expired; creating a new one");
            request_renew();
        }
    }

    void on_ws_state(net::ws_state s, const boost::system::error_code& reason) {
        switch (s) {
        case net::ws_state::connected:
            detail::with_metrics(metrics, [&](venue_metrics& m) { m.stream_up(options.name, 1); });
            publish_state(events::stream_status::connected, {});
            break;
        case net::ws_state::disconnected:
            detail::with_metrics(metrics, [&](venue_metrics& m) {
                m.stream_up(options.name, 0);
                m.stream_reconnect(options.name);
            });
            publish_state(events::stream_status::disconnected, reason.message());
            break;
        case net::ws_state::stalled:
            detail::with_metrics(metrics, [&](venue_metrics& m) { m.stream_up(options.name, -1); });
            publish_state(events::stream_status::stalled, reason.message());
            break;
        default: break;
        }
    }

    void connect(const std::string& listen_key) {
        net::ws_client_options o;
        o.url = options.ws_base + "/private/ws?listenKey=" + percent_encode(listen_key);
        o.verify_peer = options.verify_peer;
        o.ca_file = options.ca_file;
        o.connect_timeout = options.connect_timeout;
        o.idle_timeout = options.idle_timeout;
        o.stall_timeout = options.stall_timeout;
        o.backoff = options.backoff;
        ws.reset();  // the old connection's handlers end here
        // One decoder per connection, used only by that connection's handlers (codec contract).
        auto decoder = std::make_shared<stream_decoder>(symbols);
        ws = std::make_unique<net::ws_client>(io, o);
        ws->on_message([this, decoder](std::string_view f) { on_frame(*decoder, f); });
        ws->on_state([this](net::ws_state s, boost::system::error_code ec) { on_ws_state(s, ec); });
        ws->start();
    }

    asio::awaitable<result<std::string>> create_key() {
        rest_request r;
        r.method = "POST";
        r.path = "/fapi/v1/listenKey";
        r.auth = security::api_key;
        r.endpoint = binance_endpoint::listen_key;
        r.priority = request_priority::critical;
        auto v = co_await rest.call(std::move(r));
        if (!v) co_return v.error();
        const auto* o = v->if_object();
        const auto* k = o != nullptr ? o->if_contains("listenKey") : nullptr;
        if (k == nullptr || !k->is_string() || k->as_string().empty()) {
            co_return bad_response_error(core::exchange_id::binance, 200, "listenKey answer without listenKey");
        }
        co_return std::string{k->as_string()};
    }

    asio::awaitable<result<void>> keepalive() {
        rest_request r;
        r.method = "PUT";
        r.path = "/fapi/v1/listenKey";
        r.auth = security::api_key;
        r.endpoint = binance_endpoint::listen_key;
        r.priority = request_priority::critical;
        auto v = co_await rest.call(std::move(r));
        ++keepalives;
        if (!v) co_return v.error();
        co_return result<void>{};
    }

    asio::awaitable<void> sleep(std::chrono::milliseconds d) {
        wake.expires_after(d);
        boost::system::error_code ec;
        co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }

    static asio::awaitable<void> run(std::shared_ptr<impl> self) {
        while (!self->stopping) {
            auto k = co_await self->create_key();
            if (self->stopping) break;
            if (!k) {
                logging::warn(self->log, "binance listenKey create failed", kv("error", k.error().describe()));
                co_await self->sleep(self->options.retry_delay);
                continue;
            }
            {
                const std::lock_guard lock{self->key_mutex};
                self->key = *k;
            }
            ++self->created;
            self->renew = false;
            self->connect(*k);
            // Keepalive loop until a renewal is needed.
            while (!self->stopping && !self->renew) {
                co_await self->sleep(self->options.keepalive_interval);
                if (self->stopping || self->renew) break;
                auto kept = co_await self->keepalive();
                if (!kept) {
                    logging::warn(self->log, "binance listenKey keepalive failed", kv("error", kept.error().describe()));
                    if (kept.error().venue_code == -1125) self->renew = true;
                }
            }
        }
        self->ws.reset();
    }
};

user_stream::user_stream(asio::io_context& io, rest_client& rest, const symbol_map& symbols,
                         user_stream_topics topics, const core::clock& clock, venue_metrics* metrics,
                         std::shared_ptr<spdlog::logger> log, user_stream_options options)
    : impl_{std::make_shared<impl>(io, rest, symbols, topics, clock, metrics, std::move(log), std::move(options))} {}

user_stream::~user_stream() { stop(); }

void user_stream::start() {
    asio::post(impl_->strand, [self = impl_] {
        asio::co_spawn(self->strand, impl::run(self), asio::detached);
    });
}

void user_stream::stop() {
    asio::post(impl_->strand, [self = impl_] {
        self->stopping = true;
        self->wake.cancel();
        if (self->ws) self->ws->stop();
    });
}

std::string user_stream::listen_key() const {
    const std::lock_guard lock{impl_->key_mutex};
    return impl_->key;
}

std::uint64_t user_stream::keys_created() const noexcept { return impl_->created.load(); }
std::uint64_t user_stream::keepalives_sent() const noexcept { return impl_->keepalives.load(); }

}  // namespace tradebot::exchange::binance
