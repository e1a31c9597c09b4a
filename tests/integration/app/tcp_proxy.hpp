#pragma once

// A TCP forwarder on loopback that a test can cut: after partition() it neither reads nor writes
// any byte in either direction and keeps every socket open, as a network that drops packets
// silently does (no reset, no FIN): the peers' reads just wait.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace tradebot::test {

class tcp_proxy {
public:
    explicit tcp_proxy(unsigned short target_port) : target_port_{target_port} {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const int one = 1;
        ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener_, 64) != 0) {
            throw std::runtime_error("tcp_proxy: cannot listen");
        }
        socklen_t len = sizeof addr;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        acceptor_ = std::thread{[this] { accept_loop(); }};
    }
    ~tcp_proxy() {
        stop_ = true;
        acceptor_.join();
        const std::lock_guard lock{mutex_};
        for (auto& t : pumps_) {
            t.join();
        }
        for (const int fd : fds_) {
            ::close(fd);
        }
        ::close(listener_);
    }
    tcp_proxy(const tcp_proxy&) = delete;
    tcp_proxy& operator=(const tcp_proxy&) = delete;

    [[nodiscard]] unsigned short port() const noexcept { return port_; }
    void partition() noexcept { cut_ = true; }

private:
    static bool readable(int fd) {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, 50) > 0;
    }

    void accept_loop() {
        while (!stop_) {
            if (!readable(listener_)) {
                continue;
            }
            const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
            if (client < 0) {
                continue;
            }
            const int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in addr{};
            addr.sin_family = AF_INET;
            addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            addr.sin_port = htons(target_port_);
            if (cut_ || ::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
                // Cut off: the connection is accepted and then nothing ever answers.
                const std::lock_guard lock{mutex_};
                fds_.push_back(client);
                fds_.push_back(upstream);
                continue;
            }
            const std::lock_guard lock{mutex_};
            fds_.push_back(client);
            fds_.push_back(upstream);
            pumps_.emplace_back([this, client, upstream] { pump(client, upstream); });
            pumps_.emplace_back([this, client, upstream] { pump(upstream, client); });
        }
    }

    void pump(int from, int to) {
        std::array<char, 16384> buf{};
        while (!stop_) {
            if (cut_) {
                std::this_thread::sleep_for(std::chrono::milliseconds{50});
                continue;
            }
            if (!readable(from)) {
                continue;
            }
            const auto n = ::read(from, buf.data(), buf.size());
            if (n <= 0) {
                ::shutdown(to, SHUT_WR);
                return;
            }
            for (ssize_t done = 0; done < n && !cut_;) {
                const auto w = ::write(to, buf.data() + done, static_cast<std::size_t>(n - done));
                if (w <= 0) {
                    return;
                }
                done += w;
            }
        }
    }

    unsigned short target_port_;
    unsigned short port_ = 0;
    int listener_ = -1;
    std::atomic<bool> stop_{false};
    std::atomic<bool> cut_{false};
    std::thread acceptor_;
    std::mutex mutex_;
    std::vector<std::thread> pumps_;
    std::vector<int> fds_;
};

}  // namespace tradebot::test
