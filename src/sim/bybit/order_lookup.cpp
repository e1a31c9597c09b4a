#include "sim/bybit/order_lookup.hpp"

#include "tradebot/sim/engine/venue_errors.hpp"

namespace tradebot::sim::bybit {

outcome rejected(const engine::rejection& e) {
    const auto b = engine::to_bybit_error(e);
    return fail(b.ret_code, b.message);
}

json::object ack(engine::order_id public_id, const std::string& link) {
    return json::object{{"orderId", std::to_string(public_id)}, {"orderLinkId", link}};
}

located locate(const context& ctx, const engine::account_id& a, const core::symbol& s, const request& r) {
    located out;
    std::optional<engine::order_id> engine_id;
    const auto id_text = r.text("orderId");
    if (id_text && !id_text->empty()) {
        const auto f = int_field(r, "orderId");
        if (!f.ok()) {
            return out;
        }
        engine_id = ctx.aliases.to_engine(f.value);
    } else if (const auto link = r.text("orderLinkId"); link && !link->empty()) {
        for (const auto& [pub, l] : ctx.aliases.link_of) {
            if (l == *link) {
                engine_id = ctx.aliases.to_engine(pub);
            }
        }
        if (!engine_id) {
            engine::order_ref ref;
            ref.client_id = *link;
            if (const auto* o = ctx.ex.find_order(a, s, ref)) {
                engine_id = o->id;
            } else if (const auto* c = ctx.ex.find_conditional(a, ref)) {
                engine_id = c->id;
            }
        }
    }
    if (!engine_id) {
        return out;
    }
    engine::order_ref ref;
    ref.id = *engine_id;
    out.order = ctx.ex.find_order(a, s, ref);
    if (out.order == nullptr) {
        const auto* c = ctx.ex.find_conditional(a, ref);
        if (c != nullptr && c->request.symbol == s) {
            out.conditional = c;
        }
    }
    out.public_id = ctx.aliases.to_public(*engine_id);
    const auto link = ctx.aliases.link_of.find(out.public_id);
    if (link != ctx.aliases.link_of.end()) {
        out.link = link->second;
    } else if (out.order != nullptr) {
        out.link = out.order->client_id;
    } else if (out.conditional != nullptr) {
        out.link = out.conditional->request.client_id;
    }
    return out;
}

}  // namespace tradebot::sim::bybit
