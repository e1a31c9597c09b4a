#include "tradebot/sim/app/simulator.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "sim/app/control_api.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::sim::app {

namespace asio = boost::asio;

struct simulator::impl : control_state {
    impl(asio::io_context& io_ctx, wire::sim_clock& c, simulator_options o, std::vector<wire::venue*> v)
        : control_state{c, scenario::price_feed{o.scenario}, std::move(v), o.scenario, o.paused, {}, {}},
          strand{asio::make_strand(io_ctx)},
          price_timer{strand},
          venue_timer{strand},
          price_period{o.scenario.tick},
          venue_period{o.venue_tick} {}

    asio::awaitable<void> loop(asio::steady_timer& timer, std::chrono::milliseconds period, bool prices) {
        constexpr auto token = asio::as_tuple(asio::use_awaitable);
        while (!stopped) {
            timer.expires_after(period);
            const auto [ec] = co_await timer.async_wait(token);
            if (ec || stopped) co_return;
            if (prices) {
                if (!paused) step_all();
            } else {
                tick_all();
            }
        }
    }

    asio::strand<asio::io_context::executor_type> strand;
    asio::steady_timer price_timer;
    asio::steady_timer venue_timer;
    std::chrono::milliseconds price_period;
    std::chrono::milliseconds venue_period;
    bool stopped = false;
};

simulator::simulator(asio::io_context& io, wire::sim_clock& clock, simulator_options options,
                     std::vector<wire::venue*> venues)
    : impl_{std::make_unique<impl>(io, clock, std::move(options), std::move(venues))} {
    for (auto* v : impl_->venues) impl_->load_into(*v, impl_->spec);
}

simulator::~simulator() { stop(); }

void simulator::start() {
    auto log = logging::get("sim");
    logging::info(log, "scenario loaded", logging::kv("scenario", impl_->spec.name),
                  logging::kv("symbols", impl_->feed.size()), logging::kv("tick_ms", impl_->price_period.count()),
                  logging::kv("paused", impl_->paused));
    impl_->started = impl_->clock.steady_now();
    auto& self = *impl_;
    asio::co_spawn(self.strand, self.loop(self.price_timer, self.price_period, true), asio::detached);
    asio::co_spawn(self.strand, self.loop(self.venue_timer, self.venue_period, false), asio::detached);
}

void simulator::stop() {
    if (!impl_ || impl_->stopped) return;
    impl_->stopped = true;
    impl_->price_timer.cancel();
    impl_->venue_timer.cancel();
}

wire::reply simulator::control(wire::venue& via, const net::http_request& request) {
    return handle_control(*impl_, via, request);
}

void simulator::set_stream_dropper(const wire::venue& v, std::function<void()> drop) {
    impl_->droppers[&v] = std::move(drop);
}

std::size_t simulator::step_prices() { return impl_->step_all(); }

void simulator::tick_venues() { impl_->tick_all(); }

}  // namespace tradebot::sim::app
