// Reading `aws ec2 describe-instance-types` output: the hardware facts of NVIDIA GPU instance
// types (GPU model, count and memory, vCPU, memory, architecture, ENI limits).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/catalog.h"
#include "model/error.h"

namespace gpuslice::io {

/// What describe-instance-types says of one NVIDIA GPU instance type.
struct TypeFacts {
  std::string gpuName;            ///< GpuInfo.Gpus[0].Name as EC2 writes it (A10G, T4g)
  std::string gpuModel;           ///< the GPU table's model that name picks; empty when none does
  int gpuCount = 0;               ///< 0 for fractional-GPU types (g6f), which EC2 counts so
  std::int64_t gpuMemoryMiB = 0;  ///< per GPU (a fractional type's: the slice's)
  int vcpu = 0;                   ///< VCpuInfo.DefaultVCpus
  std::int64_t memoryMiB = 0;     ///< MemoryInfo.SizeInMiB
  std::optional<Arch> arch;       ///< from ProcessorInfo.SupportedArchitectures, when it names one
  std::optional<EniLimits> eni;   ///< the default network card's, when NetworkInfo gives them
};

/// Whether two descriptions of a type say the same (pages of one run never differ).
bool sameFacts(const TypeFacts& a, const TypeFacts& b);

/// The facts of one page: per type the catalog knows, and the NVIDIA GPU types it does not.
struct InstanceFacts {
  std::map<std::string, TypeFacts> types;
  std::vector<std::string> otherGpuTypes;  ///< sorted
};

/// Reads the JSON the AWS CLI prints for describe-instance-types (one page; several pages are
/// several files). Types without an NVIDIA GPU are skipped unread, and so are NVIDIA types
/// `catalog` does not know (listed in otherGpuTypes); the others must give every fact the
/// price table needs, within its bounds. ENI limits: the interfaces of the default network card
/// (NetworkCards[DefaultNetworkCardIndex], else NetworkInfo.MaximumNetworkInterfaces: a p4d has
/// 4 cards of 15, and EKS counts pods on the first only) and Ipv4AddressesPerInterface. Small:
/// read whole, as a document tree.
Result<InstanceFacts> readInstanceTypes(std::string_view text, const std::string& file, const Catalog& catalog);

/// The memory variant of `gpu` that an EC2 per-GPU figure of `mib` MiB is: the one whose
/// price-table GiB figure equals mib / 1024 rounded to two decimals (the GPU table writes
/// 22.35 GiB for the 22888 MiB DescribeInstanceTypes gives an A10G). nullptr: none.
const GpuMemory* ec2MemoryVariant(const GpuModel& gpu, std::int64_t mib);

}  // namespace gpuslice::io
