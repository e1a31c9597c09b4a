#include "app/commands/read_session.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <ostream>

#include <boost/json.hpp>

#include <pqxx/pqxx>
#include <prometheus/registry.h>

#include "tradebot/events/router.hpp"

#include "app/option_mapping.hpp"
#include "app/venue_stack.hpp"

namespace tradebot::app::commands {

namespace asio = boost::asio;
namespace json = boost::json;

struct read_session::stack_holder {
    explicit stack_holder(prometheus::Registry& r) : router{r} {}
    events::router router;
    std::unique_ptr<venue_stack> stack;
};

namespace {

asio::awaitable<std::string> load(exchange::venue_client& c, std::vector<exchange::instrument_rules>& out) {
    auto loaded = co_await c.load_instruments();
    if (!loaded) {
        co_return "instruments unavailable: " + loaded.error().describe();
    }
    out = std::move(*loaded);
    co_return std::string{};
}

}  // namespace

read_session::read_session(const config::settings& s)
    : settings_{s},
      registry_{std::make_unique<prometheus::Registry>()},
      database_{database_options(s, "tradebot-cli")} {}

read_session::~read_session() {
    for (auto& h : stacks_) {
        if (h->stack) {
            h->stack->stop();
        }
    }
    io_.restart();
    io_.poll();  // let the stopped stacks close what they opened
    stacks_.clear();
    database_.stop();
}

std::vector<read_session::venue>& read_session::open_venues(const std::optional<std::string>& only) {
    if (opened_) {
        return venues_;
    }
    opened_ = true;
    for (const auto id : {core::exchange_id::binance, core::exchange_id::bybit}) {
        const auto& es = settings_.exchange(id);
        if (!es.enabled || (only && *only != core::to_string(id))) {
            continue;
        }
        venue v;
        v.id = id;
        auto holder = std::make_unique<stack_holder>(*registry_);
        // No private stream: a read command only asks REST.
        holder->stack = venue_stack::create(io_, clock_, holder->router, *registry_, id, es, false, v.error);
        if (holder->stack) {
            v.client = &holder->stack->client();
            v.error = run(load(*v.client, v.instruments));
        }
        stacks_.push_back(std::move(holder));
        venues_.push_back(std::move(v));
    }
    return venues_;
}

std::optional<json::array> read_session::query_rows(
    std::string sql, std::vector<std::string> params, std::string& error
) {
    auto job = [sql = "SELECT coalesce(json_agg(r), '[]'::json)::text FROM (" + sql + ") r",
                params = std::move(params)](pqxx::connection_base& conn) {
        pqxx::read_transaction tx{conn};
        return tx.exec_params1(sql, pqxx::prepare::make_dynamic_params(params))[0].as<std::string>();
    };
    auto body = [](db::database& database, decltype(job) j) -> asio::awaitable<db::result<std::string>> {
        auto r = co_await database.run(std::move(j));
        co_return r;
    };
    auto text = run(body(database_, std::move(job)));
    if (!text) {
        error = database_failure(text.error().describe());
        return std::nullopt;
    }
    boost::system::error_code ec;
    auto parsed = json::parse(*text, ec);
    if (ec || !parsed.is_array()) {
        error = "database: the query did not answer a JSON array";
        return std::nullopt;
    }
    return std::move(parsed.as_array());
}

std::string database_failure(const std::string& detail) {
    // undefined_table: a read command never migrates, so a fresh schema is empty.
    const bool no_tables = detail.find("42P01") != std::string::npos;
    return "database: " + detail + (no_tables ? " (no tables in the schema yet: run 'tradebot db migrate')" : "");
}

std::pair<std::string, std::string> since_sql(const std::string& text) {
    const char unit = text.empty() ? 'h' : text.back();
    if (unit == 'm' || unit == 'h' || unit == 'd') {
        const auto n = text.substr(0, text.size() - 1);
        return {"now() - $S::interval", n + (unit == 'm' ? " minutes" : unit == 'h' ? " hours" : " days")};
    }
    return {"$S::timestamptz", text};
}

std::string iso_time(core::clock::time_point t) {
    const auto secs = std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(t));
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char buf[32];
    const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string{buf, n};
}

bool finish_read(boost::json::object& answer, const std::vector<std::string>& errors, bool json,
                 const std::function<void(const boost::json::object&)>& render, std::ostream& out, std::ostream& err) {
    boost::json::array error_list;
    for (const auto& e : errors) {
        error_list.push_back(boost::json::value(e));
    }
    answer["errors"] = std::move(error_list);
    answer["ok"] = errors.empty();
    if (json) {
        out << boost::json::serialize(answer) << '\n';
    } else {
        render(answer);
        for (const auto& e : errors) {
            err << "tradebot: " << e << '\n';
        }
    }
    return errors.empty();
}

std::string age_text(std::chrono::seconds age) {
    const bool negative = age.count() < 0;
    auto s = negative ? -age.count() : age.count();
    const auto d = s / 86400;
    const auto h = s % 86400 / 3600;
    const auto m = s % 3600 / 60;
    char buf[48];
    if (d > 0) {
        std::snprintf(buf, sizeof buf, "%lldd%02lldh", static_cast<long long>(d), static_cast<long long>(h));
    } else if (h > 0) {
        std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(h), static_cast<long long>(m));
    } else if (m > 0) {
        std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(m), static_cast<long long>(s % 60));
    } else {
        std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
    }
    return (negative ? "-" : "") + std::string{buf};
}

void print_table(
    std::ostream& out, const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows
) {
    std::vector<std::size_t> width(header.size());
    for (std::size_t i = 0; i < header.size(); ++i) {
        width[i] = header[i].size();
        for (const auto& r : rows) {
            width[i] = std::max(width[i], i < r.size() ? r[i].size() : 0);
        }
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string text;
        for (std::size_t i = 0; i < header.size(); ++i) {
            const auto& c = i < cells.size() ? cells[i] : std::string{};
            text += c;
            if (i + 1 < header.size()) {
                text += std::string(width[i] - c.size() + 2, ' ');
            }
        }
        while (!text.empty() && text.back() == ' ') {
            text.pop_back();
        }
        out << text << '\n';
    };
    line(header);
    for (const auto& r : rows) {
        line(r);
    }
}

}  // namespace tradebot::app::commands
