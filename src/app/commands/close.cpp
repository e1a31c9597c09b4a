// tradebot close SYMBOL | --all [--exchange NAME] [--yes]: the emergency close.
#include <ostream>

#include "app/commands/operator_command.hpp"
#include "app/commands/operator_commands.hpp"
#include "app/commands/render.hpp"

namespace tradebot::app::commands {

namespace {

void render_close(const boost::json::object& a, std::ostream& out) {
    const auto& positions = rows(a, "positions");
    out << "close (" << via(a) << "):\n";
    if (positions.empty()) {
        out << "  no open position\n";
    }
    for (const auto& r : positions) {
        const auto& p = r.as_object();
        out << "  " << field(p, "exchange") << ' ' << field(p, "symbol") << " position " << field(p, "position_id")
            << ": " << (truth(p, "closed") ? "closed (manual_close), flat on the venue" : "NOT closed")
            << ", orders cancelled " << field(p, "orders_cancelled") << ", stops cancelled "
            << field(p, "stops_cancelled");
        if (p.contains("error")) {
            out << " - " << field(p, "error");
        }
        out << '\n';
    }
    for (const auto& r : rows(a, "leftovers")) {
        const auto& o = r.as_object();
        out << "  leftover " << field(o, "kind") << ' ' << field(o, "exchange") << ' ' << field(o, "symbol") << ' '
            << field(o, "client_id") << (truth(o, "cancelled") ? " cancelled" : " NOT cancelled") << '\n';
    }
    out << (truth(a, "ok") ? "close: done\n" : "close: FAILED\n");
}

}  // namespace

int run_close(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err) {
    operator_request request;
    request.action = "close";
    std::string what = cl.op.all ? std::string{"ALL open positions"} : "the position of " + *cl.op.symbol;
    if (cl.op.all) {
        request.args["all"] = true;
    } else {
        request.args["symbol"] = *cl.op.symbol;
    }
    if (cl.op.exchange) {
        request.args["exchange"] = *cl.op.exchange;
        what += " on " + *cl.op.exchange;
    }
    const std::string question = "Close " + what + " at market and cancel their orders?";
    return run_operator(s, cl, std::move(request), question, render_close, out, err);
}

}  // namespace tradebot::app::commands
