#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

// `tradebot keys generate|encrypt|decrypt|rotate`: the operator's side of secrets at rest
// (secrets/sealed_value.hpp, docs/OPERATIONS.md "Keys at rest"). Secrets go in on stdin, never on
// the command line, where ps and the shell history would keep them.
namespace tradebot::app {

// `args` are the words after "keys"; `env` supplies TRADEBOT_MASTER_KEY_FILE / TRADEBOT_MASTER_KEY
// when --key-file is not given. Exit codes: 0 done, 1 failed (no or bad key, a value that does
// not open, a file that cannot be written), 2 usage error.
[[nodiscard]] int run_keys(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                           std::istream& in, std::ostream& out, std::ostream& err);

[[nodiscard]] std::string keys_usage();

}  // namespace tradebot::app
