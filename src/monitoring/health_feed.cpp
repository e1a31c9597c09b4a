#include "tradebot/monitoring/health_feed.hpp"

#include <string>

namespace tradebot::monitoring {

namespace {

std::string venue_name(core::exchange_id id) { return std::string{core::to_string(id)}; }

std::string age_text(std::chrono::nanoseconds age) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(age).count()) + " s";
}

}  // namespace

health_feed::health_feed(boost::asio::any_io_executor executor, events::router& router, health& h,
                         const core::clock& clock, std::chrono::seconds stale_after)
    : health_{h},
      clock_{clock},
      stale_after_{stale_after},
      since_{clock.now()},
      timer_{executor},
      streams_{router.topic<events::stream_state>(events::topic_name::stream_state)
                   .subscribe(executor, [&h](const events::stream_state& s) { on_stream(h, s); })},
      rest_{router.topic<events::rest_state>(events::topic_name::rest_state)
                .subscribe(executor, [&h](const events::rest_state& r) { on_rest(h, r); })},
      signals_{router.topic<events::signal_event>(events::topic_name::signal_event)
                   .subscribe(executor, [this](const events::signal_event& e) {
                       // A row read from the table: valid, or refused by validation (the producer is alive).
                       if (e.outcome == "received" || e.outcome == "rejected" || e.outcome == "expired") {
                           since_ = e.ts;
                           seen_ = true;
                           check_signals();
                       }
                   })} {}

void health_feed::on_stream(health& h, const events::stream_state& s) {
    const auto name = venue_name(s.exchange) + ".stream." + s.stream;
    const auto state = s.status == events::stream_status::connected ? component_state::ok : component_state::degraded;
    auto detail = std::string{events::to_string(s.status)};
    if (!s.reason.empty()) {
        detail += ": " + s.reason;
    }
    h.set(name, state, std::move(detail));
}

void health_feed::on_rest(health& h, const events::rest_state& r) {
    h.set(venue_name(r.exchange) + ".rest", r.ok ? component_state::ok : component_state::degraded,
          r.ok ? std::string{"answering"} : "failing: " + r.detail);
}

void health_feed::check_signals() {
    const auto age = clock_.now() - since_;
    const auto what = seen_ ? "last signal " + age_text(age) + " ago" : "no signal since start " + age_text(age) + " ago";
    health_.set("signals.freshness", age >= stale_after_ ? component_state::degraded : component_state::ok,
                age >= stale_after_ ? what + " (stale after " + age_text(stale_after_) + ")" : what);
}

void health_feed::start(std::chrono::milliseconds check_every) {
    every_ = check_every;
    stopped_ = false;
    check_signals();
    arm();
}

void health_feed::stop() {
    stopped_ = true;
    timer_.cancel();
    streams_.reset();
    rest_.reset();
    signals_.reset();
}

void health_feed::arm() {
    timer_.expires_after(every_);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopped_) {
            return;
        }
        check_signals();
        arm();
    });
}

}  // namespace tradebot::monitoring
