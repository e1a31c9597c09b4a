// tradebot orders zombies [--clean] | orders duplicates [--cancel]: stray orders and stops of ours.
#include <ostream>

#include "app/commands/operator_command.hpp"
#include "app/commands/operator_commands.hpp"
#include "app/commands/render.hpp"

namespace tradebot::app::commands {

namespace {

renderer render_strays(std::string title, std::string list_key, std::string act_key) {
    return [title, list_key, act_key](const boost::json::object& a, std::ostream& out) {
        const auto& list = rows(a, list_key);
        const bool acted = truth(a, act_key);
        out << title << " (" << via(a) << "): " << list.size() << " found\n";
        for (const auto& r : list) {
            const auto& o = r.as_object();
            out << "  " << field(o, "exchange") << ' ' << field(o, "symbol") << ' ' << field(o, "kind") << ' '
                << field(o, "client_id") << " trigger " << field(o, "trigger") << ": " << field(o, "reason");
            if (acted) {
                out << (truth(o, "cancelled") ? " - cancelled" : " - NOT cancelled");
            }
            if (o.contains("error")) {
                out << " (" << field(o, "error") << ')';
            }
            out << '\n';
        }
        out << title << ": " << (truth(a, "ok") ? "done" : "FAILED") << '\n';
    };
}

int run_strays(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err,
               bool zombies) {
    operator_request request;
    request.action = zombies ? "zombies" : "duplicates";
    const bool act = zombies ? cl.op.clean : cl.op.cancel;
    request.args[zombies ? "clean" : "cancel"] = act;
    if (cl.op.exchange) {
        request.args["exchange"] = *cl.op.exchange;
    }
    std::optional<std::string> question;
    if (act) {
        question = zombies ? "Cancel every order and stop of ours on a symbol without a position?"
                           : "Cancel the duplicate stops (each position keeps its most protective one)?";
    }
    auto render = zombies ? render_strays("orders zombies", "zombies", "cleaned")
                          : render_strays("orders duplicates", "duplicates", "cancelled");
    return run_operator(s, cl, std::move(request), question, render, out, err);
}

}  // namespace

int run_orders_zombies(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err) {
    return run_strays(s, cl, out, err, true);
}

int run_orders_duplicates(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err) {
    return run_strays(s, cl, out, err, false);
}

}  // namespace tradebot::app::commands
