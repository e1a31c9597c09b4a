option(TRADEBOT_BUILD_TESTS "Build the test suites" ON)
option(TRADEBOT_WERROR "Treat warnings as errors (the presets turn it on)" OFF)
set(TRADEBOT_SANITIZE "" CACHE STRING "Sanitizers: empty, address-undefined, thread")
# Unity (jumbo) build of the src/ modules: a module's files compile as batches of 8 in one
# translation unit, so the heavy Asio/Beast/simdjson headers are parsed and their templates
# instantiated and optimised once per batch instead of once per file (docs/BENCHMARKS.md: the
# clean build). Turn it off for a tight edit loop on one file: one edit then recompiles its batch.
option(TRADEBOT_UNITY_BUILD "Compile each src/ module as unity batches" ON)
set(TRADEBOT_UNITY_BATCH_SIZE 8 CACHE STRING "Files per unity translation unit")
