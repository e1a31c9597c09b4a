#pragma once

// The exit codes every `tradebot` command shares (docs/OPERATIONS.md); a command's own codes
// (3 not confirmed, 4 daemon unreachable, 5 mismatch) live beside that command.
namespace tradebot::app {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;  // the action failed or was done only in part
inline constexpr int exit_usage = 2;   // usage, configuration or input error

}  // namespace tradebot::app
