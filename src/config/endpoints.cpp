#include "config/endpoints.hpp"

namespace tradebot::config::detail {

// Sources: reference/exchange-apis.md (Binance routed /public /market /private streams; Bybit V5
// has one public linear stream, so public and market are the same URL). The simulator serves
// Binance on 9443 and Bybit on 9444 over TLS with its own CA (see exchanges.<venue>.ca_file).
std::optional<endpoint_urls> urls_for(core::exchange_id venue, endpoint_kind kind) noexcept {
    using core::exchange_id;
    if (venue == exchange_id::binance) {
        switch (kind) {
            case endpoint_kind::mainnet:
                return endpoint_urls{"https://fapi.binance.com", "wss://fstream.binance.com/public",
                                     "wss://fstream.binance.com/market", "wss://fstream.binance.com/private"};
            case endpoint_kind::testnet:
                return endpoint_urls{"https://demo-fapi.binance.com", "wss://fstream.binancefuture.com/public",
                                     "wss://fstream.binancefuture.com/market",
                                     "wss://fstream.binancefuture.com/private"};
            case endpoint_kind::sim:
                return endpoint_urls{"https://127.0.0.1:9443", "wss://127.0.0.1:9443/public",
                                     "wss://127.0.0.1:9443/market", "wss://127.0.0.1:9443/private"};
            case endpoint_kind::custom:
                return std::nullopt;
        }
    }
    if (venue == exchange_id::bybit) {
        switch (kind) {
            case endpoint_kind::mainnet:
                return endpoint_urls{"https://api.bybit.com", "wss://stream.bybit.com/v5/public/linear",
                                     "wss://stream.bybit.com/v5/public/linear", "wss://stream.bybit.com/v5/private"};
            case endpoint_kind::testnet:
                return endpoint_urls{"https://api-testnet.bybit.com", "wss://stream-testnet.bybit.com/v5/public/linear",
                                     "wss://stream-testnet.bybit.com/v5/public/linear",
                                     "wss://stream-testnet.bybit.com/v5/private"};
            case endpoint_kind::sim:
                return endpoint_urls{"https://127.0.0.1:9444", "wss://127.0.0.1:9444/v5/public/linear",
                                     "wss://127.0.0.1:9444/v5/public/linear", "wss://127.0.0.1:9444/v5/private"};
            case endpoint_kind::custom:
                return std::nullopt;
        }
    }
    return std::nullopt;
}

}  // namespace tradebot::config::detail
