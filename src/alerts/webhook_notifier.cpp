#include "tradebot/alerts/webhook_notifier.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "tradebot/alerts/event_alerts.hpp"
#include "tradebot/alerts/payload.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/net/use_nothrow.hpp"

namespace tradebot::alerts {

namespace asio = boost::asio;
using logging::kv;

namespace {

// How often suppressed alerts are looked at for a summary while some are held.
constexpr std::chrono::seconds summary_check{1};
constexpr std::chrono::seconds max_retry_wait{60};

std::string stream_subject(const events::stream_state& s) {
    return std::string{core::to_string(s.exchange)} + " " + s.stream + " stream";
}

std::string rest_subject(const events::rest_state& r) {
    return std::string{core::to_string(r.exchange)} + " REST API";
}

// "https://host[:port]" and the request target (path and query, "/" when the URL has none).
std::pair<std::string, std::string> split_url(const std::string& url) {
    const auto scheme = url.find("://");
    const auto host_at = scheme == std::string::npos ? 0 : scheme + 3;
    const auto path_at = url.find_first_of("/?", host_at);
    if (path_at == std::string::npos) {
        return {url, "/"};
    }
    auto target = url.substr(path_at);
    if (target.front() != '/') {
        target.insert(0, "/");
    }
    return {url.substr(0, path_at), std::move(target)};
}

net::https_client_options client_options(const config::webhook_settings& s) {
    net::https_client_options o;
    o.base_url = split_url(s.url).first;
    o.default_timeout = s.timeout_ms;
    o.connect_timeout = std::min(s.timeout_ms, o.connect_timeout);
    o.max_idle_connections = 1;
    return o;
}

// The receiver's Retry-After in seconds (both Discord and Telegram send it with a 429), if any.
std::optional<std::chrono::seconds> retry_after(const net::client_response& r) {
    const auto h = r.header("Retry-After");
    if (!h) {
        return std::nullopt;
    }
    long long seconds = 0;
    const auto* end = h->data() + h->size();
    if (std::from_chars(h->data(), end, seconds).ec != std::errc{} || seconds < 0) {
        return std::nullopt;
    }
    return std::chrono::seconds{seconds};
}

}  // namespace

webhook_notifier::webhook_notifier(asio::io_context& io, const core::clock& clock, prometheus::Registry& registry,
                                   config::webhook_settings settings, std::string label)
    : clock_{clock},
      settings_{std::move(settings)},
      label_{std::move(label)},
      enabled_{!settings_.url.empty()},
      strand_{asio::make_strand(io)},
      target_{split_url(settings_.url).second},
      limiter_{rate_limits{settings_.per_kind_interval_seconds, settings_.max_per_minute}},
      backoff_{net::backoff_options{.initial = std::chrono::milliseconds{1000},
                                    .max = max_retry_wait,
                                    .multiplier = 2.0,
                                    .jitter = 0.2,
                                    .seed = 0}},
      queue_{static_cast<std::size_t>(settings_.queue_size)},
      outages_{settings_.outage_grace_seconds},
      kill_switch_{strand_, clock_, [this](alert a) { enqueue(queued_alert{std::move(a), false}); }},
      retry_timer_{strand_},
      summary_timer_{strand_},
      outage_timer_{strand_},
      sent_{prometheus::BuildCounter()
                .Name("tradebot_alerts_sent_total")
                .Help("Webhook alerts the receiver accepted, by kind")
                .Register(registry)},
      suppressed_{prometheus::BuildCounter()
                      .Name("tradebot_alerts_suppressed_total")
                      .Help("Webhook alerts held back by the rate limit (reported later as a count), by kind")
                      .Register(registry)},
      dropped_{prometheus::BuildCounter()
                   .Name("tradebot_alerts_dropped_total")
                   .Help("Webhook alerts dropped unsent: the queue was full, or the shutdown deadline passed")
                   .Register(registry)},
      failed_{prometheus::BuildCounter()
                  .Name("tradebot_alerts_failed_total")
                  .Help("Webhook alerts given up after every attempt failed, by kind")
                  .Register(registry)},
      retries_{prometheus::BuildCounter()
                   .Name("tradebot_alerts_retries_total")
                   .Help("Webhook posts tried again after a failure, by kind")
                   .Register(registry)},
      depth_{prometheus::BuildGauge()
                 .Name("tradebot_alerts_queue_depth")
                 .Help("Webhook alerts waiting to be sent")
                 .Register(registry)
                 .Add({})} {
    if (enabled_) {
        client_ = std::make_unique<net::https_client>(io, client_options(settings_));
        if (const auto ec = client_->init_error()) {
            // Only the error: the URL is a secret.
            logging::error(logging::get("app"), "alert webhook unusable, alerts off", kv("error", ec.message()));
            enabled_ = false;
        }
    }
}

webhook_notifier::~webhook_notifier() = default;

void webhook_notifier::follow(events::router& router) {
    if (!enabled_) {
        return;
    }
    positions_sub_ = router.topic<events::position_event>(events::topic_name::position_event)
                         .subscribe(strand_, [this](const events::position_event& e) {
                             if (auto a = positions_.on(e)) {
                                 enqueue(queued_alert{std::move(*a), false});
                             }
                         });
    signals_sub_ = router.topic<events::signal_event>(events::topic_name::signal_event)
                       .subscribe(strand_, [this](const events::signal_event& e) {
                           if (auto a = from_signal_event(e)) {
                               const bool kill_switch = a->kind == alert_kind::kill_switch;
                               enqueue(queued_alert{std::move(*a), false});
                               if (kill_switch) {
                                   kill_switch_.arm();
                               }
                           }
                       });
    streams_sub_ = router.topic<events::stream_state>(events::topic_name::stream_state)
                       .subscribe(strand_, [this](const events::stream_state& e) {
                           auto why = std::string{events::to_string(e.status)};
                           if (!e.reason.empty()) {
                               why += ": " + e.reason;
                           }
                           outage(alert_kind::venue_down, stream_subject(e),
                                  e.status == events::stream_status::connected, std::move(why));
                       });
    rest_sub_ = router.topic<events::rest_state>(events::topic_name::rest_state)
                    .subscribe(strand_, [this](const events::rest_state& e) {
                        outage(alert_kind::venue_down, rest_subject(e), e.ok, e.detail);
                    });
}

void webhook_notifier::watch_kill_switch(std::filesystem::path file, std::function<bool()> active) {
    if (!enabled_ || file.empty() || !active) {
        return;
    }
    kill_switch_.watch(std::move(file), std::move(active));
}

void webhook_notifier::database_state(bool up, std::string detail) {
    if (!enabled_) {
        return;
    }
    asio::post(strand_, [this, up, detail = std::move(detail)]() mutable {
        outage(alert_kind::database_down, "database", up, std::move(detail));
    });
}

void webhook_notifier::outage(alert_kind kind, const std::string& subject, bool up, std::string detail) {
    if (closing_) {
        return;  // a shutdown closes streams and connections itself
    }
    const auto now = clock_.steady_now();
    if (up) {
        if (auto back = outages_.up(subject, now, clock_.now())) {
            enqueue(queued_alert{std::move(*back), false});
        }
    } else {
        outages_.down(kind, subject, std::move(detail), now);
        for (auto& a : outages_.due(now, clock_.now())) {  // a grace of zero
            enqueue(queued_alert{std::move(a), false});
        }
    }
    arm_outages();
}

void webhook_notifier::arm_outages() {
    const auto next = outages_.next_due();
    if (!next || closing_) {
        outage_timer_.cancel();
        return;
    }
    // The daemon's clock is the system clock, whose steady time is the timer's.
    outage_timer_.expires_after(std::max(std::chrono::steady_clock::duration::zero(), *next - clock_.steady_now()));
    outage_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || closing_) {
            return;
        }
        for (auto& a : outages_.due(clock_.steady_now(), clock_.now())) {
            enqueue(queued_alert{std::move(a), false});
        }
        arm_outages();
    });
}

void webhook_notifier::post(alert a) {
    if (!enabled_) {
        return;
    }
    ++posted_;
    asio::post(strand_, [this, a = std::move(a)]() mutable {
        enqueue(queued_alert{std::move(a), false});
        --posted_;
    });
}

void webhook_notifier::close(std::chrono::steady_clock::duration within) {
    if (!enabled_) {
        return;
    }
    asio::post(strand_, [this, within] {
        closing_ = true;
        close_deadline_ = std::chrono::steady_clock::now() + within;
        positions_sub_.reset();
        signals_sub_.reset();
        streams_sub_.reset();
        rest_sub_.reset();
        outage_timer_.cancel();
        kill_switch_.close();
        summary_timer_.cancel();
        retry_timer_.cancel();
    });
}

bool webhook_notifier::past_close_deadline() const {
    return closing_ && std::chrono::steady_clock::now() >= close_deadline_;
}

void webhook_notifier::enqueue(queued_alert q) {
    if (const auto dropped = queue_.push(std::move(q))) {
        dropped_.Add({{"kind", std::string{to_string(dropped->kind)}}}).Increment();
        logging::warn(logging::get("app"), "alert dropped: queue full", kv("kind", to_string(dropped->kind)),
                      kv("queue_size", settings_.queue_size));
    }
    depth_.Set(static_cast<double>(queue_.size()));
    if (!draining_) {
        draining_ = true;
        asio::co_spawn(strand_, drain(), [this](const std::exception_ptr& e) {
            // Only after a throw: a normal end cleared the flag itself, and another drain may run now.
            if (e) {
                draining_ = false;
                logging::error(logging::get("app"), "alert sender failed");
            }
        });
    }
}

void webhook_notifier::arm_summaries() {
    if (summaries_armed_ || closing_ || !limiter_.pending()) {
        return;
    }
    summaries_armed_ = true;
    summary_timer_.expires_after(summary_check);
    summary_timer_.async_wait([this](const boost::system::error_code& ec) {
        summaries_armed_ = false;
        if (ec || closing_) {
            return;
        }
        for (auto& s : limiter_.due(clock_.steady_now())) {
            enqueue(queued_alert{std::move(s), true});
        }
        arm_summaries();
    });
}

asio::awaitable<void> webhook_notifier::drain() {
    while (auto popped = queue_.pop()) {
        auto next = std::move(*popped);
        depth_.Set(static_cast<double>(queue_.size()));
        const auto kind = std::string{to_string(next.value.kind)};
        if (past_close_deadline()) {
            dropped_.Add({{"kind", kind}}).Increment();
            continue;
        }
        if (!next.admitted) {
            auto admitted = limiter_.admit(std::move(next.value), clock_.steady_now());
            if (!admitted) {
                suppressed_.Add({{"kind", kind}}).Increment();
                arm_summaries();
                continue;
            }
            next.value = std::move(*admitted);
        }
        co_await deliver(std::move(next.value));
    }
    draining_ = false;
}

asio::awaitable<void> webhook_notifier::deliver(alert a) {
    const auto kind = std::string{to_string(a.kind)};
    const auto body = render_payload(settings_.format, settings_.telegram_chat_id, message_text(label_, a));
    auto log = logging::get("app");
    backoff_.reset();
    for (int attempt = 1;; ++attempt) {
        net::client_request req;
        req.method = "POST";
        req.target = target_;
        req.headers.emplace_back("Content-Type", "application/json");
        req.body = body;
        req.timeout = settings_.timeout_ms;
        if (closing_) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(close_deadline_ -
                                                                                    std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                dropped_.Add({{"kind", kind}}).Increment();
                co_return;
            }
            req.timeout = std::min(req.timeout, left);
        }
        auto result = co_await client_->request(std::move(req));
        std::optional<std::chrono::seconds> asked;
        bool retryable = true;
        if (result && result->status >= 200 && result->status < 300) {
            sent_.Add({{"kind", kind}}).Increment();
            logging::info(log, "alert sent", kv("kind", kind), kv("attempt", attempt));
            co_return;
        }
        if (result) {
            retryable = result->status == 429 || result->status >= 500;
            asked = retry_after(*result);
            logging::warn(log, "alert not accepted", kv("kind", kind), kv("attempt", attempt),
                          kv("status", static_cast<int>(result->status)));
        } else {
            // Our own request or URL is wrong: sending it again changes nothing.
            retryable = result.error() != net::make_error_code(net::client_errc::invalid_request) &&
                        result.error() != net::make_error_code(net::client_errc::invalid_url);
            logging::warn(log, "alert not delivered", kv("kind", kind), kv("attempt", attempt),
                          kv("error", result.error().message()));
        }
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(backoff_.next());
        if (asked) {
            wait = std::min<std::chrono::milliseconds>(std::max<std::chrono::milliseconds>(wait, *asked), max_retry_wait);
        }
        const bool out_of_time = closing_ && std::chrono::steady_clock::now() + wait >= close_deadline_;
        if (!retryable || attempt >= settings_.max_attempts || out_of_time) {
            failed_.Add({{"kind", kind}}).Increment();
            logging::error(log, "alert given up", kv("kind", kind), kv("attempts", attempt),
                           kv("retryable", retryable), kv("shutdown_deadline", out_of_time));
            co_return;
        }
        retries_.Add({{"kind", kind}}).Increment();
        retry_timer_.expires_after(wait);
        (void)co_await retry_timer_.async_wait(net::use_nothrow);
        // A close() during the wait cancels it: the loop tries once more within the close deadline.
    }
}

}  // namespace tradebot::alerts
