// Reading render's templates: the built-in ones, or a user's copies from --templates DIR.
#pragma once

#include <string>

#include "io/document.h"
#include "render/render.h"

namespace gpuslice::io {

/// A parsed YAML node as a manifest value, keeping lines: quoted scalars are strings; plain
/// ones are booleans (true/false), integers or numbers when they read as such, else strings.
Value toValue(const Node& n);

/// Every template, each from `dir`/<name> when `dir` is given and holds that file, else built
/// in. A YAML file in `dir` that is no template's name is an error (a misspelt copy would
/// otherwise be ignored). Each template is parsed and checked (checkTemplate); errors name
/// the file and line.
Result<Templates> loadTemplates(const std::string& dir);

}  // namespace gpuslice::io
