// tradebot sync [--apply] [--exchange NAME] [--yes]: the venue's positions -> the database.
#include <ostream>

#include "app/commands/operator_command.hpp"
#include "app/commands/operator_commands.hpp"
#include "app/commands/render.hpp"

namespace tradebot::app::commands {

namespace {

void print_differences(const boost::json::array& list, std::ostream& out) {
    for (const auto& r : list) {
        const auto& d = r.as_object();
        out << "  " << field(d, "exchange") << ' ' << field(d, "symbol") << ' ' << field(d, "kind")
            << " (position " << field(d, "position_id") << ", db " << field(d, "db") << ", venue " << field(d, "venue")
            << "): " << field(d, "action") << '\n';
    }
}

void render_sync(const boost::json::object& a, std::ostream& out) {
    const auto& before = rows(a, "differences");
    out << "sync (" << via(a) << "): " << before.size() << " difference(s) between the database and the venues\n";
    print_differences(before, out);
    if (!truth(a, "applied")) {
        out << (before.empty() ? "sync: in sync\n" : "sync: dry run; run 'tradebot sync --apply' to apply\n");
        return;
    }
    const auto& left = rows(a, "remaining");
    if (!left.empty()) {
        out << "after applying, " << left.size() << " remain:\n";
        print_differences(left, out);
    }
    out << (truth(a, "ok") ? "sync: applied, in sync\n" : "sync: FAILED\n");
}

}  // namespace

int run_sync(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err) {
    operator_request request;
    request.action = "sync";
    request.args["apply"] = cl.op.apply;
    if (cl.op.exchange) {
        request.args["exchange"] = *cl.op.exchange;
    }
    std::optional<std::string> question;
    if (cl.op.apply) {
        question = "Apply the venues' positions to the database (adopt unknown positions, record missing ones closed)?";
    }
    return run_operator(s, cl, std::move(request), question, render_sync, out, err);
}

}  // namespace tradebot::app::commands
