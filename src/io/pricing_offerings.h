// Reading `aws ec2 describe-instance-type-offerings` output: which types a region offers.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "model/error.h"

namespace gpuslice::io {

/// The types one page of describe-instance-type-offerings lists, and the region they are in.
struct Offerings {
  std::string region;
  std::set<std::string> types;
};

/// Reads the JSON the AWS CLI prints for describe-instance-type-offerings (one page; several
/// pages are several files), with `--location-type region` or `availability-zone` (a zone
/// counts for its region; zone ids such as use1-az1 name no region and are refused). Small: read
/// whole, as a document tree.
Result<Offerings> readOfferings(std::string_view text, const std::string& file);

}  // namespace gpuslice::io
