#include <algorithm>

#include "sim/bybit/handlers.hpp"
#include "sim/bybit/order_lookup.hpp"
#include "sim/bybit/render.hpp"

namespace tradebot::sim::bybit {

namespace {

struct filter {
    std::optional<core::symbol> symbol;
    std::optional<engine::order_id> public_id;
    std::string link;
    std::string order_filter;  // "", Order, StopOrder
    std::optional<std::string> status;
    std::optional<std::int64_t> start;
    std::optional<std::int64_t> end;
    std::size_t limit = 20;
};

struct row {
    engine::time_point created;
    engine::order_id id;
    json::object item;
};

std::optional<outcome> parse_filter(const context& ctx, const request& r, filter& f, std::int64_t max_limit,
                                    std::int64_t default_limit, bool scope_required) {
    if (auto e = check_category(r)) {
        return e;
    }
    if (const auto s = r.text("symbol")) {
        const auto* i = instrument_of(ctx, *s);
        if (i == nullptr) {
            return rejected(engine::reject(engine::reject_reason::unknown_symbol));
        }
        f.symbol = i->symbol;
    } else if (scope_required && !r.has("baseCoin") && !r.has("settleCoin")) {
        return param_error("symbol");  // [U] text; linear needs symbol, baseCoin or settleCoin
    }
    if (r.has("orderId")) {
        const auto id = int_field(r, "orderId");
        if (!id.ok()) {
            return param_error("orderId");
        }
        f.public_id = id.value;
    }
    f.link = r.text("orderLinkId").value_or("");
    f.order_filter = r.text("orderFilter").value_or("");
    if (!f.order_filter.empty() && f.order_filter != "Order" && f.order_filter != "StopOrder" &&
        f.order_filter != "tpslOrder") {
        return param_error("orderFilter");
    }
    f.status = r.text("orderStatus");
    const auto limit = int_field(r, "limit");
    if (limit.invalid() || (limit.ok() && (limit.value < 1 || limit.value > max_limit))) {
        return param_error("limit");
    }
    f.limit = static_cast<std::size_t>(limit.ok() ? limit.value : default_limit);
    const auto st = int_field(r, "startTime");
    const auto en = int_field(r, "endTime");
    if (st.invalid() || en.invalid()) {
        return param_error(st.invalid() ? "startTime" : "endTime");
    }
    f.start = st.ok() ? std::optional{st.value} : std::nullopt;
    f.end = en.ok() ? std::optional{en.value} : std::nullopt;
    return std::nullopt;
}

bool keep(const context& ctx, const filter& f, const core::symbol& s, engine::order_id engine_id,
          engine::time_point created, const json::object& item) {
    if (f.symbol && *f.symbol != s) {
        return false;
    }
    if (f.public_id && ctx.aliases.to_public(engine_id) != *f.public_id) {
        return false;
    }
    if (!f.link.empty() && item.at("orderLinkId").as_string() != f.link) {
        return false;
    }
    if (f.status && item.at("orderStatus").as_string() != *f.status) {
        return false;
    }
    const auto ms = engine::to_ms(created);
    return !(f.start && ms < *f.start) && !(f.end && ms > *f.end);
}

outcome listing(std::vector<row> rows, std::size_t limit) {
    std::sort(rows.begin(), rows.end(),
              [](const row& a, const row& b) { return a.created != b.created ? a.created > b.created : a.id > b.id; });
    json::array list;
    for (auto& r : rows) {
        if (list.size() == limit) {
            break;
        }
        list.push_back(std::move(r.item));
    }
    outcome o;
    o.result = json::object{{"category", "linear"}, {"list", std::move(list)}, {"nextPageCursor", ""}};
    return o;
}

std::vector<row> collect(const context& ctx, const engine::account_id& a, const filter& f, bool open_only,
                         bool closed_only) {
    std::vector<row> rows;
    if (f.order_filter != "StopOrder" && f.order_filter != "tpslOrder") {
        for (const auto& [id, o] : ctx.orders) {
            if (o.account != a || ctx.aliases.hidden.count(id) != 0 || (open_only && !o.is_open()) ||
                (closed_only && o.is_open())) {
                continue;
            }
            auto item = order_json(ctx, o);
            if (keep(ctx, f, o.symbol, id, o.created, item)) {
                rows.push_back(row{o.created, id, std::move(item)});
            }
        }
    }
    if (f.order_filter.empty() || f.order_filter == "StopOrder") {
        for (const auto& [id, c] : ctx.conditionals) {
            if (c.account != a || ctx.aliases.hidden.count(id) != 0 || (open_only && !c.is_open()) ||
                (closed_only && c.is_open())) {
                continue;
            }
            auto item = conditional_json(ctx, c);
            if (keep(ctx, f, c.request.symbol, id, c.created, item)) {
                rows.push_back(row{c.created, id, std::move(item)});
            }
        }
    }
    return rows;
}

}  // namespace

outcome order_realtime(context& ctx, const request& r) {
    filter f;
    if (auto e = parse_filter(ctx, r, f, 50, 20, true)) {
        return *e;
    }
    const auto open_only = int_field(r, "openOnly");
    if (open_only.invalid() || (open_only.ok() && open_only.value != 0 && open_only.value != 1 && open_only.value != 2)) {
        return param_error("openOnly");
    }
    // openOnly=0: open orders (New, PartiallyFilled, Untriggered); 1: recent closed ones.
    const bool closed = open_only.ok() && open_only.value == 1;
    return listing(collect(ctx, r.account, f, !closed, closed), f.limit);
}

outcome order_history(context& ctx, const request& r) {
    filter f;
    if (auto e = parse_filter(ctx, r, f, 50, 20, false)) {
        return *e;
    }
    // [simplification] no 24 h / 7 day retention: every order since start-up is kept.
    return listing(collect(ctx, r.account, f, false, false), f.limit);
}

outcome execution_list(context& ctx, const request& r) {
    filter f;
    if (auto e = parse_filter(ctx, r, f, 100, 50, false)) {
        return *e;
    }
    if (const auto t = r.text("execType"); t && *t != "Trade") {
        f.limit = 0;  // only Trade executions are simulated
    }
    std::vector<row> rows;
    for (const auto& e : ctx.executions) {
        const auto& o = e.fill.record;
        if (o.account != r.account) {
            continue;
        }
        auto item = execution_json(ctx, e, false);
        filter g = f;  // execution/list has no status filter
        g.status.reset();
        if (keep(ctx, g, o.symbol, o.id, e.fill.time, item)) {
            rows.push_back(row{e.fill.time, e.fill.trade_id, std::move(item)});
        }
    }
    return listing(std::move(rows), f.limit);
}

}  // namespace tradebot::sim::bybit
