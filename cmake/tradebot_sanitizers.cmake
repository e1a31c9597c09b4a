if(TRADEBOT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "TRADEBOT_FUZZ needs clang (libFuzzer): cmake --preset fuzz")
  endif()
  if(NOT TRADEBOT_SANITIZE STREQUAL "")
    message(FATAL_ERROR "TRADEBOT_FUZZ brings its own sanitizers; leave TRADEBOT_SANITIZE empty")
  endif()
  # fuzzer-no-link: the edge coverage libFuzzer steers by, in every library the targets reach.
  # -fno-sanitize=function: clang 14 cannot emit UBSan's function-type prefix on a split coroutine
  # ("Cannot represent a difference across sections" on every file with an asio::awaitable); the
  # check it gives up (calls through a function pointer of the wrong type) is one -Werror and the
  # type system already rule out here. Every other UBSan check stays.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
if(TRADEBOT_SANITIZE STREQUAL "address-undefined")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  # GCC 12 reports false -Wmaybe-uninitialized in Beast's parser under the sanitizers' instrumentation.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
elseif(TRADEBOT_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
  # GCC 12 warns (-Wtsan) at every std::atomic_thread_fence, and Asio's headers have them (its
  # handler fenced blocks and atomic_count), so -Werror stopped the build at the first file. The
  # warning says only that TSan does not model a standalone fence, which is as true with clang,
  # so another compiler would not help. A report whose only ordering is such a fence needs judging.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-tsan)
  endif()
elseif(NOT TRADEBOT_SANITIZE STREQUAL "")
  message(FATAL_ERROR "TRADEBOT_SANITIZE must be empty, address-undefined or thread")
endif()
