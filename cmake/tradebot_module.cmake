# tradebot_module(<name> [DEPS ...] [PCH ...]) builds src/<name>/*.cpp into tradebot_<name>.
# Sources are globbed so that adding a file to a module needs no edit here.
function(tradebot_module name)
  cmake_parse_arguments(arg "" "" "DEPS;PCH" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_library(tradebot_${name} STATIC ${srcs})
  add_library(tradebot::${name} ALIAS tradebot_${name})
  target_include_directories(tradebot_${name}
    PUBLIC ${PROJECT_SOURCE_DIR}/include
    PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(tradebot_${name} PUBLIC ${arg_DEPS} PRIVATE tradebot_warnings)
  if(arg_PCH)
    target_precompile_headers(tradebot_${name} PRIVATE ${arg_PCH})
  endif()
  tradebot_unity(tradebot_${name})
endfunction()

# tradebot_unity(<target>) compiles the target as unity batches when TRADEBOT_UNITY_BUILD is on.
# Every file of a module must then be able to share a translation unit with its neighbours: names
# in anonymous namespaces are unique within the module (a clash is a compile error, never silent).
function(tradebot_unity target)
  if(TRADEBOT_UNITY_BUILD)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${TRADEBOT_UNITY_BATCH_SIZE})
    # GCC warns for a type that holds an anonymous-namespace type when it is defined in an
    # included file, which is what every source is inside a unity file.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${target} PRIVATE -Wno-subobject-linkage)
    endif()
  endif()
endfunction()

# tradebot_test(<name> [LABEL unit|integration] [NO_PCH] DEPS ...) builds the *.cpp of the calling folder into
# <label>_<name> (linked with tests/support) and registers each GoogleTest case with CTest under that label.
function(tradebot_test name)
  cmake_parse_arguments(arg "NO_PCH" "LABEL" "DEPS" ${ARGN})
  if(NOT arg_LABEL)
    set(arg_LABEL unit)
  endif()
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(NOT srcs)
    message(WARNING "tests/${arg_LABEL}/${name} has no sources yet; no target")
    return()
  endif()
  set(target ${arg_LABEL}_${name})
  add_executable(${target} ${srcs})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${target} PRIVATE ${arg_DEPS} tradebot_test_support GTest::gtest_main)
  # The test support library's precompiled header (tests/support/CMakeLists.txt): same flags.
  # NO_PCH: suites that compile simdjson's on-demand code themselves; with the header loaded, GCC 12
  # built their simdjson parser differently from the decoders' (in Debug/ASan: parses that failed
  # and leaked parser buffers; without the header both agree).
  if(NOT arg_NO_PCH)
    target_precompile_headers(${target} REUSE_FROM tradebot_test_support)
  endif()
  tradebot_unity(${target})
  gtest_discover_tests(${target} PROPERTIES LABELS ${arg_LABEL} DISCOVERY_TIMEOUT 60)
endfunction()
