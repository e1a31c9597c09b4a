#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/db/database.hpp"
#include "tradebot/db/records.hpp"

namespace tradebot::db {

// signals.status. new_ is the only undecided state; every other one carries a reason and a time.
enum class signal_status : std::uint8_t { new_, taken, skipped, rejected, failed, expired };

[[nodiscard]] std::string_view to_string(signal_status s) noexcept;
[[nodiscard]] std::optional<signal_status> parse_signal_status(std::string_view text) noexcept;

// A signals row as the producer wrote it. Exchange, symbol, side and the scores are text,
// unparsed: the validator decides what is acceptable and rejects a bad row with a reason
// (rule 10), so reading never fails on a producer's typo.
struct signal_row {
    std::int64_t id = 0;
    std::string source;
    std::optional<std::string> external_id;
    std::string exchange;
    std::string symbol;
    std::string side;
    std::optional<std::string> score_week;   // numeric::text, every digit as stored
    std::optional<std::string> score_month;
    std::optional<time_point> candle_time;
    std::optional<time_point> wave_time;
    time_point received_at{};
};

// The row a signal NOTIFY carries (migration 0002: JSON with the columns signal_row holds, times
// as epoch microseconds); nullopt for an id-only payload or anything else, after which the table
// is read instead. The row is not claimed: whoever decides it claims it in the same statement.
[[nodiscard]] std::optional<signal_row> signal_row_from_notification(std::string_view payload);

struct orphaned_claims {
    std::int64_t decided = 0;  // ended with the position their entry left
    std::int64_t released = 0;  // handed back for a new decision
    // Left claimed: their entry's row is still pending_entry (the reconciliation has not settled
    // it yet); resolved by a later call.
    std::int64_t waiting = 0;
};

// The signals table. A claim writes claimed_by on rows still 'new' and unclaimed, picking them
// with FOR UPDATE SKIP LOCKED, so two instances (or two pollers) take disjoint rows and neither
// waits for the other. The status stays 'new' until mark() records the decision.
class signal_repository {
public:
    explicit signal_repository(database& db) : db_{db} {}

    // Claims up to `limit` unclaimed new signals, oldest first.
    [[nodiscard]] boost::asio::awaitable<result<std::vector<signal_row>>> claim_new(int limit,
                                                                                     std::string claimed_by);
    // Claims those of `ids` that are still new and unclaimed or already claimed by `claimed_by`
    // (a wave chose them, or a deferred decision is taken up again); the rows returned are the
    // ones this call got, by id.
    [[nodiscard]] boost::asio::awaitable<result<std::vector<signal_row>>> claim_by_ids(std::vector<std::int64_t> ids,
                                                                                        std::string claimed_by);
    // Records `owner`'s decision on a new signal: status, reason, status_at = now(), and the
    // position it opened; claims the row for `owner` if nobody had (a signal decided from its
    // NOTIFY). A signal is decided once, by its claimer: false when the row is missing, already
    // decided or claimed by another. errc::invalid_argument for signal_status::new_.
    [[nodiscard]] boost::asio::awaitable<result<bool>> mark(std::int64_t id, signal_status status,
                                                            std::string reason, std::string owner,
                                                            std::optional<std::int64_t> position_id = std::nullopt);
    // Unclaimed new signals whose wave (wave_time, else received_at) is at or after `since`, by
    // id: the candidates of a wave, read without claiming them.
    [[nodiscard]] boost::asio::awaitable<result<std::vector<signal_row>>> load_new_since(time_point since);
    // Marks unclaimed new signals whose wave (wave_time, else received_at) is before `before` as
    // expired, with that reason; returns how many. Claimed rows are left to their claimer.
    [[nodiscard]] boost::asio::awaitable<result<std::int64_t>> expire_older_than(time_point before);
    // At start, after the reconciliation: claims on new rows by instances that are not connected
    // to the database any more (a crash between claim and decision). A row whose entry left a
    // position ends with it (taken, or failed when its entry failed on the venue); one whose
    // entry never reached the venue (its position failed `not_opened`), or that has no position,
    // is released for a new decision (or expiry by its window); one whose position is still
    // pending_entry is left for a later call (counted `waiting`).
    [[nodiscard]] boost::asio::awaitable<result<orphaned_claims>> resolve_orphaned_claims(std::string me);
    // After a database outage: claims of `me` still new that are not in `keep` (the signals it
    // is waiting on), whose decision the crashed server lost, resolved the same way.
    [[nodiscard]] boost::asio::awaitable<result<orphaned_claims>> resolve_own_claims(std::string me,
                                                                                    std::vector<std::int64_t> keep);

private:
    database& db_;
};

}  // namespace tradebot::db
