// Small pieces of HTML and SVG text: escaping and number formats.
#pragma once

#include <string>
#include <string_view>

namespace gpuslice::report {

/// `s` with &, <, >, " and ' escaped: safe in element text and in quoted attribute values.
std::string escaped(std::string_view s);

/// A length in px with at most one decimal, no trailing ".0" (stable bytes for SVG).
std::string px(double v);

}  // namespace gpuslice::report
