# Writes OUT, a C++ file defining gpuslice::embedded::ID() over the bytes of IN.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" len)
math(EXPR size "${len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
file(WRITE "${OUT}" "// Generated from ${IN}; do not edit.\n#include <string_view>\nnamespace gpuslice::embedded {\nnamespace { const char data[] = {${bytes} 0}; }\nstd::string_view ${ID}() { return {data, ${size}}; }\n}\n")
