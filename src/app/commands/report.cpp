// tradebot report [--since DATE] [--until DATE] [--exchange NAME] [--format text|json|csv|html]
//                 [--output FILE]
#include "app/commands/report.hpp"

#include <fstream>
#include <ostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "app/commands/operator_command.hpp"
#include "app/option_mapping.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot/db/trade_history.hpp"
#include "tradebot/report/render.hpp"

namespace tradebot::app::commands {

namespace asio = boost::asio;

namespace {

asio::awaitable<void> read_history(db::database& database, db::history_filter filter,
                                   std::vector<db::closed_position_row>& rows, std::string& error) {
    db::trade_history history{database};
    auto read = co_await history.closed_positions(std::move(filter));
    if (!read) {
        error = read.error().describe();
        co_return;
    }
    rows = std::move(*read);
}

report::closed_position to_report(const db::closed_position_row& r) {
    report::closed_position p;
    p.id = r.id;
    p.exchange = r.exchange;
    p.symbol = r.symbol.str();
    p.side = r.side;
    p.quantity = r.quantity;
    p.entry_price = r.entry_price;
    p.exit_price = r.exit_price;
    p.opened_at = r.opened_at;
    p.closed_at = r.closed_at;
    p.close_reason = r.close_reason;
    p.gross_pnl = r.gross_pnl;
    p.fees = r.fees;
    return p;
}

}  // namespace

int run_report(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err) {
    const auto& a = cl.report;
    const auto fmt = report::parse_format(a.format.value_or(cl.json ? "json" : "text"));
    if (!fmt) {
        err << "tradebot: --format must be text, json, csv or html, not '" << *a.format << "'\n";
        return exit_usage;
    }
    db::history_filter filter;
    filter.mode = s.app.mode;
    if (a.since) {
        filter.since = report::parse_bound(*a.since, false);
        if (!filter.since) {
            err << "tradebot: --since must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, not '" << *a.since << "'\n";
            return exit_usage;
        }
    }
    if (a.until) {
        filter.until = report::parse_bound(*a.until, true);
        if (!filter.until) {
            err << "tradebot: --until must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, not '" << *a.until << "'\n";
            return exit_usage;
        }
    }
    if (cl.op.exchange) {
        filter.exchange = core::parse_exchange(*cl.op.exchange);
    }
    db::database database{database_options(s, "tradebot-report")};
    std::vector<db::closed_position_row> rows;
    std::string error;
    {
        asio::io_context io;
        asio::co_spawn(io, read_history(database, filter, rows, error), asio::detached);
        io.run();
    }
    if (!error.empty()) {
        err << "tradebot: cannot read the trade history: " << error << '\n';
        return exit_failed;
    }
    std::vector<report::closed_position> positions;
    positions.reserve(rows.size());
    for (const auto& r : rows) {
        positions.push_back(to_report(r));
    }
    const auto performance = report::compute(std::move(positions), filter.since, filter.until);
    const report::render_options options{std::string{core::to_string(s.app.mode)}, core::system_clock{}.now()};
    const auto text = report::render(performance, *fmt, options);
    if (!a.output) {
        out << text;
        return exit_ok;
    }
    std::ofstream file{*a.output, std::ios::binary | std::ios::trunc};
    file << text;
    file.close();
    if (!file) {
        err << "tradebot: cannot write " << *a.output << '\n';
        return exit_failed;
    }
    out << "report written to " << *a.output << " (" << performance.total.positions << " closed positions)\n";
    return exit_ok;
}

}  // namespace tradebot::app::commands
