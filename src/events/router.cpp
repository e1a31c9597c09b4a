#include "tradebot/events/router.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>

namespace tradebot::events {

router::router(prometheus::Registry& registry)
    : published_{prometheus::BuildCounter()
                     .Name("tradebot_events_published_total")
                     .Help("Values published to a router topic")
                     .Register(registry)},
      dispatched_{prometheus::BuildCounter()
                      .Name("tradebot_events_dispatched_total")
                      .Help("Handler calls made by the router (one per subscriber and value)")
                      .Register(registry)},
      coalesced_{prometheus::BuildCounter()
                     .Name("tradebot_events_coalesced_total")
                     .Help("Values replaced by a newer value for the same key before delivery")
                     .Register(registry)},
      handler_errors_{prometheus::BuildCounter()
                          .Name("tradebot_events_handler_errors_total")
                          .Help("Event handlers that threw; the router logs them and carries on")
                          .Register(registry)},
      queue_depth_{prometheus::BuildGauge()
                       .Name("tradebot_events_queue_depth")
                       .Help("Values waiting for delivery, summed over the topic's subscribers")
                       .Register(registry)} {}

detail::topic_metrics router::metrics_for(std::string_view name) {
    const prometheus::Labels labels{{"topic", std::string{name}}};
    return detail::topic_metrics{
        .published = &published_.Add(labels),
        .dispatched = &dispatched_.Add(labels),
        .coalesced = &coalesced_.Add(labels),
        .handler_errors = &handler_errors_.Add(labels),
        .queue_depth = &queue_depth_.Add(labels),
    };
}

}  // namespace tradebot::events
