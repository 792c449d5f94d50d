#include "util/glob.h"

#include <doctest/doctest.h>

#include <string>

using gpuslice::globMatch;
using gpuslice::globMatchAny;

TEST_CASE("literal patterns match only themselves") {
  CHECK(globMatch("p3.2xlarge", "p3.2xlarge"));
  CHECK_FALSE(globMatch("p3.2xlarge", "p3.2xlarg"));
  CHECK_FALSE(globMatch("p3.2xlarge", "p3.2xlargee"));
  CHECK_FALSE(globMatch("P3.2xlarge", "p3.2xlarge"));
  CHECK(globMatch("", ""));
  CHECK_FALSE(globMatch("", "a"));
  CHECK_FALSE(globMatch("a", ""));
  CHECK(globMatch("[ab]", "[ab]"));  // no character classes
  CHECK_FALSE(globMatch("[ab]", "a"));
}

TEST_CASE("star matches any run, including an empty one") {
  CHECK(globMatch("*", ""));
  CHECK(globMatch("*", "anything"));
  CHECK(globMatch("p3.*", "p3.2xlarge"));
  CHECK(globMatch("p3.*", "p3."));
  CHECK_FALSE(globMatch("p3.*", "p4d.24xlarge"));
  CHECK(globMatch("*xlarge", "g5.12xlarge"));
  CHECK(globMatch("g5.*xlarge", "g5.xlarge"));
  CHECK(globMatch("*.*", "a.b"));
  CHECK_FALSE(globMatch("*.*", "ab"));
  CHECK(globMatch("a*b*c", "aXbYc"));
  CHECK(globMatch("a*b*c", "abbbc"));
  CHECK_FALSE(globMatch("a*b*c", "acb"));
  CHECK(globMatch("**a**", "bab"));
  CHECK(globMatch("*ab", "aab"));  // needs the star to give back a character
}

TEST_CASE("question mark matches exactly one character") {
  CHECK(globMatch("g5.?xlarge", "g5.2xlarge"));
  CHECK_FALSE(globMatch("g5.?xlarge", "g5.xlarge"));
  CHECK_FALSE(globMatch("g5.?xlarge", "g5.12xlarge"));
  CHECK(globMatch("?", "x"));
  CHECK_FALSE(globMatch("?", ""));
  CHECK(globMatch("*?", "x"));
  CHECK_FALSE(globMatch("??*", "x"));
}

TEST_CASE("pathological patterns finish quickly") {
  const std::string text(10000, 'a');
  std::string pattern;
  for (int i = 0; i < 50; ++i) pattern += "a*";
  CHECK_FALSE(globMatch(pattern + "b", text));
  CHECK(globMatch(pattern, text));
}

TEST_CASE("globMatchAny") {
  CHECK(globMatchAny({}, "p3.2xlarge"));
  CHECK(globMatchAny({"g5.*", "p3.*"}, "p3.2xlarge"));
  CHECK_FALSE(globMatchAny({"g5.*", "p4d.*"}, "p3.2xlarge"));
  CHECK_FALSE(globMatchAny({""}, "p3.2xlarge"));
}
