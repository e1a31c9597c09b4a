#pragma once

#include <memory>
#include <string>
#include <vector>

namespace tradebot::logging {

// The values registered with register_secret(), as one immutable snapshot.
[[nodiscard]] std::shared_ptr<const std::vector<std::string>> registered_secrets();

}  // namespace tradebot::logging
