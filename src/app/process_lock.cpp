#include "tradebot/app/process_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string>

namespace tradebot::app {
namespace {

boost::system::error_code last_error() { return {errno, boost::system::system_category()}; }

std::optional<pid_t> read_pid(int fd) {
    char buf[32] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) {
        return std::nullopt;
    }
    pid_t pid = 0;
    const auto [ptr, ec] = std::from_chars(buf, buf + n, pid);
    if (ec != std::errc{} || pid <= 0) {
        return std::nullopt;
    }
    return pid;
}

}  // namespace

process_lock::process_lock(process_lock&& other) noexcept : fd_{other.fd_}, path_{std::move(other.path_)} {
    other.fd_ = -1;
}

process_lock::~process_lock() {
    if (fd_ >= 0) {
        // Empty the file before unlocking so that a reader never sees our pid as a live holder.
        [[maybe_unused]] const int rc = ::ftruncate(fd_, 0);
        ::flock(fd_, LOCK_UN);
        ::close(fd_);
    }
}

boost::system::result<process_lock> process_lock::acquire(const std::filesystem::path& pid_file) {
    std::error_code dir_ec;
    if (pid_file.has_parent_path()) {
        std::filesystem::create_directories(pid_file.parent_path(), dir_ec);
    }
    const int fd = ::open(pid_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        return last_error();
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const auto ec = errno == EWOULDBLOCK ? boost::system::error_code{EAGAIN, boost::system::system_category()}
                                             : last_error();
        ::close(fd);
        return ec;
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
        const auto ec = last_error();
        ::close(fd);
        return ec;
    }
    return process_lock{fd, pid_file};
}

std::optional<pid_t> process_lock::holder_pid(const std::filesystem::path& pid_file) {
    const int fd = ::open(pid_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return std::nullopt;
    }
    std::optional<pid_t> holder;
    // A shared lock succeeds only when nobody holds the exclusive one.
    if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
        ::flock(fd, LOCK_UN);
    } else {
        holder = read_pid(fd);
        if (!holder) {
            holder = 0;  // locked, but the holder has not written its pid yet
        }
    }
    ::close(fd);
    return holder;
}

}  // namespace tradebot::app
