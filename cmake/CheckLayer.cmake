# Checks that the sources of one folder under src/ include only the folders it may include
# (ARCHITECTURE.md, "Which folder may include which"). Run in script mode at build time:
#   cmake -DLAYER=render -DDIR=<src/render> -DALLOWED=model,mig,util [-DSTAMP=<file>] -P CheckLayer.cmake
# A quoted include whose first path component is another layer must name an allowed one; a
# quoted include without a folder (`#include "x.h"`) is refused too, so that every include
# says where it comes from. Unit tests (*_test.cpp) are exempt: they may use io to read
# fixtures. On a forbidden include it prints `<file>:<line>: <layer> may not include <path>`
# for each and fails; otherwise it touches STAMP.
set(layers util model mig planner render profile report io lint cli gpuslice)
foreach(var LAYER DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "CheckLayer.cmake: -D${var}=... is required")
  endif()
endforeach()

string(REPLACE "," ";" ALLOWED "${ALLOWED}")
file(GLOB_RECURSE sources "${DIR}/*.h" "${DIR}/*.cpp")
list(SORT sources)
set(problems "")
foreach(src IN LISTS sources)
  if(src MATCHES "_test\\.cpp$")
    continue()
  endif()
  file(STRINGS "${src}" lines)
  set(number 0)
  foreach(line IN LISTS lines)
    math(EXPR number "${number} + 1")
    if(NOT line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\"")
      continue()
    endif()
    set(path "${CMAKE_MATCH_1}")
    if(NOT path MATCHES "^([^/]+)/")
      string(APPEND problems "${src}:${number}: ${LAYER} may not include \"${path}\" (name its folder)\n")
      continue()
    endif()
    set(folder "${CMAKE_MATCH_1}")
    list(FIND layers "${folder}" known)
    list(FIND ALLOWED "${folder}" allowed)
    if(known GREATER -1 AND allowed EQUAL -1 AND NOT folder STREQUAL LAYER)
      string(APPEND problems "${src}:${number}: ${LAYER} may not include ${path} (ARCHITECTURE.md)\n")
    endif()
  endforeach()
endforeach()

if(problems)
  # Printed as is (a FATAL_ERROR message would be re-wrapped), one line each, then the failure.
  message(NOTICE "${problems}")
  message(FATAL_ERROR "forbidden includes in ${DIR}: see ARCHITECTURE.md, \"Which folder may include which\"")
endif()
if(DEFINED STAMP)
  get_filename_component(stamp_dir "${STAMP}" DIRECTORY)
  file(MAKE_DIRECTORY "${stamp_dir}")
  file(TOUCH "${STAMP}")
endif()
