#include "sim/bybit/auth.hpp"
#include "sim/bybit/streams.hpp"

namespace tradebot::sim::bybit {

namespace {

constexpr std::size_t max_args_chars = 21'000;  // B9: per public connection

std::string req_id_of(const json::object& m) {
    const auto* v = m.if_contains("req_id");
    if (v == nullptr) {
        return {};
    }
    return v->is_string() ? std::string{v->get_string()} : json::serialize(*v);
}

// B9: public linear answers carry conn_id and req_id; private ones carry req_id only when sent.
json::object answer(const peer_state& p, const json::object& m, std::string_view op, bool ok, std::string msg) {
    json::object a;
    a["success"] = ok;
    a["ret_msg"] = std::move(msg);
    a["conn_id"] = p.conn_id;
    if (!p.is_private || m.contains("req_id")) {
        a["req_id"] = req_id_of(m);
    }
    a["op"] = op;
    return a;
}

void reply(peer_state& p, const json::object& a) { p.peer->send(json::serialize(a)); }

std::size_t args_chars(const peer_state& p) {
    std::size_t n = 0;
    for (const auto& t : p.topics) {
        n += t.size();
    }
    return n;
}

void subscribe(context& ctx, peer_state& p, const json::object& m, bool on) {
    const std::string_view op = on ? "subscribe" : "unsubscribe";
    const auto* args = m.if_contains("args");
    if (args == nullptr || !args->is_array()) {
        reply(p, answer(p, m, op, false, "error:args invalid"));  // [U]
        return;
    }
    std::vector<std::string> topics;
    for (const auto& a : args->get_array()) {
        if (!a.is_string()) {
            reply(p, answer(p, m, op, false, "error:args invalid"));
            return;
        }
        topics.emplace_back(a.get_string());
    }
    if (p.is_private && !p.account) {
        reply(p, answer(p, m, op, false, "Request not authorized"));  // [U] text
        return;
    }
    for (const auto& t : topics) {
        const bool known = p.is_private ? private_topic_known(t) : public_topic_known(ctx, t);
        if (!known) {
            reply(p, answer(p, m, op, false, "error:handler not found,topic:" + t));
            return;
        }
        if (p.is_private && t.find('.') == std::string::npos) {
            for (const auto& other : topics) {
                if (other == t + ".linear") {  // B9: all-in-one or categorised, not both
                    reply(p, answer(p, m, op, false, "error:topic conflict,topic:" + t));  // [U] text
                    return;
                }
            }
        }
    }
    if (on && !p.is_private && ctx.faults.refuse_subscribe_next > 0) {
        --ctx.faults.refuse_subscribe_next;
        reply(p, answer(p, m, op, false, "error:subscription refused"));  // [U] the venue's text for a refusal
        return;
    }
    if (on) {
        std::size_t added = 0;
        for (const auto& t : topics) {
            added += p.topics.count(t) == 0 ? t.size() : 0;
        }
        if (!p.is_private && args_chars(p) + added > max_args_chars) {
            reply(p, answer(p, m, op, false, "error:args length exceeds 21000"));  // [U] text
            return;
        }
        for (const auto& t : topics) {
            if (p.topics.count(t) != 0) {
                reply(p, answer(p, m, op, false, "error:already subscribed,topic:" + t));  // [U] text
                return;
            }
        }
    }
    for (const auto& t : topics) {
        if (on) {
            p.topics.insert(t);
        } else {
            p.topics.erase(t);
        }
    }
    reply(p, answer(p, m, op, true, ""));
    if (on && !p.is_private) {
        for (const auto& t : topics) {
            send_public_snapshot(ctx, p, t);
        }
    }
}

}  // namespace

void handle_ws_message(context& ctx, peer_state& p, std::string_view text) {
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) {
        reply(p, answer(p, json::object{}, "", false, "error:request invalid"));  // [U]
        return;
    }
    const auto& m = v.get_object();
    const auto* op_v = m.if_contains("op");
    const std::string op = op_v != nullptr && op_v->is_string() ? std::string{op_v->get_string()} : std::string{};
    if (op == "ping") {
        if (p.is_private) {
            json::object pong;
            pong["req_id"] = req_id_of(m);
            pong["op"] = "pong";
            pong["args"] = json::array{std::to_string(ctx.clock.server_now_ms())};
            pong["conn_id"] = p.conn_id;
            reply(p, pong);
        } else {
            reply(p, answer(p, m, "ping", true, "pong"));
        }
        return;
    }
    if (op == "subscribe" || op == "unsubscribe") {
        subscribe(ctx, p, m, op == "subscribe");
        return;
    }
    if (op == "auth") {
        if (!p.is_private) {
            reply(p, answer(p, m, "auth", false, "error:auth not supported on public"));  // [U]
            return;
        }
        if (p.account) {
            reply(p, answer(p, m, "auth", false, "Repeat auth"));  // [U] text
            return;
        }
        const auto* args = m.if_contains("args");
        engine::account_id account;
        const auto error = args != nullptr && args->is_array() ? ws_authenticate(ctx, args->get_array(), account)
                                                                : std::optional<std::string>{"invalid request"};
        if (error) {
            reply(p, answer(p, m, "auth", false, *error));
            return;
        }
        p.account = account;
        reply(p, answer(p, m, "auth", true, ""));
        return;
    }
    reply(p, answer(p, m, op, false, "error:unknown op"));  // [U]
}

}  // namespace tradebot::sim::bybit
