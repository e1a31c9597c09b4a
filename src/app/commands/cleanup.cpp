// tradebot cleanup [--older-than DAYS] [--yes]: retention of the audit log and finished rows.
//
// Runs straight against the database whether or not a daemon runs: it deletes only rows the
// trading core never reads or writes again (events, finished orders of finished positions, decided
// signals no position refers to), so it cannot race the daemon. Positions and trades are kept:
// they are the trade history `tradebot report` and the daily-loss limit read.
#include <ostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "app/commands/operator_command.hpp"
#include "app/commands/operator_commands.hpp"
#include "app/option_mapping.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot/db/transaction.hpp"

namespace tradebot::app::commands {

namespace asio = boost::asio;

namespace {

constexpr int default_retention_days = 30;

struct cleanup_counts {
    long events = 0;
    long orders = 0;
    long signals = 0;
};

asio::awaitable<void> delete_old(db::database& database, int days, cleanup_counts& counts, std::string& error) {
    auto job = [days](pqxx::connection_base& conn) {
        pqxx::work tx{conn};
        cleanup_counts c;
        const std::string cutoff = "now() - make_interval(days => " + std::to_string(days) + ")";
        c.events = static_cast<long>(tx.exec("DELETE FROM events WHERE ts < " + cutoff).affected_rows());
        c.orders = static_cast<long>(
            tx.exec("DELETE FROM orders o WHERE o.updated_at < " + cutoff +
                    " AND o.status IN ('filled', 'canceled', 'rejected', 'expired')"
                    " AND NOT EXISTS (SELECT 1 FROM trades t WHERE t.order_id = o.id)"
                    " AND (o.position_id IS NULL OR EXISTS (SELECT 1 FROM positions p WHERE p.id = o.position_id"
                    " AND p.state IN ('closed', 'failed')))")
                .affected_rows());
        c.signals = static_cast<long>(
            tx.exec("DELETE FROM signals s WHERE s.received_at < " + cutoff +
                    " AND s.status IN ('skipped', 'rejected', 'failed', 'expired')"
                    " AND NOT EXISTS (SELECT 1 FROM positions p WHERE p.signal_id = s.id)")
                .affected_rows());
        tx.commit();
        return c;
    };
    auto done = co_await database.run(std::move(job));
    if (!done) {
        error = done.error().describe();
        co_return;
    }
    counts = *done;
}

}  // namespace

int run_cleanup(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err) {
    const int days = cl.op.older_than_days.value_or(default_retention_days);
    const std::string question = "Delete events, finished orders and decided signals older than " +
                                 std::to_string(days) + " day(s)? Positions and trades are kept.";
    if (!confirmed(question, cl, err)) {
        err << "tradebot: not confirmed; nothing was done\n";
        return exit_not_confirmed;
    }
    db::database database{database_options(s, "tradebot-cli")};
    cleanup_counts counts;
    std::string error;
    {
        asio::io_context io;
        asio::co_spawn(io, delete_old(database, days, counts, error), asio::detached);
        io.run();
    }
    database.stop();
    const bool ok = error.empty();
    if (ok) {
        std::string audit_error;
        if (!write_audit(s, "operator_command", "cleanup done",
                         {{"action", "cleanup"}, {"older_than_days", std::to_string(days)},
                          {"events", std::to_string(counts.events)}, {"orders", std::to_string(counts.orders)},
                          {"signals", std::to_string(counts.signals)}},
                         audit_error)) {
            err << "tradebot: cleanup done, but its audit row was not written: " << audit_error << '\n';
        }
    }
    if (cl.json) {
        boost::json::object o{{"action", "cleanup"}, {"via", "direct"}, {"ok", ok}, {"older_than_days", days}};
        if (ok) {
            o["deleted"] = boost::json::object{{"events", counts.events}, {"orders", counts.orders}, {"signals", counts.signals}};
        } else {
            o["error"] = error;
        }
        out << boost::json::serialize(o) << '\n';
    } else if (ok) {
        out << "cleanup: deleted " << counts.events << " event(s), " << counts.orders << " finished order(s), "
            << counts.signals << " decided signal(s) older than " << days << " day(s)\n";
    } else {
        err << "tradebot: cleanup FAILED: " << error << '\n';
    }
    return ok ? exit_ok : exit_failed;
}

}  // namespace tradebot::app::commands
