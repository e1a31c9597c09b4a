cmake_minimum_required(VERSION 3.25)
# cmake -DMIGRATIONS_DIR=<dir> -DOUTPUT=<file.cpp> -P embed_migrations.cmake
# Compiles src/db/migrations/NNNN_name.sql into a table of tradebot::db::migration. The bytes are
# written as character literals, so no SQL text can break out of a string literal.
file(GLOB files RELATIVE ${MIGRATIONS_DIR} ${MIGRATIONS_DIR}/*.sql)
list(SORT files)
if(NOT files)
  message(FATAL_ERROR "no migrations in ${MIGRATIONS_DIR}")
endif()

set(arrays "")
set(entries "")
set(seen "")
set(index 0)
foreach(file IN LISTS files)
  if(NOT file MATCHES "^([0-9][0-9][0-9][0-9])_([a-z0-9_]+)\\.sql$")
    message(FATAL_ERROR "migration file name must be NNNN_lower_snake.sql: ${file}")
  endif()
  set(name ${CMAKE_MATCH_2})
  string(REGEX REPLACE "^0+" "" version "${CMAKE_MATCH_1}")
  if(version STREQUAL "")
    message(FATAL_ERROR "migration versions start at 0001: ${file}")
  endif()
  if(version IN_LIST seen)
    message(FATAL_ERROR "duplicate migration version ${version}: ${file}")
  endif()
  list(APPEND seen ${version})
  file(READ ${MIGRATIONS_DIR}/${file} hex HEX)
  if(hex STREQUAL "")
    message(FATAL_ERROR "empty migration: ${file}")
  endif()
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  string(APPEND arrays "constexpr char sql_${index}[] = {${bytes}};\n")
  string(APPEND entries "    migration{${version}, \"${name}\", std::string_view{sql_${index}, sizeof sql_${index}}},\n")
  math(EXPR index "${index} + 1")
endforeach()

set(content "// Generated from src/db/migrations by src/db/embed_migrations.cmake; do not edit.
#include <array>
#include <string_view>

#include \"tradebot/db/migrations.hpp\"

namespace tradebot::db {
namespace {

${arrays}
constexpr std::array<migration, ${index}> all{{
${entries}}};

}  // namespace

std::span<const migration> embedded_migrations() noexcept { return all; }

}  // namespace tradebot::db
")
# Rewriting an unchanged file would rebuild the library on every configure.
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} old)
  if(old STREQUAL content)
    return()
  endif()
endif()
file(WRITE ${OUTPUT} "${content}")
