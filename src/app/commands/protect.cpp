// tradebot protect [--exchange NAME]: one live stop on every open position.
#include <ostream>

#include "app/commands/operator_command.hpp"
#include "app/commands/operator_commands.hpp"
#include "app/commands/render.hpp"

namespace tradebot::app::commands {

namespace {

void render_protect(const boost::json::object& a, std::ostream& out) {
    const auto& positions = rows(a, "positions");
    out << "protect (" << via(a) << "):\n";
    if (positions.empty()) {
        out << "  no open position\n";
    }
    for (const auto& r : positions) {
        const auto& p = r.as_object();
        out << "  " << field(p, "exchange") << ' ' << field(p, "symbol") << " position " << field(p, "position_id")
            << ": stop " << field(p, "stop_price")
            << (truth(p, "stop_on_venue") ? " (live on the venue)" : " NOT ON THE VENUE") << '\n';
    }
    out << (truth(a, "ok") ? "protect: every position has a live stop\n" : "protect: FAILED\n");
}

}  // namespace

int run_protect(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err) {
    operator_request request;
    request.action = "protect";
    if (cl.op.exchange) {
        request.args["exchange"] = *cl.op.exchange;
    }
    // Not destructive: it only places missing stops (and closes a position whose stop cannot be
    // placed, as the daemon itself would at its next pass).
    return run_operator(s, cl, std::move(request), std::nullopt, render_protect, out, err);
}

}  // namespace tradebot::app::commands
