// Filling a template: `${name}` placeholders in scalars are replaced by values, in the tree.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "model/error.h"
#include "render/render.h"
#include "render/value.h"

namespace gpuslice::detail {

/// Values for the placeholders of one template; nullopt means "absent": the mapping member or
/// sequence item that is exactly that placeholder is left out.
using Bindings = std::map<std::string, std::optional<Value>>;

/// Each placeholder named in a scalar, with the line it is on; `$${` is a literal `${`.
/// Errors (unterminated or malformed placeholders, placeholders in keys) name the file and line.
std::optional<Error> forEachPlaceholder(const Template& t,
                                        const std::function<std::optional<Error>(const std::string&, int)>& f);

/// The template with every placeholder replaced. A scalar that is exactly one placeholder takes
/// the bound value (any kind; a sequence placed as a sequence item is spliced in); a placeholder
/// inside longer text must be bound to a scalar and gives a string.
Result<Value> fill(const Template& t, const Bindings& bindings);

}  // namespace gpuslice::detail
