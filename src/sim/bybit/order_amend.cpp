#include "sim/bybit/handlers.hpp"
#include "sim/bybit/order_lookup.hpp"

namespace tradebot::sim::bybit {

namespace {

// The replacement takes over the public id and orderLinkId; the cancelled original is hidden
// from the client's streams and queries.
void alias(context& ctx, engine::order_id old_engine_id, engine::order_id new_engine_id, engine::order_id pub,
           const std::string& link) {
    ctx.aliases.hidden.insert(old_engine_id);
    ctx.aliases.public_of[new_engine_id] = pub;
    ctx.aliases.engine_of[pub] = new_engine_id;
    if (!link.empty()) {
        ctx.aliases.link_of[pub] = link;
    }
}

outcome unchanged() {
    // [U] Bybit's text for an amend that changes nothing.
    return fail(10001, "The order remains unchanged as the parameters entered match the existing ones.");
}

}  // namespace

// [simplification] The engine has no amend: the order is cancelled and a new one placed; the
// client keeps seeing the same orderId/orderLinkId, but queue priority is lost, as on a real
// price amend (a qty-down amend keeps priority on Bybit, not here).
outcome order_amend(context& ctx, const request& r) {
    const auto sym = required_instrument(ctx, r);
    if (sym.error) {
        return *sym.error;
    }
    const auto* i = sym.instrument;
    if (!r.has("orderId") && !r.has("orderLinkId")) {
        return param_error("orderId or orderLinkId");  // [U] text
    }
    const auto qty = decimal_field(r, "qty");
    const auto price = decimal_field(r, "price");
    const auto trigger = decimal_field(r, "triggerPrice");
    if (qty.invalid()) {
        return fail(10001, "Qty invalid");
    }
    if (price.invalid()) {
        return param_error("price");
    }
    if (trigger.invalid()) {
        return param_error("triggerPrice");
    }
    if (r.has("takeProfit") || r.has("stopLoss")) {
        return param_error("takeProfit");  // [simplification] no TP/SL amend on orders
    }
    const auto found = locate(ctx, r.account, i->symbol, r);
    if (found.order != nullptr && found.order->is_open()) {
        const engine::order old = *found.order;
        if (old.type != core::order_type::limit) {
            return rejected(engine::reject(engine::reject_reason::order_not_open));
        }
        const core::decimal new_qty = qty.ok() ? qty.value : old.qty;
        const core::decimal new_price = price.ok() ? price.value : old.price;
        if (new_qty == old.qty && new_price == old.price) {
            return unchanged();
        }
        if (new_qty <= old.filled_qty) {
            return fail(10001, "Qty invalid");
        }
        engine::order_request req;
        req.symbol = old.symbol;
        req.side = old.side;
        req.type = core::order_type::limit;
        req.qty = new_qty - old.filled_qty;
        req.price = new_price;
        req.tif = old.tif;
        req.reduce_only = old.reduce_only;
        engine::order_ref ref;
        ref.id = old.id;
        (void)ctx.ex.cancel_order(r.account, old.symbol, ref);
        auto placed = ctx.ex.place_order(r.account, req);
        if (!placed) {
            return rejected(placed.error());  // the original stays cancelled, visibly
        }
        alias(ctx, old.id, placed->id, found.public_id, found.link);
        outcome o;
        o.result = ack(found.public_id, found.link);
        return o;
    }
    if (found.conditional != nullptr && found.conditional->is_open()) {
        const engine::conditional_order old = *found.conditional;
        engine::conditional_request req = old.request;
        req.client_id.clear();
        req.direction = old.direction;
        if (qty.ok()) {
            req.qty = qty.value;
        }
        if (trigger.ok()) {
            req.trigger_price = trigger.value;
        }
        if (const auto by = r.text("triggerBy")) {
            const auto w = parse_trigger_by(*by);
            if (!w) {
                return param_error("triggerBy");
            }
            req.working = *w;
        }
        if (req == old.request || (req.qty == old.request.qty && req.trigger_price == old.request.trigger_price &&
                                   req.working == old.request.working)) {
            return unchanged();
        }
        if (auto e = ctx.ex.validate_conditional(r.account, req)) {
            return rejected(*e);
        }
        engine::order_ref ref;
        ref.id = old.id;
        (void)ctx.ex.cancel_conditional(r.account, old.request.symbol, ref);
        auto placed = ctx.ex.place_conditional(r.account, req);
        if (!placed) {
            return rejected(placed.error());
        }
        alias(ctx, old.id, placed->id, found.public_id, found.link);
        outcome o;
        o.result = ack(found.public_id, found.link);
        return o;
    }
    return rejected(engine::reject(engine::reject_reason::unknown_order));
}

}  // namespace tradebot::sim::bybit
