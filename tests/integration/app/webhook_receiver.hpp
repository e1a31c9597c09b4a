#pragma once

// A local stand-in for Discord's or Telegram's webhook endpoint: the project's own HTTP server on
// a thread of its own, answering each POST with the next status of a script (then 200), and
// keeping every request it got with the status it answered.
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "tradebot/net/http_server.hpp"

namespace tradebot::test {

class webhook_receiver {
public:
    struct received {
        std::string target;
        std::string body;
        unsigned answered = 0;
    };

    explicit webhook_receiver(std::deque<unsigned> script = {})
        : script_{std::move(script)}, server_{io_, net::http_server_options{}, [this](const net::http_request& r) {
                                                  return on_request(r);
                                              }} {
        if (server_.start()) {
            return;
        }
        thread_ = std::thread{[this] { io_.run(); }};
    }
    ~webhook_receiver() {
        server_.stop();
        work_.reset();
        io_.stop();
        if (thread_.joinable()) {
            thread_.join();
        }
    }
    webhook_receiver(const webhook_receiver&) = delete;
    webhook_receiver& operator=(const webhook_receiver&) = delete;

    [[nodiscard]] unsigned short port() const { return server_.local_endpoint().port; }
    [[nodiscard]] std::vector<received> requests() const {
        const std::lock_guard lock{mutex_};
        return requests_;
    }
    // The bodies answered 2xx, in arrival order.
    [[nodiscard]] std::vector<std::string> accepted() const {
        std::vector<std::string> out;
        for (const auto& r : requests()) {
            if (r.answered >= 200 && r.answered < 300) {
                out.push_back(r.body);
            }
        }
        return out;
    }
    // Waits until an accepted body contains `needle`.
    bool wait_accepted(const std::string& needle, std::chrono::milliseconds timeout) const {
        using namespace std::chrono_literals;
        for (auto waited = 0ms; waited < timeout; waited += 50ms) {
            for (const auto& b : accepted()) {
                if (b.find(needle) != std::string::npos) {
                    return true;
                }
            }
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }

private:
    net::http_response on_request(const net::http_request& r) {
        const std::lock_guard lock{mutex_};
        unsigned status = 200;
        if (!script_.empty()) {
            status = script_.front();
            script_.pop_front();
        }
        requests_.push_back(received{r.target, r.body, status});
        net::http_response out;
        out.status = status;
        out.content_type = "application/json";
        out.body = status == 200 ? R"({"ok":true})" : R"({"ok":false})";
        return out;
    }

    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
    mutable std::mutex mutex_;
    std::deque<unsigned> script_;
    std::vector<received> requests_;
    net::http_server server_;
    std::thread thread_;
};

}  // namespace tradebot::test
