#include "app/venue_stack.hpp"

#include "app/option_mapping.hpp"

#include <utility>

#include "tradebot/exchange/binance/client.hpp"
#include "tradebot/exchange/binance/market_stream.hpp"
#include "tradebot/exchange/binance/rest_client.hpp"
#include "tradebot/exchange/binance/user_stream.hpp"
#include "tradebot/exchange/bybit/client.hpp"
#include "tradebot/exchange/bybit/private_stream.hpp"
#include "tradebot/exchange/bybit/public_stream.hpp"
#include "tradebot/exchange/bybit/rest_client.hpp"
#include "tradebot/exchange/rate_limiter.hpp"
#include "tradebot/exchange/symbol_map.hpp"
#include "tradebot/exchange/time_sync.hpp"
#include "tradebot/exchange/venue_metrics.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/net/https_client.hpp"

namespace tradebot::app {

namespace {
constexpr std::string_view binance_market_path = "/market";
constexpr std::string_view binance_public_path = "/public";
constexpr std::string_view binance_private_path = "/private";
constexpr std::string_view bybit_public_path = "/v5/public/linear";
constexpr std::string_view bybit_private_path = "/v5/private";
}  // namespace

std::optional<std::string> strip_ws_path(std::string_view url, std::string_view path) {
    while (url.ends_with('/')) {
        url.remove_suffix(1);
    }
    if (!url.ends_with(path) || url.size() == path.size()) {
        return std::nullopt;
    }
    url.remove_suffix(path.size());
    return std::string{url};
}

struct venue_stack::parts {
    parts(boost::asio::io_context& io, const core::clock& clock, prometheus::Registry& registry,
          core::exchange_id venue, const config::exchange_settings& s)
        : http{io, http_options(s)},
          limiter{io.get_executor(), clock, rate_limits(venue, s)},
          sync{clock},
          metrics{registry, venue},
          symbols{venue},
          credentials{s.api_key, s.api_secret} {}

    static net::https_client_options http_options(const config::exchange_settings& s) {
        net::https_client_options o;
        o.base_url = s.rest_url;
        o.ca_file = s.ca_file.string();
        return o;
    }

    net::https_client http;
    exchange::rate_limiter limiter;
    exchange::time_sync sync;
    exchange::venue_metrics metrics;
    exchange::symbol_map symbols;
    exchange::api_credentials credentials;

    // Exactly one venue's set is filled.
    std::unique_ptr<exchange::binance::rest_client> binance_rest;
    std::unique_ptr<exchange::binance::client> binance_client;
    std::unique_ptr<exchange::binance::market_stream> binance_market;
    std::unique_ptr<exchange::binance::market_stream> binance_quotes;
    std::unique_ptr<exchange::binance::user_stream> binance_user;
    std::unique_ptr<exchange::bybit::rest_client> bybit_rest;
    std::unique_ptr<exchange::bybit::client> bybit_client;
    std::unique_ptr<exchange::bybit::public_stream> bybit_public;
    std::unique_ptr<exchange::bybit::private_stream> bybit_private;
    bool market_started = false;
};

namespace {

using parts_ptr = std::unique_ptr<venue_stack::parts>;

bool build_binance(venue_stack::parts& p, boost::asio::io_context& io, const core::clock& clock,
                   events::router& router, const config::exchange_settings& s, bool private_stream,
                   std::string& error) {
    auto log = logging::get("exchange");
    const auto market_base = strip_ws_path(s.ws_market_url, binance_market_path);
    if (!market_base) {
        error = "exchanges.binance.ws_market_url must end with " + std::string{binance_market_path};
        return false;
    }
    exchange::binance::rest_options ro;
    ro.recv_window = s.recv_window_ms;
    p.binance_rest = std::make_unique<exchange::binance::rest_client>(p.http, p.credentials, p.limiter, p.sync, clock,
                                                                      &p.metrics, log, ro);
    p.binance_client = std::make_unique<exchange::binance::client>(*p.binance_rest, p.symbols, log);

    auto& marks = router.topic<events::mark_price>(events::topic_name::mark_price,
                                                   events::policy::coalesce_by_key{events::by_venue_symbol{}});
    auto& states = router.topic<events::stream_state>(events::topic_name::stream_state);
    exchange::binance::market_stream_options mo;
    mo.ws_base = *market_base;
    mo.ca_file = s.ca_file.string();
    p.binance_market = std::make_unique<exchange::binance::market_stream>(io, p.symbols, &marks, &states, clock,
                                                                          &p.metrics, log, mo);
    // Every symbol's best bid/ask in one stream (book data lives on /public), so that the spread
    // check of an entry on any symbol reads a streamed quote, not REST.
    const auto public_base = strip_ws_path(s.ws_public_url, binance_public_path);
    if (!public_base) {
        error = "exchanges.binance.ws_public_url must end with " + std::string{binance_public_path};
        return false;
    }
    exchange::binance::market_stream_options qo;
    qo.ws_base = *public_base;
    qo.ca_file = s.ca_file.string();
    qo.route = "public";
    qo.name = "quotes";
    qo.streams.clear();
    qo.all_symbol_streams = {"!bookTicker"};
    p.binance_quotes = std::make_unique<exchange::binance::market_stream>(io, p.symbols, nullptr, &states, clock,
                                                                          &p.metrics, log, qo);
    p.binance_quotes->publish_quotes(
        &router.topic<events::book_top>(events::topic_name::book_top,
                                        events::policy::coalesce_by_key{events::by_venue_symbol{}}));
    if (!private_stream) {
        return true;
    }
    const auto private_base = strip_ws_path(s.ws_private_url, binance_private_path);
    if (!private_base) {
        error = "exchanges.binance.ws_private_url must end with " + std::string{binance_private_path};
        return false;
    }
    exchange::binance::user_stream_topics topics;
    topics.orders = &router.topic<events::order_update>(events::topic_name::order_update);
    topics.positions = &router.topic<events::position_update>(events::topic_name::position_update);
    topics.balances = &router.topic<events::balance_update>(events::topic_name::balance_update);
    topics.states = &states;
    exchange::binance::user_stream_options uo;
    uo.ws_base = *private_base;
    uo.ca_file = s.ca_file.string();
    p.binance_user = std::make_unique<exchange::binance::user_stream>(io, *p.binance_rest, p.symbols, topics, clock,
                                                                      &p.metrics, log, uo);
    return true;
}

bool build_bybit(venue_stack::parts& p, boost::asio::io_context& io, const core::clock& clock, events::router& router,
                 const config::exchange_settings& s, bool private_stream, std::string& error) {
    const auto public_base = strip_ws_path(s.ws_public_url, bybit_public_path);
    if (!public_base) {
        error = "exchanges.bybit.ws_public_url must end with " + std::string{bybit_public_path};
        return false;
    }
    exchange::bybit::rest_options ro;
    ro.recv_window = s.recv_window_ms;
    p.bybit_rest =
        std::make_unique<exchange::bybit::rest_client>(p.http, p.credentials, p.sync, p.limiter, clock, &p.metrics, ro);
    p.bybit_client = std::make_unique<exchange::bybit::client>(*p.bybit_rest, p.symbols);
    exchange::bybit::public_stream_options po;
    po.ws_base = *public_base;
    po.ca_file = s.ca_file.string();
    p.bybit_public = std::make_unique<exchange::bybit::public_stream>(io, po, p.symbols, clock, router, &p.metrics);
    if (!private_stream) {
        return true;
    }
    const auto private_base = strip_ws_path(s.ws_private_url, bybit_private_path);
    if (!private_base) {
        error = "exchanges.bybit.ws_private_url must end with " + std::string{bybit_private_path};
        return false;
    }
    exchange::bybit::private_stream_options o;
    o.ws_base = *private_base;
    o.ca_file = s.ca_file.string();
    p.bybit_private = std::make_unique<exchange::bybit::private_stream>(io, o, p.credentials, p.symbols, p.sync, clock,
                                                                        router, &p.metrics);
    return true;
}

}  // namespace

std::unique_ptr<venue_stack> venue_stack::create(boost::asio::io_context& io, const core::clock& clock,
                                                 events::router& router, prometheus::Registry& registry,
                                                 core::exchange_id venue, const config::exchange_settings& settings,
                                                 bool private_stream, std::string& error) {
    if (venue == core::exchange_id::paper) {
        error = "paper is a trading mode, not a venue: pick binance or bybit for its prices";
        return nullptr;
    }
    if (private_stream && (settings.api_key.empty() || settings.api_secret.empty())) {
        error = "exchanges." + std::string{core::to_string(venue)} + ": api_key and api_secret are required in production mode";
        return nullptr;
    }
    auto p = std::make_unique<parts>(io, clock, registry, venue, settings);
    const bool built = venue == core::exchange_id::binance
                           ? build_binance(*p, io, clock, router, settings, private_stream, error)
                           : build_bybit(*p, io, clock, router, settings, private_stream, error);
    if (!built) {
        return nullptr;
    }
    return std::unique_ptr<venue_stack>{new venue_stack{venue, std::move(p)}};
}

venue_stack::venue_stack(core::exchange_id venue, std::unique_ptr<parts> p) : venue_{venue}, parts_{std::move(p)} {}

venue_stack::~venue_stack() = default;

exchange::venue_client& venue_stack::client() noexcept {
    if (parts_->binance_client) {
        return *parts_->binance_client;
    }
    return *parts_->bybit_client;
}

void venue_stack::start() {
    auto& p = *parts_;
    start_market();
    if (p.binance_user) p.binance_user->start();
    if (p.bybit_private) p.bybit_private->start();
}

void venue_stack::start_market() {
    auto& p = *parts_;
    if (p.market_started) {
        return;  // Bybit's stream would start a second ping loop
    }
    p.market_started = true;
    if (p.binance_market) p.binance_market->start();
    if (p.binance_quotes) p.binance_quotes->start();
    if (p.bybit_public) p.bybit_public->start();
}

void venue_stack::stop() {
    auto& p = *parts_;
    if (p.binance_market) p.binance_market->stop();
    if (p.binance_quotes) p.binance_quotes->stop();
    if (p.binance_user) p.binance_user->stop();
    if (p.bybit_public) p.bybit_public->stop();
    if (p.bybit_private) p.bybit_private->stop();
}

void venue_stack::set_symbols(std::set<core::symbol> symbols) {
    if (parts_->binance_market) {
        parts_->binance_market->set_symbols(std::move(symbols));
    } else if (parts_->bybit_public) {
        parts_->bybit_public->set_symbols(std::move(symbols));
    }
}

void venue_stack::resubscribe(std::set<core::symbol> symbols) {
    if (parts_->binance_market) {
        parts_->binance_market->resubscribe(std::move(symbols));
    } else if (parts_->bybit_public) {
        parts_->bybit_public->resubscribe(std::move(symbols));
    }
}

}  // namespace tradebot::app
