#include "tradebot/db/external_signal_repository.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include <fmt/chrono.h>

#include "db/sql_values.hpp"
#include "tradebot/db/transaction.hpp"

namespace tradebot::db {

namespace {

// Rows per INSERT statement: 8 parameters each, far below the protocol's 65535.
constexpr std::size_t insert_chunk = 500;

// "2026-01-01 00:45:00.000000+00": a text that is a timestamptz, and a timestamp in UTC, so $1
// fits a query comparing either kind of column.
std::string utc_text(time_point t) {
    const auto us = std::chrono::time_point_cast<std::chrono::microseconds>(t);
    return fmt::format("{:%Y-%m-%d %H:%M:%S}+00", std::chrono::sys_time<std::chrono::microseconds>{us.time_since_epoch()});
}

// The configured text without a trailing ';', which would end the subquery early.
std::string as_subquery(std::string query) {
    while (!query.empty() && (query.back() == ';' || query.back() == ' ' || query.back() == '\n' ||
                              query.back() == '\r' || query.back() == '\t')) {
        query.pop_back();
    }
    return query;
}

std::string read_sql(const std::string& query) {
    // The newline before ')' keeps a trailing "-- comment" in the query from eating the rest.
    return "SELECT q.external_id::text, q.exchange::text, q.symbol::text, q.side::text, q.score_week::text, "
           "q.score_month::text, q.candle_time::text FROM (\n" +
           as_subquery(query) +
           "\n) AS q WHERE q.candle_time >= $1::timestamptz ORDER BY q.candle_time, 1 LIMIT $2";
}

std::string insert_sql(std::size_t rows) {
    std::string sql =
        "INSERT INTO signals (source, external_id, exchange, symbol, side, score_week, score_month, candle_time) "
        "VALUES ";
    for (std::size_t i = 0; i < rows; ++i) {
        const auto p = [base = static_cast<int>(i * 8)](int n) { return "$" + std::to_string(base + n); };
        sql += (i == 0 ? "(" : ", (") + p(1) + ", " + p(2) + ", " + p(3) + ", " + p(4) + ", " + p(5) + ", " + p(6) +
               "::numeric, " + p(7) + "::numeric, " + detail::ts_param(static_cast<int>(i * 8) + 8) + ")";
    }
    return sql + " ON CONFLICT (source, external_id) WHERE external_id IS NOT NULL DO NOTHING RETURNING id";
}

}  // namespace

boost::asio::awaitable<result<std::vector<external_signal_row>>> external_signal_repository::read(
    std::string query, time_point since, int limit, std::chrono::milliseconds timeout) {
    auto job = [sql = read_sql(query), since = utc_text(since), limit, timeout](pqxx::work& tx) {
        // Read-only: a configured query can never change the producer's table.
        tx.exec("SET TRANSACTION READ ONLY");
        // Naive timestamps (the original's fas.scoring_history) mean UTC, and ::text prints +00.
        tx.exec("SET LOCAL TimeZone = 'UTC'");
        tx.exec("SET LOCAL statement_timeout = " + std::to_string(timeout.count()));
        const auto rows = tx.exec_params(sql, since, limit);
        std::vector<external_signal_row> out;
        out.reserve(rows.size());
        for (const auto& r : rows) {
            out.push_back(external_signal_row{detail::opt_text(r[0]), detail::opt_text(r[1]), detail::opt_text(r[2]),
                                              detail::opt_text(r[3]), detail::opt_text(r[4]), detail::opt_text(r[5]),
                                              detail::opt_text(r[6])});
        }
        return out;
    };
    co_return co_await transact(db_, std::move(job));
}

boost::asio::awaitable<result<std::int64_t>> external_signal_repository::insert(
    std::vector<external_signal_insert> rows) {
    if (rows.empty()) {
        co_return std::int64_t{0};
    }
    auto job = [rows = std::move(rows)](pqxx::work& tx) {
        std::int64_t inserted = 0;
        for (std::size_t first = 0; first < rows.size(); first += insert_chunk) {
            const auto count = std::min(insert_chunk, rows.size() - first);
            std::vector<std::string> params;
            params.reserve(count * 8);
            for (std::size_t i = first; i < first + count; ++i) {
                const auto& r = rows[i];
                params.insert(params.end(), {r.source, r.external_id, r.exchange, r.symbol, r.side,
                                             r.score_week.to_string(), r.score_month.to_string(),
                                             std::to_string(detail::to_micros(r.candle_time))});
            }
            inserted += static_cast<std::int64_t>(
                tx.exec_params(insert_sql(count), pqxx::prepare::make_dynamic_params(params)).size());
        }
        return inserted;
    };
    co_return co_await transact(db_, std::move(job));
}

}  // namespace tradebot::db
