// The facts the planner works from: GPU models, instance types and their prices.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mig/geometry.h"

namespace gpuslice {

/// Money in millionths of a US dollar, so sums of hourly prices stay exact.
using Micros = std::int64_t;

/// CPU architecture of an instance type, as Kubernetes names it.
enum class Arch { Amd64, Arm64 };

const char* archName(Arch a);

/// A set of architectures, one bit per Arch.
using ArchSet = unsigned;
inline ArchSet archBit(Arch a) { return a == Arch::Arm64 ? 2u : 1u; }

/// Whether a GPU model supports MIG; `Unverified` where no source confirmed it.
enum class MigSupport { No, Yes, Unverified };

/// MPS clients the NVIDIA device plugin lets one GPU have from compute capability 7.5 on (16
/// below it). A GpuModel states its own figure; this one holds where none is stated.
constexpr int kMpsClientLimit = 48;

/// One GPU model (V100, A10G, H100, ...).
struct GpuModel {
  std::string name;
  double memoryGiB = 0;  ///< nominal; instance types state their own per-GPU memory
  std::string computeCapability;
  MigSupport mig = MigSupport::No;
  int mpsMaxClients = kMpsClientLimit;       ///< MPS clients one GPU accepts
  std::optional<double> relativeThroughput;  ///< speed vs V100 = 1.0; estimate only
};

/// MPS clients one GPU of `gpu` accepts; kMpsClientLimit for a model the table lacks (nullptr).
int mpsClientLimit(const GpuModel* gpu);

/// One EC2 instance type with its GPUs and prices.
struct InstanceType {
  std::string name;
  std::string gpuModel;
  double gpuCount = 0;            ///< < 1 for fractional-GPU types (g6f, gr6f)
  std::int64_t gpuMemoryMiB = 0;  ///< per GPU, or the slice memory for fractional types
  int vcpu = 0;
  std::int64_t memoryMiB = 0;
  Arch arch = Arch::Amd64;
  std::optional<Micros> onDemand;  ///< per hour; absent when the table has no price
  std::optional<Micros> spot;      ///< per hour; absent when the table has no price
  std::string note;                ///< caveat shown to the user (e.g. unverified price)

  /// A fractional-GPU type: a priced slice of one GPU, never shared further.
  bool fractional() const { return gpuCount < 1.0; }
  /// Whole GPUs on the node (1 for a fractional type, which exposes one device).
  int wholeGpus() const { return fractional() ? 1 : static_cast<int>(gpuCount); }
  /// GPU memory a pod may use per GPU (or slice): gpuMemoryMiB less `overheadMiB` per GPU (a
  /// fractional type pays its share of it, rounded up). The planner packs against it and
  /// render re-checks saved plans against it.
  std::int64_t usableMemoryMiB(std::int64_t overheadMiB) const;
};

/// Which price an instance is paid at.
enum class Capacity { OnDemand, Spot };

const char* capacityName(Capacity c);

/// A price table plus the GPU-model table; what `plan` prices against.
struct Catalog {
  std::string region;
  std::string currency;
  std::string date;                         ///< when the prices were taken
  std::string source;                       ///< where the prices come from, as the table states it
  std::string file;                         ///< the table file read ("<built-in>/..." for the embedded one)
  std::vector<InstanceType> instanceTypes;  ///< sorted by name
  std::vector<GpuModel> gpus;               ///< sorted by name
  std::vector<MigGpu> migGpus;              ///< MIG profiles per MIG-capable GPU, in catalog order

  const InstanceType* findType(const std::string& name) const;
  const GpuModel* findGpu(const std::string& name) const;
  /// The MIG GPU of an instance type, or nullptr when its GPUs have no MIG profiles.
  const MigGpu* findMigGpu(const std::string& instanceType) const;
  /// The price per hour at `capacity`, if the table has one.
  static std::optional<Micros> price(const InstanceType& t, Capacity capacity);
};

}  // namespace gpuslice
