#pragma once

#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace tradebot::test {

// The server side of a test: an io_context run by its own thread until destruction. Declare it
// before the server so that the server is destroyed while the io_context still runs.
class io_thread {
public:
    io_thread() : guard_{boost::asio::make_work_guard(io)}, thread_{[this] { io.run(); }} {}
    ~io_thread() {
        guard_.reset();
        io.stop();
        thread_.join();
    }
    io_thread(const io_thread&) = delete;
    io_thread& operator=(const io_thread&) = delete;

    // Returns once everything posted before this call has run (the io_context has one thread).
    void drain() {
        std::promise<void> done;
        boost::asio::post(io, [&done] { done.set_value(); });
        done.get_future().wait();
    }

    boost::asio::io_context io;

private:
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
    std::thread thread_;
};

}  // namespace tradebot::test
