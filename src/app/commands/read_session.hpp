#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot/exchange/venue_client.hpp"

namespace prometheus {
class Registry;
}

// What the operator's read-only commands (positions, orders, signals) share: a database
// connection and the venues' REST clients of their own, built like the daemon's venue stacks but
// never started (no stream, no lock, no write). Everything runs on one io_context, one awaitable at
// a time, from the command's thread.
namespace tradebot::app::commands {

// Exit codes of the read commands (docs/OPERATIONS.md), next to operator_command.hpp's.
inline constexpr int exit_read_partial = 1;  // a source (database, a venue) could not be read
inline constexpr int exit_mismatch = 5;      // positions: a row disagrees with its venue

class read_session {
public:
    explicit read_session(const config::settings& s);
    ~read_session();
    read_session(const read_session&) = delete;
    read_session& operator=(const read_session&) = delete;

    [[nodiscard]] const config::settings& settings() const noexcept { return settings_; }
    [[nodiscard]] db::database& database() noexcept { return database_; }
    [[nodiscard]] const core::clock& clock() const noexcept { return clock_; }

    struct venue {
        core::exchange_id id = core::exchange_id::binance;
        exchange::venue_client* client = nullptr;
        std::string error;  // set when it could not be built or its instruments not loaded
        std::vector<exchange::instrument_rules> instruments;
    };
    // Builds the enabled venues (only `only` when set) and loads their instruments; a venue that
    // fails keeps its error. Empty when `only` names a venue this configuration does not enable.
    std::vector<venue>& open_venues(const std::optional<std::string>& only);

    // Runs `a` to completion and returns its value (a venue client may keep timers: the loop is
    // stopped when `a` is done rather than left to run dry).
    // An exception out of `a` (none is expected: reads answer errors) is rethrown here, to main.
    template <class T>
    T run(boost::asio::awaitable<T> a) {
        std::optional<T> value;
        std::exception_ptr failure;
        io_.restart();
        boost::asio::co_spawn(io_, std::move(a), [this, &value, &failure](const std::exception_ptr& e, T v) {
            failure = e;
            if (!e) {
                value = std::move(v);
            }
            io_.stop();
        });
        io_.run();
        if (failure || !value) {
            std::rethrow_exception(failure ? failure : std::make_exception_ptr(std::runtime_error{"read interrupted"}));
        }
        return std::move(*value);
    }

    // A read-only query whose one row and column is JSON (json_agg of the rows): the rows as JSON
    // objects, every numeric as its exact text. nullopt with `error` set on failure.
    std::optional<boost::json::array> query_rows(std::string sql, std::vector<std::string> params, std::string& error);

private:
    struct stack_holder;

    const config::settings& settings_;
    boost::asio::io_context io_;
    core::system_clock clock_;
    std::unique_ptr<prometheus::Registry> registry_;
    db::database database_;
    std::vector<std::unique_ptr<stack_holder>> stacks_;
    std::vector<venue> venues_;
    bool opened_ = false;
};

// --since as SQL: the expression (with the placeholder `$S`, to be numbered by the caller) and the
// parameter's value: "24h" -> {"now() - $S::interval", "24 hours"}, a date -> {"$S::timestamptz", date}.
[[nodiscard]] std::pair<std::string, std::string> since_sql(const std::string& text);

// "database: <detail>", with the fix when the schema has no tables yet.
[[nodiscard]] std::string database_failure(const std::string& detail);

// 2026-01-31T12:00:00Z
[[nodiscard]] std::string iso_time(core::clock::time_point t);
// 2h05m, 3d04h, 45s
[[nodiscard]] std::string age_text(std::chrono::seconds age);
// Ends a read command: sets answer["errors"] and answer["ok"], then prints the answer as is with
// --json, or through `render` followed by one line per error on `err`. True when nothing failed.
bool finish_read(boost::json::object& answer, const std::vector<std::string>& errors, bool json,
                 const std::function<void(const boost::json::object&)>& render, std::ostream& out, std::ostream& err);
// Columns padded to their widest cell, two spaces apart.
void print_table(
    std::ostream& out, const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows
);

}  // namespace tradebot::app::commands
