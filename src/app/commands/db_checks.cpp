#include "app/commands/db_checks.hpp"

#include <set>

#include <pqxx/pqxx>

#include "tradebot/db/migrations.hpp"

namespace tradebot::app::commands {

namespace {

using applied_versions = std::pair<std::string, std::vector<int>>;

boost::asio::awaitable<db::result<applied_versions>> read_versions(db::database& database) {
    auto r = co_await database.run([](pqxx::connection_base& conn) {
        pqxx::nontransaction tx{conn};
        std::vector<int> versions;
        if (tx.exec("SELECT to_regclass('schema_migrations') IS NOT NULL")[0][0].as<bool>()) {
            for (const auto& row : tx.exec("SELECT version FROM schema_migrations ORDER BY version")) {
                versions.push_back(row[0].as<int>());
            }
        }
        return applied_versions{tx.exec("SHOW server_version")[0][0].as<std::string>(), versions};
    });
    co_return r;
}

}  // namespace

database_state database_findings(read_session& rs, finding_report& report) {
    database_state state;
    const auto& s = rs.settings();
    const auto where = rs.database().redacted_url() + " schema " + s.database.schema;
    auto probe = rs.run(read_versions(rs.database()));
    if (!probe) {
        state.error = probe.error().describe();
        report.add("database", "connection", finding_status::fail, where + ": " + state.error,
                   "check database.url (TRADEBOT_DATABASE_URL), that PostgreSQL runs and accepts this user");
        return state;
    }
    state.reachable = true;
    state.server_version = probe->first;
    report.add("database", "connection", finding_status::ok, where + ", PostgreSQL " + state.server_version);
    const std::set<int> applied(probe->second.begin(), probe->second.end());
    for (const auto& m : db::embedded_migrations()) {
        if (!applied.contains(m.version)) {
            state.pending.push_back(m.version);
        }
    }
    if (state.pending.empty()) {
        report.add("database", "migrations", finding_status::ok, "up to date");
    } else {
        report.add("database", "migrations", finding_status::warn,
                   std::to_string(state.pending.size()) + " pending migration(s)",
                   "'tradebot db migrate' (the daemon also applies them at start)");
    }
    return state;
}

}  // namespace tradebot::app::commands
