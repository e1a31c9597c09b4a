# GCC collects its garbage each time its heap grows past ggc-min-heapsize, which it caps at 128 MB
# whatever the RAM. Our unity batches allocate 0.7 to 3 GB each, so GCC collected many times per
# batch: 5 to 10 % of the CPU of an -O2 batch and about 5 % of an -O0 test batch went to it
# (docs/BENCHMARKS.md, "Clean build"). With 512 MB it collects a few times, for 250 to 300 MB more
# peak memory per compiler process. The code generated is the same (objects differ only in the
# DW_AT_producer string that records the flags).
set(TRADEBOT_GCC_MIN_HEAP_MB 512 CACHE STRING "GCC's ggc-min-heapsize in MB; 0 keeps GCC's default")
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND TRADEBOT_GCC_MIN_HEAP_MB GREATER 0)
  math(EXPR tradebot_gcc_min_heap_kb "${TRADEBOT_GCC_MIN_HEAP_MB} * 1024")
  add_compile_options(--param=ggc-min-heapsize=${tradebot_gcc_min_heap_kb})
endif()
