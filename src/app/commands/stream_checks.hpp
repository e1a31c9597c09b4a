#pragma once

#include <string>

#include "app/commands/findings.hpp"
#include "app/commands/read_session.hpp"
#include "tradebot/core/types.hpp"

// The stream side of `check`: each venue's WebSocket paths as the daemon uses them, one finding
// per configured URL ("stream ws_public_url", ...), each with a fix when it fails.
namespace tradebot::app::commands {

// Per URL, within a short deadline: TCP, TLS, the WebSocket upgrade on the venue's route, then
// one exchange that only a working stream answers. Binance /public and /market: SUBSCRIBE to the
// reference symbol's bookTicker / markPrice, acknowledged by {"result":null,"id":1}; /private: the
// upgrade with a fresh listenKey (the venue pushes user data only on account events, so the
// refusal of an unknown key is what can be seen). Bybit public: op subscribe to the symbol's
// tickers; private: op auth with the key, then op subscribe to "order", each answered with
// success true. The private paths in production only (paper mode opens no private stream).
void stream_findings(read_session& rs, finding_report& report);

// The venue's refusal in `frame`, the answer to a subscribe or auth request: empty when it is an
// acknowledgement (Binance {"result":null,"id":N}; Bybit "success":true), else what it said.
[[nodiscard]] std::string stream_refusal(core::exchange_id venue, const std::string& frame);

}  // namespace tradebot::app::commands
