#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/core/decimal.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot/db/records.hpp"

namespace tradebot::db {

// One row of a configured external query, every column as text (NULL stays empty), so the
// validator judges what the producer wrote and nothing is lost in a conversion here.
struct external_signal_row {
    std::optional<std::string> external_id;
    std::optional<std::string> exchange;
    std::optional<std::string> symbol;
    std::optional<std::string> side;
    std::optional<std::string> score_week;
    std::optional<std::string> score_month;
    std::optional<std::string> candle_time;  // timestamptz::text in UTC
};

// A validated external row, in the bot's vocabulary, to be copied into the signals table.
struct external_signal_insert {
    std::string source;
    std::string external_id;
    std::string exchange;
    std::string symbol;
    std::string side;
    core::decimal score_week;
    core::decimal score_month;
    time_point candle_time;
};

// The SQL of the external scoring adapter (docs/CONFIG.md "signals.external"). read() runs on the
// database holding the external table, insert() on the bot's own; they may be the same server.
class external_signal_repository {
public:
    explicit external_signal_repository(database& db) : db_{db} {}

    // Runs `query` as a subquery and returns its rows with candle_time >= `since`, oldest candle
    // first, at most `limit`. $1 in the query is `since` (a timestamptz). The statement is
    // cancelled after `timeout`; a missing column or any SQL error comes back as a db::error.
    [[nodiscard]] boost::asio::awaitable<result<std::vector<external_signal_row>>> read(
        std::string query, time_point since, int limit, std::chrono::milliseconds timeout);

    // Inserts the rows that are not in the signals table yet ((source, external_id) is unique) in
    // one transaction; returns how many were new. The insert trigger NOTIFYs the daemon.
    [[nodiscard]] boost::asio::awaitable<result<std::int64_t>> insert(std::vector<external_signal_insert> rows);

private:
    database& db_;
};

}  // namespace tradebot::db
