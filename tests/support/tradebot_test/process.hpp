#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tradebot::test {

// A child process (e.g. the tradebot binary) whose stdout and stderr go to a file.
// Integration tests of whole processes must wait on real time; they poll with a deadline.
class child_process {
public:
    child_process(const std::filesystem::path& exe, const std::vector<std::string>& args,
                  const std::filesystem::path& output_file);
    ~child_process();  // SIGKILLs a child that is still running
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    [[nodiscard]] pid_t pid() const noexcept { return pid_; }
    void send_signal(int sig) const;
    // The exit code (or 128 + signal) once the child ends, nullopt if still running at the deadline.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);
    [[nodiscard]] std::string output() const;
    // Polls output() until it contains `needle`; false at the deadline or when the child died.
    bool wait_output(const std::string& needle, std::chrono::milliseconds timeout);

private:
    pid_t pid_ = -1;
    std::optional<int> exit_code_;
    std::filesystem::path output_file_;
};

// Runs a shell command, returns {exit code, combined stdout+stderr}.
std::pair<int, std::string> run_shell(const std::string& command);

// The path of a binary built by this CMake tree, e.g. built_binary("src/bin/tradebot").
std::filesystem::path built_binary(const std::string& relative);

// A TCP port on 127.0.0.1 that was free a moment ago.
unsigned short free_port();

}  // namespace tradebot::test
