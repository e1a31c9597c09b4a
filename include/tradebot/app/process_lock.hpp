#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

#include <boost/system/result.hpp>

namespace tradebot::app {

// Single-instance guard: an flock(2) on a pid file. The kernel drops the lock when the process
// dies, so a crash never leaves a stale lock behind (the original bot's pid-file check did).
class process_lock {
public:
    process_lock(process_lock&& other) noexcept;
    process_lock& operator=(process_lock&&) = delete;
    process_lock(const process_lock&) = delete;
    process_lock& operator=(const process_lock&) = delete;
    ~process_lock();

    // Takes the lock and writes our pid, or fails with errc::resource_unavailable_try_again
    // when another process holds it (holder_pid() then names it).
    static boost::system::result<process_lock> acquire(const std::filesystem::path& pid_file);

    // The pid of the process holding the lock, if any; does not take the lock.
    static std::optional<pid_t> holder_pid(const std::filesystem::path& pid_file);

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
    process_lock(int fd, std::filesystem::path path) noexcept : fd_{fd}, path_{std::move(path)} {}

    int fd_ = -1;
    std::filesystem::path path_;
};

}  // namespace tradebot::app
