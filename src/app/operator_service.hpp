#pragma once

#include <functional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "tradebot/net/http_server.hpp"

namespace tradebot::app {

class trading_runtime;

// One operator command as the control endpoint carries it and the one-shot command runs it:
// action is close | protect | sync | zombies | duplicates; args are the command's options
// (symbol, all, exchange, apply, clean, cancel).
struct operator_request {
    std::string action;
    boost::json::object args;
};

[[nodiscard]] boost::json::object to_json(const operator_request& r);
// Fails (returns false) on a body that is not such an object.
[[nodiscard]] bool from_json(std::string_view body, operator_request& out, std::string& error);

// Carries out `request` on the runtime's venues and writes the audit row; runs on the trading
// strand. The answer is the command's --json output: {"action", "via", "ok", ...}; `via` says who
// acted ("daemon" or "direct"). Never throws for a bad request: ok=false with "error".
[[nodiscard]] boost::asio::awaitable<boost::json::object> perform(trading_runtime& runtime, operator_request request,
                                                                  std::string via);

// Carries out an operator command for the control endpoint: perform()'s answer, or a refusal
// with "not_ready": true when the daemon cannot act now.
using command_runner = std::function<boost::asio::awaitable<boost::json::object>(operator_request)>;

// The control endpoint's answer (token already checked): POST /v1/command with an
// operator_request body, carried out by `run`; 404 for another path, 405 for another method, 400
// for a body that is not a request, 503 when `run` refused it as not_ready.
[[nodiscard]] boost::asio::awaitable<net::http_response> answer_control(net::http_request request,
                                                                        const command_runner& run);

}  // namespace tradebot::app
