// The built-in catalog and templates, each loaded once, for the tests that plan or render
// against them.
#pragma once

#include <doctest/doctest.h>

#include "io/catalog_reader.h"
#include "io/template_loader.h"

namespace gpuslice::testing {

inline const Catalog& builtinCatalog() {
  static const Catalog c = [] {
    auto r = io::loadCatalog("");
    REQUIRE(r.ok());
    return *r;
  }();
  return c;
}

inline const Templates& builtinTemplates() {
  static const Templates t = [] {
    auto r = io::loadTemplates("");
    REQUIRE(r.ok());
    return *r;
  }();
  return t;
}

}  // namespace gpuslice::testing
