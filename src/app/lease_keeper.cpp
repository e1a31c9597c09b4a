#include "app/lease_keeper.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::app {

namespace asio = boost::asio;
using logging::kv;

lease_keeper::lease_keeper(strand_type strand, const core::clock& clock, db::lease_store& lease,
                           db::database& trading_db, std::string scope, std::string holder, lease_timing timing,
                           prometheus::Registry& registry, hooks h)
    : strand_{std::move(strand)},
      clock_{clock},
      lease_{lease},
      trading_db_{trading_db},
      scope_{std::move(scope)},
      holder_{std::move(holder)},
      tracker_{timing},
      hooks_{std::move(h)},
      pause_{strand_, clock},
      deadline_timer_{strand_, clock},
      active_gauge_{prometheus::BuildGauge()
                        .Name("tradebot_instance_active")
                        .Help("1 while this instance holds the instance lease and trades, 0 while it stands by.")
                        .Register(registry)
                        .Add({})},
      lost_{prometheus::BuildCounter()
                .Name("tradebot_lease_lost_total")
                .Help("Times this instance lost the instance lease and stopped trading, by reason (renew_refused, "
                      "fenced_write, expired).")
                .Register(registry)},
      acquired_{prometheus::BuildCounter()
                    .Name("tradebot_lease_acquired_total")
                    .Help("Times this instance acquired the instance lease (a new fencing token).")
                    .Register(registry)
                    .Add({})} {
    for (const auto* reason : {"renew_refused", "fenced_write", "expired"}) {
        lost_.Add({{"reason", reason}});
    }
}

lease_keeper::~lease_keeper() = default;

asio::awaitable<bool> lease_keeper::first_attempt() {
    // Until a grant, this instance's writes to the trading tables are refused (token 0).
    trading_db_.set_session(db::instance_lease::fence(scope_, holder_, 0));
    holder_expires_in_ms_ = co_await try_acquire();
    co_return tracker_.role() == instance_role::active;
}

void lease_keeper::start() {
    asio::co_spawn(strand_, keep(), [this](const std::exception_ptr& e) {
        if (!e) {
            return;
        }
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            // Without the loop no renewal happens: the deadline watch stops trading in time.
            logging::critical(logging::get("app"), "instance lease loop failed", kv("scope", scope_),
                              kv("error", ex.what()));
        }
    });
}

void lease_keeper::stop() {
    stopped_ = true;
    pause_.cancel();
    deadline_timer_.cancel();
}

asio::awaitable<void> lease_keeper::release() {
    if (tracker_.role() != instance_role::active) {
        co_return;
    }
    auto released = co_await lease_.release(scope_, holder_, tracker_.token());
    if (released && *released) {
        logging::info(logging::get("app"), "instance lease released", kv("scope", scope_),
                      kv("token", tracker_.token()));
    } else if (!released) {
        logging::warn(logging::get("app"), "cannot release the instance lease; it expires by itself",
                      kv("scope", scope_), kv("error", released.error().describe()));
    }
    tracker_.lost();
    publish(instance_role::standby);
}

void lease_keeper::fenced() {
    asio::dispatch(strand_, [this] {
        if (tracker_.role() == instance_role::active) {
            demote("fenced_write");
        } else {
            logging::warn(logging::get("app"), "a write of this standby instance was refused by the lease fence",
                          kv("scope", scope_));
        }
    });
}

asio::awaitable<void> lease_keeper::keep() {
    while (!stopped_ && !demoted_) {
        const auto now = clock_.steady_now();
        const auto next = tracker_.next_attempt(now, holder_expires_in_ms_);
        const bool waited = co_await pause_.wait_for(next - now);
        if (!waited || stopped_ || demoted_) {
            co_return;
        }
        if (tracker_.role() == instance_role::active) {
            co_await try_renew();
        } else {
            holder_expires_in_ms_ = co_await try_acquire();
        }
    }
}

asio::awaitable<std::int64_t> lease_keeper::try_acquire() {
    const auto sent = clock_.steady_now();
    auto seen = co_await lease_.acquire(scope_, holder_, tracker_.timing().duration);
    if (stopped_ || demoted_) {
        co_return 0;
    }
    if (!seen) {
        if (!logged_failure_) {
            logged_failure_ = true;
            logging::warn(logging::get("app"), "cannot read the instance lease, retrying", kv("scope", scope_),
                          kv("error", seen.error().describe()));
        }
        co_return 0;
    }
    logged_failure_ = false;
    if (seen->held) {
        promote(seen->token, sent);
        co_return 0;
    }
    {
        const std::lock_guard lock{seen_mutex_};
        if (seen_holder_ != seen->holder || seen_token_ != seen->token) {
            logging::info(logging::get("app"), "standing by: the instance lease is held", kv("scope", scope_),
                          kv("holder", seen->holder), kv("token", seen->token), kv("expires_in_ms", seen->expires_in_ms));
        }
        seen_holder_ = seen->holder;
        seen_token_ = seen->token;
    }
    co_return seen->expires_in_ms;
}

asio::awaitable<void> lease_keeper::try_renew() {
    const auto sent = clock_.steady_now();
    const auto token = tracker_.token();
    auto renewed = co_await lease_.renew(scope_, holder_, token, tracker_.timing().duration);
    if (stopped_ || demoted_ || tracker_.role() != instance_role::active || tracker_.token() != token) {
        co_return;
    }
    if (!renewed) {
        // The deadline watch stops trading if no renewal gets through in time.
        logging::warn(logging::get("app"), "instance lease renewal failed, retrying", kv("scope", scope_),
                      kv("error", renewed.error().describe()),
                      kv("ms_left", std::chrono::duration_cast<std::chrono::milliseconds>(tracker_.deadline() -
                                                                                          clock_.steady_now()).count()));
        co_return;
    }
    if (!*renewed) {
        demote("renew_refused");
        co_return;
    }
    tracker_.granted(token, sent);
}

void lease_keeper::promote(std::int64_t token, lease_tracker::time_point sent) {
    // The fence first: the trading connection runs its jobs in order, so every write queued from
    // here on carries the new token.
    trading_db_.set_session(db::instance_lease::fence(scope_, holder_, token));
    tracker_.granted(token, sent);
    acquired_.Increment();
    {
        const std::lock_guard lock{seen_mutex_};
        seen_holder_ = holder_;
        seen_token_ = token;
    }
    publish(instance_role::active);
    logging::info(logging::get("app"), "instance lease acquired: this instance is active", kv("scope", scope_),
                  kv("token", token), kv("holder", holder_));
    if (!watching_) {
        watching_ = true;
        asio::co_spawn(strand_, watch_deadline(), [this](const std::exception_ptr&) { watching_ = false; });
    }
    if (hooks_.promoted) {
        hooks_.promoted(token);
    }
}

asio::awaitable<void> lease_keeper::watch_deadline() {
    while (!stopped_ && !demoted_ && tracker_.role() == instance_role::active) {
        const auto left = tracker_.deadline() - clock_.steady_now();
        if (left > std::chrono::steady_clock::duration::zero()) {
            const bool waited = co_await deadline_timer_.wait_for(left);
            if (!waited) {
                co_return;
            }
            continue;  // a renewal may have moved the deadline meanwhile
        }
        if (tracker_.check_expiry(clock_.steady_now())) {
            demote("expired");
        }
    }
}

void lease_keeper::demote(std::string_view reason) {
    if (demoted_) {
        return;
    }
    demoted_ = true;
    tracker_.lost();
    publish(instance_role::standby);
    lost_.Add({{"reason", std::string{reason}}}).Increment();
    pause_.cancel();
    deadline_timer_.cancel();
    logging::error(logging::get("app"), "instance lease lost: this instance stops trading", kv("scope", scope_),
                   kv("reason", reason), kv("token", tracker_.token()));
    if (hooks_.demoted) {
        hooks_.demoted(reason);
    }
}

void lease_keeper::publish(instance_role r) {
    role_.store(r);
    active_gauge_.Set(r == instance_role::active ? 1 : 0);
}

boost::json::object lease_keeper::status() const {
    const std::lock_guard lock{seen_mutex_};
    return boost::json::object{{"scope", scope_},
                               {"holder", seen_holder_},
                               {"token", seen_token_},
                               {"self", holder_}};
}

}  // namespace tradebot::app
