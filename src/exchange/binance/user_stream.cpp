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
#include "exchange/stream_session.hpp"
#include "tradebot/exchange/binance/stream_codec.hpp"
#include "tradebot/exchange/binance/wire.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/net/ws_client.hpp"

namespace tradebot::exchange::binance {

namespace asio = boost::asio;
using logging::kv;

namespace {

// The listenKey calls differ only in their method; they go before anything else (critical).
rest_request user_stream_key_request(std::string method) {
    rest_request r;
    r.method = std::move(method);
    r.path = "/fapi/v1/listenKey";
    r.auth = security::api_key;
    r.endpoint = binance_endpoint::listen_key;
    r.priority = request_priority::critical;
    return r;
}

}  // namespace

asio::awaitable<result<std::string>> create_listen_key(rest_client& rest) {
    auto v = co_await rest.call(user_stream_key_request("POST"));
    if (!v) co_return v.error();
    const auto* o = v->if_object();
    const auto* k = o != nullptr ? o->if_contains("listenKey") : nullptr;
    if (k == nullptr || !k->is_string() || k->as_string().empty()) {
        co_return bad_response_error(core::exchange_id::binance, 200, "listenKey answer without listenKey");
    }
    co_return std::string{k->as_string()};
}

struct user_stream::impl : std::enable_shared_from_this<impl> {
    impl(asio::io_context& io_, rest_client& rest_, const symbol_map& symbols_, user_stream_topics topics_,
         const core::clock& clock_, venue_metrics* metrics_, std::shared_ptr<spdlog::logger> log_,
         user_stream_options options_)
        : io{io_}, strand{asio::make_strand(io_)}, rest{rest_}, symbols{symbols_}, topics{topics_}, clock{clock_},
          log{std::move(log_)}, options{std::move(options_)},
          session{core::exchange_id::binance, options.name, clock_, topics_.states, metrics_, detail::metrics_mutex()},
          wake{strand} {}

    asio::io_context& io;
    asio::strand<asio::io_context::executor_type> strand;
    rest_client& rest;
    const symbol_map& symbols;
    user_stream_topics topics;
    const core::clock& clock;
    std::shared_ptr<spdlog::logger> log;
    user_stream_options options;
    stream_session session;

    asio::steady_timer wake;  // strand only
    bool stopping = false;    // strand only
    bool renew = false;       // strand only: make a new key and a new connection
    std::unique_ptr<net::ws_client> ws;  // strand only

    mutable std::mutex key_mutex;
    std::string key;
    std::atomic<std::uint64_t> created{0};
    std::atomic<std::uint64_t> keepalives{0};

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
        session.count_message();
        auto d = decoder.decode(frame, clock.now());
        stream_sinks sinks{topics.orders, topics.positions, topics.balances, nullptr};
        const auto outcome = publish_decoded(d, sinks);
        if (outcome == publish_outcome::malformed) {
            session.count_malformed();
            logging::warn(log, "binance user stream: malformed frame", kv("reason", std::get<malformed>(d).reason));
        } else if (std::holds_alternative<listen_key_expired>(d)) {
            logging::warn(log, "binance listenKey expired; creating a new one");
            request_renew();
        }
    }

    void connect(const std::string& listen_key) {
        ws.reset();  // the old connection's handlers end here
        // One decoder per connection, used only by that connection's handlers (codec contract).
        auto decoder = std::make_shared<stream_decoder>(symbols);
        ws = std::make_unique<net::ws_client>(
            io, ws_options(options, options.ws_base + "/private/ws?listenKey=" + percent_encode(listen_key)));
        ws->on_message([this, decoder](std::string_view f) { on_frame(*decoder, f); });
        ws->on_state([this](net::ws_state s, boost::system::error_code ec) { report_ws_state(session, s, ec); });
        ws->start();
    }

    asio::awaitable<result<void>> keepalive() {
        auto r = user_stream_key_request("PUT");
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
            auto k = co_await create_listen_key(self->rest);
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
