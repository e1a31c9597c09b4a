option(TRADEBOT_BUILD_TESTS "Build the test suites" ON)
option(TRADEBOT_WERROR "Treat warnings as errors (the presets turn it on)" OFF)
set(TRADEBOT_SANITIZE "" CACHE STRING "Sanitizers: empty, address-undefined, thread")
# Unity (jumbo) build of the src/ modules: a module's files compile as batches of 8 in one
# translation unit, so the heavy Asio/Beast/simdjson headers are parsed and their templates
# instantiated and optimised once per batch instead of once per file (docs/BENCHMARKS.md: the
# clean build). Turn it off for a tight edit loop on one file: one edit then recompiles its batch.
option(TRADEBOT_UNITY_BUILD "Compile each src/ module as unity batches" ON)
set(TRADEBOT_UNITY_BATCH_SIZE 8 CACHE STRING "Files per unity translation unit")
# libFuzzer targets (tests/fuzz, docs/RELIABILITY.md "Fuzzing"): clang only, the `fuzz` preset.
# Every library is compiled with coverage instrumentation and ASan+UBSan; only the fuzz targets
# link libFuzzer's driver. The GCC builds never see it.
option(TRADEBOT_FUZZ "Build the libFuzzer targets of tests/fuzz (clang)" OFF)
