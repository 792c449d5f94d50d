# Sanitizer and fuzzing builds, each in a build directory of its own. Included from the top
# CMakeLists.txt before any target, so the flags reach every library, test and tool.
#   GPUSLICE_SANITIZE  AddressSanitizer + UndefinedBehaviorSanitizer (gcc or clang)
#   GPUSLICE_TSAN      ThreadSanitizer; CI runs `ctest -L threads` with it
#   GPUSLICE_FUZZ      clang only: libFuzzer fuzz targets, with ASan + UBSan everywhere and every
#                      library instrumented for libFuzzer's coverage (tests/fuzz/README.md)
# ThreadSanitizer cannot share a process with AddressSanitizer, so GPUSLICE_TSAN excludes the
# other two.
option(GPUSLICE_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(GPUSLICE_TSAN "Build with ThreadSanitizer" OFF)
option(GPUSLICE_FUZZ "Build the fuzz targets with libFuzzer (clang; implies ASan and UBSan)" OFF)

if(GPUSLICE_TSAN AND (GPUSLICE_SANITIZE OR GPUSLICE_FUZZ))
  message(FATAL_ERROR "GPUSLICE_TSAN cannot be combined with GPUSLICE_SANITIZE or GPUSLICE_FUZZ "
                      "(ThreadSanitizer and AddressSanitizer cannot run in one process): "
                      "use a separate build directory for each")
endif()
if(GPUSLICE_FUZZ AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "GPUSLICE_FUZZ needs clang for libFuzzer, not ${CMAKE_CXX_COMPILER_ID}: configure a "
                      "new build directory with -DCMAKE_CXX_COMPILER=clang++ -DGPUSLICE_FUZZ=ON")
endif()

if(GPUSLICE_SANITIZE OR GPUSLICE_FUZZ)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
if(GPUSLICE_FUZZ)
  # Coverage for libFuzzer in every object; tests/fuzz links its targets with -fsanitize=fuzzer.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
if(GPUSLICE_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
