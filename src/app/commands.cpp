#include "tradebot/app/commands.hpp"

#include <ostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "app/option_mapping.hpp"
#include "tradebot/app/process_lock.hpp"
#include "tradebot/db/database.hpp"

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

}  // namespace

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
