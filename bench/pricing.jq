# The prices gpuslice pricing import keeps, in jq, for bench/pricing.sh: plain Linux SKUs of
# types with GPUs (metal: bare-metal family, Dedicated) and their non-zero hourly USD on-demand
# and no-upfront standard 1/3-year prices, one line per type.
(.products | to_entries | map(select(
   .value.attributes as $a
   | ($a.gpu // "NA") != "NA" and $a.operatingSystem == "Linux" and $a.preInstalledSw == "NA"
     and $a.capacitystatus == "Used" and $a.licenseModel == "No License required"
     and ($a.marketoption // "OnDemand") == "OnDemand" and ($a.operation // "RunInstances") == "RunInstances"
     and (if ($a.instanceType | contains(".metal"))
          then .value.productFamily == "Compute Instance (bare metal)" and $a.tenancy == "Dedicated"
          else .value.productFamily == "Compute Instance" and $a.tenancy == "Shared" end)))
 | map({key: .key, value: .value.attributes.instanceType}) | from_entries) as $skus
| .terms as $t
| $skus | to_entries[] | .key as $sku | .value as $type
| ([$t.OnDemand[$sku][]?.priceDimensions[] | select(.unit == "Hrs") | .pricePerUnit.USD | select(tonumber > 0)] | first) as $od
| ([$t.Reserved[$sku][]? | select(.termAttributes.PurchaseOption == "No Upfront" and .termAttributes.OfferingClass == "standard")
    | {len: .termAttributes.LeaseContractLength, usd: (.priceDimensions[] | select(.unit == "Hrs") | .pricePerUnit.USD)}]) as $ri
| "\($type) \($od) \([$ri[] | select(.len == "1yr") | .usd][0]) \([$ri[] | select(.len == "3yr") | .usd][0])"
