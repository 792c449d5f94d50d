// Reading `aws pricing get-products --service-code AmazonEC2` output.
#pragma once

#include <string>
#include <string_view>

#include "io/pricing_offer.h"
#include "model/catalog.h"
#include "model/error.h"

namespace gpuslice::io {

/// Reads one page the AWS CLI prints for get-products (several pages are several files):
/// `{"FormatVersion": "aws_v1", "NextToken": ..., "PriceList": ["<JSON text>", ...]}`, where
/// each PriceList item is a product and its terms written as a JSON string, decoded a second
/// time here. Products and terms go through OfferSelection, as an offer file's do. A page holds
/// at most 100 items, so it is read whole (a document tree: errors give the item's line).
Result<OfferTable> readGetProducts(std::string_view text, const std::string& file, const Catalog& catalog);

}  // namespace gpuslice::io
