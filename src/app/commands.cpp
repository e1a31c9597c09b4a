#include "tradebot/app/commands.hpp"

#include <ostream>
#include <set>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "app/option_mapping.hpp"
#include "tradebot/app/process_lock.hpp"
#include "tradebot/config/dump.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot/db/migrations.hpp"
#include "tradebot/db/transaction.hpp"

namespace tradebot::app {
namespace asio = boost::asio;

namespace {

// Runs one coroutine to completion on a private io_context; for one-shot commands only.
template <class T>
T run_sync(asio::awaitable<T> task) {
    asio::io_context io;
    std::optional<T> value;
    std::exception_ptr error;
    asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T v) {
        error = e;
        if (!e) {
            value.emplace(std::move(v));
        }
    });
    io.run();
    if (error) {
        std::rethrow_exception(error);
    }
    return std::move(*value);
}

struct db_report {
    bool reachable = false;
    std::string error;
    std::string server_version;
    std::vector<int> applied;
};

asio::awaitable<db_report> probe_database(db::database& database) {
    db_report report;
    auto probe = co_await database.run([](pqxx::connection_base& conn) {
        pqxx::nontransaction tx{conn};
        std::vector<int> versions;
        const auto exists = tx.exec("SELECT to_regclass('schema_migrations') IS NOT NULL")[0][0].as<bool>();
        if (exists) {
            for (const auto& row : tx.exec("SELECT version FROM schema_migrations ORDER BY version")) {
                versions.push_back(row[0].as<int>());
            }
        }
        return std::pair{tx.exec("SHOW server_version")[0][0].as<std::string>(), versions};
    });
    if (!probe) {
        report.error = probe.error().describe();
        co_return report;
    }
    report.reachable = true;
    report.server_version = probe->first;
    report.applied = probe->second;
    co_return report;
}

}  // namespace

int run_check(const config::settings& s, const command_line& cl, std::ostream& out) {
    db::database database{database_options(s)};
    const db_report report = run_sync(probe_database(database));
    database.stop();

    std::set<int> applied(report.applied.begin(), report.applied.end());
    std::vector<int> pending;
    for (const auto& m : db::embedded_migrations()) {
        if (applied.count(m.version) == 0) {
            pending.push_back(m.version);
        }
    }
    const bool ok = report.reachable;
    if (cl.json) {
        boost::json::object o;
        o["config"] = "ok";
        o["config_dir"] = cl.config_dir.string();
        o["mode"] = std::string{core::to_string(s.app.mode)};
        boost::json::object dbj;
        dbj["url"] = database.redacted_url();
        dbj["schema"] = s.database.schema;
        dbj["reachable"] = report.reachable;
        if (!report.reachable) {
            dbj["error"] = report.error;
        } else {
            dbj["server_version"] = report.server_version;
            dbj["pending_migrations"] = boost::json::value_from(pending);
        }
        o["database"] = std::move(dbj);
        o["ok"] = ok;
        out << boost::json::serialize(o) << '\n';
    } else {
        out << "configuration: ok (" << cl.config_dir.string() << ")\n"
            << config::dump(s) << "\n"
            << "database: " << database.redacted_url() << " schema " << s.database.schema << '\n';
        if (report.reachable) {
            out << "database: reachable, PostgreSQL " << report.server_version << ", " << pending.size()
                << " pending migration(s)" << (pending.empty() ? "" : " (applied at start or by 'tradebot db migrate')")
                << '\n';
        } else {
            out << "database: NOT reachable: " << report.error << '\n';
        }
        out << (ok ? "check: ok\n" : "check: FAILED\n");
    }
    return ok ? 0 : 1;
}

int run_db_migrate(const config::settings& s, std::ostream& out) {
    db::database database{database_options(s)};
    auto applied = run_sync(database.migrate());
    database.stop();
    if (!applied) {
        out << "db migrate: FAILED: " << applied.error().describe() << '\n';
        return 1;
    }
    if (applied->empty()) {
        out << "db migrate: schema " << s.database.schema << " is up to date\n";
    }
    for (const auto& m : *applied) {
        out << "db migrate: applied " << m.version << ' ' << m.name << '\n';
    }
    return 0;
}

int run_check_instances(const config::settings& s, const command_line& cl, std::ostream& out) {
    const auto holder = process_lock::holder_pid(s.app.pid_file);
    if (cl.json) {
        boost::json::object o;
        o["pid_file"] = s.app.pid_file.string();
        o["running"] = holder.has_value();
        if (holder) {
            o["pid"] = *holder;
        }
        out << boost::json::serialize(o) << '\n';
    } else if (holder) {
        out << "tradebot is running (pid " << *holder << ", lock " << s.app.pid_file.string() << ")\n";
    } else {
        out << "no tradebot instance is running (lock " << s.app.pid_file.string() << " is free)\n";
    }
    return holder ? 1 : 0;
}

}  // namespace tradebot::app
