#include "tradebot/exchange/api_credentials.hpp"

#include <ostream>

namespace tradebot::exchange {

std::ostream& operator<<(std::ostream& os, const api_credentials&) { return os << masked_credentials; }

}  // namespace tradebot::exchange
