#include "tradebot/net/http_server.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>

#include "net/http_server_impl.hpp"

namespace tradebot::net {

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

server_core_options core_options(const http_server_options& options) {
    return {.address = options.address,
            .port = options.port,
            .max_connections = options.max_connections,
            .max_connections_per_client = options.max_connections_per_client,
            .backlog = options.backlog};
}

}  // namespace

std::string_view http_request::path() const noexcept {
    const std::string_view t{target};
    return t.substr(0, t.find('?'));
}

std::optional<std::string_view> http_request::header(std::string_view name) const noexcept {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) {
            return std::string_view{value};
        }
    }
    return std::nullopt;
}

http_server::impl::impl(boost::asio::io_context& io, http_server_options opts, handler on_request)
    : server_core{io, core_options(opts)}, options_{std::move(opts)}, handler_{std::move(on_request)} {}

http_response http_server::impl::call_handler(const http_request& request) {
    const std::shared_lock lock{handler_mutex_};
    if (!handler_) {
        return {.status = 503, .content_type = "text/plain; charset=utf-8", .body = "shutting down\n", .headers = {}};
    }
    try {
        return handler_(request);
    } catch (...) {
        // The handler's failure stays with this request; the connection loop keeps running.
        return {.status = 500, .content_type = "text/plain; charset=utf-8", .body = "internal error\n", .headers = {}};
    }
}

http_server::http_server(boost::asio::io_context& io, http_server_options options, handler on_request)
    : impl_{std::make_shared<impl>(io, std::move(options), std::move(on_request))} {}

http_server::~http_server() {
    stop();
    const std::unique_lock lock{impl_->handler_mutex_};
    impl_->handler_ = nullptr;
}

boost::system::error_code http_server::start() { return impl_->start(); }

void http_server::stop() { impl_->stop(); }

http_endpoint http_server::local_endpoint() const { return impl_->local_endpoint(); }

std::size_t http_server::connection_count() const { return impl_->connection_count(); }

http_server_stats http_server::stats() const { return impl_->stats(); }

}  // namespace tradebot::net
