option(TRADEBOT_BUILD_TESTS "Build the test suites" ON)
option(TRADEBOT_WERROR "Treat warnings as errors (the presets turn it on)" OFF)
set(TRADEBOT_SANITIZE "" CACHE STRING "Sanitizers: empty, address-undefined, thread")
