#include <array>

#include "sim/bybit/streams.hpp"

namespace tradebot::sim::bybit {

namespace {

constexpr std::array<std::string_view, 8> private_topics{"order", "execution", "position", "wallet",
                                                          "order.linear", "execution.linear", "position.linear",
                                                          "execution.fast"};

}  // namespace

bool private_topic_known(std::string_view topic) {
    for (const auto t : private_topics) {
        if (t == topic) {
            return true;
        }
    }
    return false;
}

void publish_private(context& ctx, const engine::account_id& a, std::string_view topic, json::array data) {
    std::string text;
    std::uint64_t id_counter = 0;
    for (auto& [id, peer] : ctx.peers) {
        if (!peer.is_private || peer.account != a) {
            continue;
        }
        const std::string categorised = std::string{topic} + ".linear";
        const bool wants = peer.topics.count(std::string{topic}) != 0 || peer.topics.count(categorised) != 0;
        if (!wants) {
            continue;
        }
        if (text.empty()) {
            const std::int64_t now = ctx.clock.server_now_ms();
            json::object msg;
            msg["id"] = std::to_string(now) + "-" + std::to_string(++id_counter);
            msg["topic"] = topic;
            msg["creationTime"] = now;
            msg["data"] = data;
            text = json::serialize(msg);
        }
        peer.peer->send(text);
    }
}

}  // namespace tradebot::sim::bybit
