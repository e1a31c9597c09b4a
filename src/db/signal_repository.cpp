#include "tradebot/db/signal_repository.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "db/sql_values.hpp"
#include "tradebot/db/transaction.hpp"

namespace tradebot::db {

namespace {

constexpr std::array<std::string_view, 6> status_names{"new", "taken", "skipped", "rejected", "failed", "expired"};

std::string row_columns(std::string_view prefix) {
    const std::string p{prefix};
    return p + "id, " + p + "source, " + p + "external_id, " + p + "exchange, " + p + "symbol, " + p + "side, " + p +
           "score_week::text, " + p + "score_month::text, " + detail::micros_of(p + "candle_time") + ", " +
           detail::micros_of(p + "wave_time") + ", " + detail::micros_of(p + "received_at");
}

std::vector<signal_row> read_rows(const pqxx::result& rows) {
    std::vector<signal_row> out;
    out.reserve(rows.size());
    for (const auto& r : rows) {
        signal_row s;
        s.id = r[0].as<std::int64_t>();
        s.source = r[1].as<std::string>();
        s.external_id = detail::opt_text(r[2]);
        s.exchange = r[3].as<std::string>();
        s.symbol = r[4].as<std::string>();
        s.side = r[5].as<std::string>();
        s.score_week = detail::opt_text(r[6]);
        s.score_month = detail::opt_text(r[7]);
        s.candle_time = detail::opt_time(r[8]);
        s.wave_time = detail::opt_time(r[9]);
        s.received_at = detail::from_micros(r[10].as<std::int64_t>());
        out.push_back(std::move(s));
    }
    // UPDATE ... RETURNING has no order of its own.
    std::sort(out.begin(), out.end(), [](const signal_row& a, const signal_row& b) { return a.id < b.id; });
    return out;
}

// UPDATE of the rows picked by `pick` (a SELECT id ... FOR UPDATE SKIP LOCKED) to claimed_by = $1.
// Committed asynchronously: a claim lost in a crash leaves the signal new, and the restart adopts
// any position its entry opened before reading it again (docs/ARCHITECTURE.md §4a).
std::string claim_sql(const std::string& pick) {
    return "WITH picked AS (" + pick + ") UPDATE signals s SET claimed_by = $1 FROM picked," + detail::async_commit +
           "WHERE s.id = picked.id RETURNING " + row_columns("s.");
}

std::string id_array(const std::vector<std::int64_t>& ids) {
    std::string out = "{";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i != 0) {
            out += ',';
        }
        out += std::to_string(ids[i]);
    }
    return out + "}";
}

}  // namespace

std::string_view to_string(signal_status s) noexcept { return status_names[static_cast<std::size_t>(s)]; }

std::optional<signal_status> parse_signal_status(std::string_view text) noexcept {
    for (std::size_t i = 0; i < status_names.size(); ++i) {
        if (status_names[i] == text) {
            return static_cast<signal_status>(i);
        }
    }
    return std::nullopt;
}

boost::asio::awaitable<result<std::vector<signal_row>>> signal_repository::claim_new(int limit,
                                                                                      std::string claimed_by) {
    auto job = [limit, by = std::move(claimed_by)](pqxx::transaction_base& tx) {
        static const std::string sql = claim_sql(
            "SELECT id FROM signals WHERE status = 'new' AND claimed_by IS NULL ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED");
        return read_rows(detail::exec_prepared(tx, "signals_claim_new", sql, by, limit));
    };
    co_return co_await execute(db_, std::move(job));
}

boost::asio::awaitable<result<std::vector<signal_row>>> signal_repository::claim_by_ids(std::vector<std::int64_t> ids,
                                                                                         std::string claimed_by) {
    auto job = [ids = id_array(ids), by = std::move(claimed_by)](pqxx::transaction_base& tx) {
        return read_rows(tx.exec_params(claim_sql("SELECT id FROM signals WHERE id = ANY($2::bigint[]) AND status = 'new' "
                                                  "AND (claimed_by IS NULL OR claimed_by = $1) FOR UPDATE SKIP LOCKED"),
                                        by, ids));
    };
    co_return co_await execute(db_, std::move(job));
}

boost::asio::awaitable<result<bool>> signal_repository::mark(std::int64_t id, signal_status status, std::string reason,
                                                             std::string owner,
                                                             std::optional<std::int64_t> position_id) {
    if (status == signal_status::new_) {
        co_return error{errc::invalid_argument, "a signal is marked with its decision, not 'new'"};
    }
    // Committed asynchronously: an outcome lost in a crash leaves the row claimed and undecided,
    // as a crash just before this write would.
    auto job = [id, status, reason = std::move(reason), owner = std::move(owner),
                position_id](pqxx::transaction_base& tx) {
        const auto position =
            position_id ? std::optional<std::string>{std::to_string(*position_id)} : std::nullopt;
        static const std::string sql =
            "UPDATE signals SET status = $2, status_reason = $3, status_at = now(), "
            "position_id = coalesce($4::bigint, position_id), claimed_by = $5 FROM" + detail::async_commit +
            "WHERE id = $1 AND status = 'new' AND (claimed_by IS NULL OR claimed_by = $5) RETURNING id";
        const auto r = detail::exec_prepared(tx, "signals_mark", sql, id, std::string{to_string(status)}, reason,
                                             detail::c_or_null(position), owner);
        return !r.empty();
    };
    co_return co_await execute(db_, std::move(job));
}

boost::asio::awaitable<result<std::vector<signal_row>>> signal_repository::load_new_since(time_point since) {
    auto job = [since = detail::to_micros(since)](pqxx::work& tx) {
        return read_rows(tx.exec_params("SELECT " + row_columns("") +
                                            " FROM signals WHERE status = 'new' AND claimed_by IS NULL AND "
                                            "coalesce(wave_time, received_at) >= " +
                                            detail::ts_param(1) + " ORDER BY id",
                                        since));
    };
    co_return co_await transact(db_, std::move(job));
}

boost::asio::awaitable<result<std::int64_t>> signal_repository::expire_older_than(time_point before) {
    auto job = [before = detail::to_micros(before)](pqxx::work& tx) {
        const auto r = tx.exec_params(
            "WITH expired AS (UPDATE signals SET status = 'expired', status_at = now(), "
            "status_reason = 'not decided before ' || " + detail::ts_param(1) + "::text "
            "WHERE status = 'new' AND claimed_by IS NULL AND coalesce(wave_time, received_at) < " +
                detail::ts_param(1) + " RETURNING 1) SELECT count(*) FROM expired",
            before);
        return r[0][0].as<std::int64_t>();
    };
    co_return co_await transact(db_, std::move(job));
}

namespace {

// Resolves the claims `orphaned` selects (a SELECT s.id FROM signals s ... FOR UPDATE OF s, with
// $1 = `me` and $2 = `keep`, the ids left alone), by the newest position the signal's entry left:
// - none, or one the reconciliation proved never reached the venue (failed `not_opened`, issue
//   19 C7): nothing was traded, the signal is handed back for a new decision (or expiry by its
//   window);
// - one still `pending_entry`: the reconciliation has not settled it yet (it waits out the
//   venue's receive window before it calls an entry missing): left claimed, counted `waiting`,
//   for a later call;
// - any other: the signal ends with it, `taken`, or `failed` when its entry failed on the venue.
orphaned_claims resolve_claims(pqxx::work& tx, const std::string& orphaned, const std::string& me,
                               const std::string& keep) {
    const auto r = tx.exec_params(
        "WITH orphaned AS (" + orphaned + "), "
        "opened AS (SELECT DISTINCT ON (p.signal_id) p.signal_id, p.id, p.state, "
        "(p.state = 'failed' AND coalesce(p.close_reason, '') LIKE 'not\\_opened:%') AS never_sent "
        "FROM positions p JOIN orphaned o ON p.signal_id = o.id ORDER BY p.signal_id, p.id DESC), "
        "decided AS (UPDATE signals s SET claimed_by = $1, position_id = opened.id, status_at = now(), "
        "status = CASE WHEN opened.state = 'failed' THEN 'failed' ELSE 'taken' END, "
        "status_reason = CASE WHEN opened.state = 'failed' "
        "THEN 'entry_failed: the claimer stopped; its entry was not found on the venue' "
        "ELSE 'opened: the claimer stopped after its entry; the position was kept' END "
        "FROM opened WHERE s.id = opened.signal_id AND opened.state <> 'pending_entry' AND NOT opened.never_sent "
        "RETURNING s.id), "
        "released AS (UPDATE signals s SET claimed_by = NULL FROM orphaned o WHERE s.id = o.id "
        "AND NOT EXISTS (SELECT 1 FROM opened WHERE opened.signal_id = o.id AND NOT opened.never_sent) "
        "RETURNING s.id) "
        "SELECT (SELECT count(*) FROM decided), (SELECT count(*) FROM released), "
        "(SELECT count(*) FROM opened WHERE opened.state = 'pending_entry')",
        me, keep);
    return orphaned_claims{r[0][0].as<std::int64_t>(), r[0][1].as<std::int64_t>(), r[0][2].as<std::int64_t>()};
}

}  // namespace

boost::asio::awaitable<result<orphaned_claims>> signal_repository::resolve_orphaned_claims(std::string me) {
    // A claimer is alive while a session of it is connected: every instance names its
    // connections after itself (application_name). A claim of one that is not connected is
    // resolved: the signal its position came from ends with that position, any other is handed
    // back for a new decision. If the "dead" instance was only cut off and comes back, the
    // claim guard of its writes (claimed by it, or by nobody) refuses what it decides later
    // once another instance has claimed the row; in the meantime at most one of them wins it.
    auto job = [me = std::move(me)](pqxx::work& tx) {
        return resolve_claims(tx,
                              "SELECT s.id FROM signals s WHERE s.status = 'new' AND s.claimed_by IS NOT NULL "
                              "AND s.claimed_by <> $1 AND NOT (s.id = ANY($2::bigint[])) AND NOT EXISTS (SELECT 1 "
                              "FROM pg_stat_activity a WHERE a.application_name = s.claimed_by) "
                              "FOR UPDATE OF s SKIP LOCKED",
                              me, id_array({}));
    };
    co_return co_await transact(db_, std::move(job));
}

boost::asio::awaitable<result<orphaned_claims>> signal_repository::resolve_own_claims(std::string me,
                                                                                      std::vector<std::int64_t> keep) {
    // Claims and decisions are committed asynchronously: a database that crashed while this
    // instance ran may have kept a claim of ours and lost the decision after it. Such a row is
    // claimed by us, still new, and not one we are waiting on (`keep`): nobody decides it again
    // unless it is resolved here.
    auto job = [me = std::move(me), keep = id_array(keep)](pqxx::work& tx) {
        return resolve_claims(tx,
                              "SELECT s.id FROM signals s WHERE s.status = 'new' AND s.claimed_by = $1 "
                              "AND NOT (s.id = ANY($2::bigint[])) FOR UPDATE OF s SKIP LOCKED",
                              me, keep);
    };
    co_return co_await transact(db_, std::move(job));
}

}  // namespace tradebot::db
