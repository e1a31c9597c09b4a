// tradebot status [--json]: the running instance's /status (http.port of the configuration),
// pretty-printed. Read only, no token: /status holds no secret. Exit 4 when no instance runs or it
// does not answer.
#include <ostream>

#include <boost/json.hpp>

#include "tradebot/app/process_lock.hpp"

#include "app/commands/operator_command.hpp"
#include "app/commands/read_commands.hpp"

namespace tradebot::app::commands {

namespace json = boost::json;

namespace {

constexpr std::chrono::seconds status_timeout{10};

// Nested objects as indented "key: value" lines; arrays of objects as "- " items.
void pretty(const json::value& v, int indent, std::ostream& out) {
    const std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
    if (v.is_object()) {
        for (const auto& [k, x] : v.as_object()) {
            if (x.is_structured() && !(x.is_array() && x.as_array().empty()) &&
                !(x.is_object() && x.as_object().empty())) {
                out << pad << std::string_view{k} << ":\n";
                pretty(x, indent + 1, out);
            } else {
                out << pad << std::string_view{k} << ": "
                    << (x.is_string() ? std::string{x.as_string()} : json::serialize(x)) << '\n';
            }
        }
    } else if (v.is_array()) {
        for (const auto& x : v.as_array()) {
            if (x.is_object()) {
                out << pad << "-\n";
                pretty(x, indent + 1, out);
            } else {
                out << pad << "- " << (x.is_string() ? std::string{x.as_string()} : json::serialize(x)) << '\n';
            }
        }
    } else {
        out << pad << (v.is_string() ? std::string{v.as_string()} : json::serialize(v)) << '\n';
    }
}

}  // namespace

int run_status(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err) {
    const auto holder = process_lock::holder_pid(s.app.pid_file);
    if (!holder) {
        err << "tradebot: no tradebot instance is running (no holder of " << s.app.pid_file.string() << ")\n";
        if (cl.json) {
            out << json::serialize(json::object{{"action", "status"}, {"ok", false}, {"running", false}}) << '\n';
        }
        return exit_no_control;
    }
    const std::string host = s.http.bind == "0.0.0.0" || s.http.bind.empty() ? "127.0.0.1"
                             : s.http.bind == "::"                           ? "::1"
                                                                             : s.http.bind;
    const auto reply = get_http(host, s.http.port, "/status", status_timeout);
    boost::system::error_code ec;
    auto parsed = reply.error.empty() ? json::parse(reply.body, ec) : json::value{};
    if (!reply.error.empty() || reply.status != 200 || ec || !parsed.is_object()) {
        err << "tradebot: the running instance (pid " << *holder << ") did not answer /status on " << host << ':'
            << s.http.port << ": "
            << (!reply.error.empty() ? reply.error : "HTTP " + std::to_string(reply.status) + " without a JSON object")
            << '\n';
        if (cl.json) {
            out << json::serialize(json::object{
                       {"action", "status"}, {"ok", false}, {"running", true}, {"pid", *holder}})
                << '\n';
        }
        return exit_no_control;
    }
    if (cl.json) {
        out << json::serialize(parsed) << '\n';
    } else {
        out << "tradebot instance pid " << *holder << ", /status of " << host << ':' << s.http.port << ":\n";
        pretty(parsed, 1, out);
    }
    return exit_ok;
}

}  // namespace tradebot::app::commands
