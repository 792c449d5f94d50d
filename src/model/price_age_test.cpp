#include "model/price_age.h"

#include <doctest/doctest.h>

using namespace gpuslice;

TEST_CASE("price age: a warning from 91 days on, none at 90") {
  Catalog c;
  c.region = "us-east-1";
  c.date = "2026-07-20";  // day 20654
  c.file = "<built-in>/pricing/aws-us-east-1.yaml";
  CHECK_FALSE(priceAgeWarning(c, 20654 + 90));  // 2026-10-18
  CHECK(priceAgeWarning(c, 20654 + 91) ==
        "the prices for us-east-1 are of 2026-07-20, 91 days before today (2026-10-19): older than 90 days, they may "
        "no longer be what AWS charges; make a newer table with gpuslice pricing import (README \"Prices for other "
        "regions\")");
  CHECK_FALSE(priceAgeWarning(c, 20654));
  CHECK_FALSE(priceAgeWarning(c, 20654 - 30));  // dated after today
  c.date = "July 2026";
  CHECK(priceAgeWarning(c, 20654) ==
        "the prices for us-east-1 are dated \"July 2026\" (<built-in>/pricing/aws-us-east-1.yaml), which is not a date "
        "(YYYY-MM-DD): how old they are is unknown");
}
