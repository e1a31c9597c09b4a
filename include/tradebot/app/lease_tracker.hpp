#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace tradebot::app {

// What this instance does with its account: trades (active) or watches (standby).
enum class instance_role : std::uint8_t { standby, active };

[[nodiscard]] std::string_view to_string(instance_role r) noexcept;

struct lease_timing {
    std::chrono::milliseconds duration{5000};        // ha.lease_duration_ms
    std::chrono::milliseconds renew_interval{1000};  // ha.renew_interval_ms
};

// The instance's side of the instance_lease, on its own steady clock: when to try again, and
// when an active instance must stop trading because it can no longer be sure it holds the lease.
//
// A grant (acquire or renew) counts from the moment the statement was *sent*: the database set
// expires_at = its now() + duration at some later moment, so sent + duration comes no later
// than the database's expiry in real time. The instance stops a margin (duration / 10) before
// even that, for the difference in clock rates; a standby takes the lease only once the
// database's own clock says it expired. So the old holder has stopped before the new one starts.
class lease_tracker {
public:
    using time_point = std::chrono::steady_clock::time_point;

    explicit lease_tracker(lease_timing timing) noexcept : timing_{timing} {}

    // An acquire or renew sent at `sent` was granted with `token`: active until deadline().
    void granted(std::int64_t token, time_point sent) noexcept;
    // The lease is not ours any more (a renew found another token, a write was fenced): standby.
    void lost() noexcept;
    // Standby once `now` passed the deadline without a newer grant; true when this call demoted.
    bool check_expiry(time_point now) noexcept;

    [[nodiscard]] instance_role role() const noexcept { return role_; }
    [[nodiscard]] std::int64_t token() const noexcept { return token_; }
    // The last moment an active instance may still trade.
    [[nodiscard]] time_point deadline() const noexcept { return deadline_; }
    [[nodiscard]] std::chrono::milliseconds margin() const noexcept { return timing_.duration / 10; }
    [[nodiscard]] const lease_timing& timing() const noexcept { return timing_; }

    // When the next attempt is due after one at `now`. Active: the renew interval after the last
    // grant was sent. Standby: when the holder's lease runs out (`expires_in_ms`, the database's
    // answer), but at least every renew interval, and not sooner than 10 ms.
    [[nodiscard]] time_point next_attempt(time_point now, std::int64_t expires_in_ms) const noexcept;

private:
    lease_timing timing_;
    instance_role role_ = instance_role::standby;
    std::int64_t token_ = 0;
    time_point sent_{};
    time_point deadline_{};
};

}  // namespace tradebot::app
