// How a string is written as a YAML scalar so that every reader takes it back as that same
// string: plain where that is safe, double-quoted otherwise. The one rule for every YAML this
// program writes (plan --format yaml, render's manifests).
#pragma once

#include <string>
#include <string_view>

namespace gpuslice {

/// True when `s`, written as a plain (unquoted) scalar in block context (a mapping key, a
/// value after "key: " or "- ", or a whole document), reads back as this same string, and as
/// a string, under YAML 1.1 and 1.2 (core and JSON schemas) and the readers that mix them
/// (yaml-cpp, PyYAML, js-yaml, go-yaml v2 behind kubectl).
///
/// Syntax: 1 to 200 bytes of ASCII letters, digits, spaces and - . _ / + = % : , ( ) @ < > ;
/// only (so no quote, '#', '&', '*', '!', '|', '[', '{', '?', '~', '\', tab, control or
/// non-ASCII character); starting with a letter, a digit or one of . / _ <; not ending with a
/// space or ':'; no ": " inside; not starting with "..." (a document end at column 0).
///
/// Meaning: not a word any of those readers resolves to something else: null, the YAML 1.1
/// booleans y, n, yes, no, on, off with true and false (each in any case), the merge key
/// "<<", .inf and .nan (any case); no number (a 0b/0o/0x prefix, either case, followed by hex
/// digits and '_' only; or a digit or '.' followed by digits, '_', '.' and ':' only, with an
/// optional exponent e[+-]digits; or such an exponent alone: this covers 1.2 integers and
/// floats, 1.1 octal, binary, sexagesimal and underscored forms, 1.1's loose floats such as
/// "1.2.3", and "e5", a float to the npm yaml package's 1.1 schema); no timestamp
/// (YYYY-M-D alone or followed by T, t or a space). "~", signed numbers and "=" (1.1's value
/// key) need no check, as '~', '+', '-' and '=' may not start a plain string. Where readers
/// disagree the string is quoted, and the patterns are a little wider than any reader's (they
/// also quote "0x" and ".e5"), the price of a rule short enough to check by eye.
bool yamlPlainSafe(std::string_view s);

/// `s` as a double-quoted YAML scalar: '"' and '\' escaped, \n \t \r for those, \uXXXX for
/// the other C0 controls, DEL, the C1 controls (U+0080..U+009F), U+2028, U+2029 (line breaks
/// to a YAML 1.1 reader) and U+FEFF; every other byte as it is. Valid YAML 1.1 and 1.2, and
/// JSON too.
std::string yamlDoubleQuoted(std::string_view s);

/// `s` plain when yamlPlainSafe says so, else double-quoted.
std::string yamlScalar(std::string_view s);

}  // namespace gpuslice
