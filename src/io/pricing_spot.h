// Reading `aws ec2 describe-spot-price-history` output into spot prices per instance type.
#pragma once

#include <string>
#include <string_view>

#include "io/pricing_offer.h"
#include "model/catalog.h"
#include "model/error.h"

namespace gpuslice::io {

/// How one spot price is made of a type's prices in its availability zones.
enum class SpotStatistic { Min, Median };

/// "min", "median".
const char* spotStatisticName(SpotStatistic s);

/// The region of an availability zone: "us-east-1f" -> "us-east-1", "us-west-2-lax-1a" ->
/// "us-west-2"; empty when `zone` is not shaped like one.
std::string regionOfZone(std::string_view zone);

/// Reads the JSON the AWS CLI prints for describe-spot-price-history (one page; several pages
/// are several files): for each Linux record ("Linux/UNIX", "Linux/UNIX (Amazon VPC)") of an
/// NVIDIA GPU type `catalog` knows, the latest price in each zone, then `statistic` across the
/// zones (the median of an even count is the mean of the middle two). Rows carry the spot
/// price only; `publicationDate` is the latest timestamp. The output of an AWS CLI page is a
/// few MB at most, so it is read whole (a document tree, which gives every error its line).
Result<OfferTable> readSpotHistory(std::string_view text, const std::string& file, const Catalog& catalog,
                                   SpotStatistic statistic);

}  // namespace gpuslice::io
