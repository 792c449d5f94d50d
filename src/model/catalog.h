// The facts the planner works from: GPU models, instance types and their prices.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
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

/// A price table's memory figure in GiB as whole MiB (rounded down): how the per-GPU memory of
/// an instance type and the GPU table's key for it are compared.
std::int64_t tableMiB(double gib);

/// One memory variant of a GPU model: its GPUs on the instance types whose price-table per-GPU
/// memory is `ec2MiB` (A100: 40 GiB on p4d, 80 GiB on p4de), with the memory NVML reports.
struct GpuMemory {
  double ec2GiB = 0;                    ///< the price table's per-GPU memory, as the data file gives it
  std::int64_t ec2MiB = 0;              ///< ... in MiB (tableMiB): the key
  std::optional<std::int64_t> nvmlMiB;  ///< NVML's total per GPU; none where no printout was found
  bool observed = false;                ///< nvmlMiB was read off a real printout of this GPU
  std::string source;                   ///< where the figure comes from (or why there is none)
  std::vector<std::string> names;       ///< names that pick this variant only (A100-80GB)
};

/// An NVIDIA driver branch (major version) with where the figure comes from
/// (catalog/drivers.yaml): stated by the vendor (observed) or inferred (assumed).
struct DriverBranch {
  int branch = 0;
  bool observed = false;
  std::string source;
};

/// A node image family render can select in an EC2NodeClass, with the NVIDIA driver branch its
/// GPU images ship (catalog/drivers.yaml).
struct AmiImage {
  std::string ami;      ///< render's --ami value (al2023, bottlerocket)
  std::string alias;    ///< the amiSelectorTerms alias (al2023@latest)
  std::string release;  ///< the image release the driver was read for
  DriverBranch driver;
};

/// The newest NVIDIA driver branch that drives the GPUs of some instance families
/// (catalog/drivers.yaml): p3's V100s stop at 580, and g6f's vGPU slices need a GRID driver
/// that 595 images lack.
struct DriverCeiling {
  std::vector<std::string> families;  ///< instance families (the type's name before the dot)
  DriverBranch maxBranch;
};

/// One GPU model (V100, A10G, H100, ...).
struct GpuModel {
  std::string name;
  std::string computeCapability;    ///< CUDA's "major.minor", as the GPU table writes it
  int computeCapabilityTenths = 0;  ///< the same in tenths (parseComputeCapability): 80 for "8.0"
  MigSupport mig = MigSupport::No;
  int mpsMaxClients = kMpsClientLimit;       ///< MPS clients one GPU accepts
  std::optional<double> relativeThroughput;  ///< speed vs V100 = 1.0; estimate only
  std::vector<std::string> names;            ///< other names of the model, any variant (NVIDIA T4G)
  std::vector<GpuMemory> memory;             ///< its memory variants, by ec2MiB
  std::optional<DriverBranch> minDriver;     ///< the oldest branch that drives it; none: any current

  /// The variant of price-table memory `ec2MiB`, or nullptr when the table has none.
  const GpuMemory* variant(std::int64_t ec2MiB) const;
};

/// Whether two GPU names are the same, comparing ASCII letters without regard to case.
bool sameGpuName(std::string_view a, std::string_view b);

/// A CUDA compute capability "major.minor" (one or two digits, a dot, one digit) in tenths:
/// "8.0" is 80, "10.3" is 103; nullopt for any other text.
std::optional<int> parseComputeCapability(std::string_view text);

/// What a GPU name picks: a model, and one of its memory variants when the name names one.
struct GpuName {
  const GpuModel* model = nullptr;
  const GpuMemory* variant = nullptr;  ///< nullptr: any variant of the model
};

/// The memory of one GPU (or slice) of an instance type as the planner counts it.
struct GpuMemoryFigure {
  std::int64_t mib = 0;                ///< NVML's total, else the price table's (EC2) figure
  bool nvml = false;                   ///< mib is NVML's total
  bool observed = false;               ///< ... read off a real printout
  const GpuMemory* variant = nullptr;  ///< the GPU table's entry for it, when there is one
};

/// MPS clients one GPU of `gpu` accepts; kMpsClientLimit for a model the table lacks (nullptr).
int mpsClientLimit(const GpuModel* gpu);

/// The default network card's ENI limits of an instance type: what the Amazon VPC CNI's pod
/// count per node follows from (nodeMaxPods in model/node_capacity.h).
struct EniLimits {
  int interfaces = 0;        ///< network interfaces the default card takes
  int ipv4PerInterface = 0;  ///< IPv4 addresses per interface, its primary one included
};

/// Whether EC2 still offers an instance type.
enum class TypeStatus { Current, Retired };

const char* typeStatusName(TypeStatus s);

/// Where a per-type fact that a price table may leave out came from: the table itself, the
/// built-in table's row of the same type name, or neither (then gpuslice assumes a default).
enum class FactOrigin { Table, BuiltIn, Assumed };

/// The pinned device memory limit the NVIDIA device plugin gives each MPS client of a GPU of
/// `gpuMiB` (NVML's total) shared by `replicas`: the total divided evenly, rounded down to whole
/// MiB (its mps-control-daemon's set_default_device_pinned_mem_limit).
std::int64_t mpsClientMemoryMiB(std::int64_t gpuMiB, int replicas);

/// The active thread percentage the device plugin gives each MPS client of a GPU shared by
/// `replicas`: 100 / replicas, rounded down (set_default_active_thread_percentage).
int mpsActiveThreadPercent(int replicas);

/// One EC2 instance type with its GPUs and prices.
struct InstanceType {
  std::string name;
  std::string gpuModel;
  double gpuCount = 0;            ///< < 1 for fractional-GPU types (g6f, gr6f)
  std::int64_t gpuMemoryMiB = 0;  ///< per GPU, or the slice memory for fractional types
  int vcpu = 0;
  std::int64_t memoryMiB = 0;
  Arch arch = Arch::Amd64;
  std::optional<Micros> onDemand;    ///< per hour; absent when the table has no price
  std::optional<Micros> spot;        ///< per hour; absent when the table has no price
  std::optional<Micros> reserved1y;  ///< per hour, 1-year standard reserved, no upfront; absent when not given
  std::optional<Micros> reserved3y;  ///< per hour, 3-year standard reserved, no upfront; absent when not given
  std::string note;                  ///< caveat shown to the user (e.g. unverified price)
  std::optional<EniLimits> eni;      ///< absent when no table gives them (then max pods is assumed)
  FactOrigin eniOrigin = FactOrigin::Assumed;
  TypeStatus status = TypeStatus::Current;
  std::string statusDate;    ///< when the status was established
  std::string statusSource;  ///< what establishes it
  FactOrigin statusOrigin = FactOrigin::Assumed;

  bool retired() const { return status == TypeStatus::Retired; }

  /// A fractional-GPU type: a priced slice of one GPU, never shared further.
  bool fractional() const { return gpuCount < 1.0; }
  /// How much of a GPU a fractional type has, as people say it: "1/8 of an L4".
  std::string fractionText() const;
  /// Whole GPUs on the node (1 for a fractional type, which exposes one device).
  int wholeGpus() const { return fractional() ? 1 : static_cast<int>(gpuCount); }
};

/// Which price an instance is paid at.
enum class Capacity { OnDemand, Spot };

const char* capacityName(Capacity c);

/// A price table plus the GPU-model table; what `plan` prices against.
struct Catalog {
  std::string region;
  std::string currency;
  std::string date;                           ///< when the prices were taken
  std::string source;                         ///< where the prices come from, as the table states it
  std::string file;                           ///< the table file read ("<built-in>/..." for the embedded one)
  std::vector<InstanceType> instanceTypes;    ///< sorted by name
  std::vector<GpuModel> gpus;                 ///< sorted by name
  std::vector<MigGpu> migGpus;                ///< MIG profiles per MIG-capable GPU, in catalog order
  std::vector<AmiImage> amis;                 ///< the node image families render knows, by ami
  std::vector<DriverCeiling> driverCeilings;  ///< families that a new driver branch no longer drives
  /// The built-in table's types that this table lacks (a table of another region), without
  /// prices, sorted by name: never planned, but a workload's current.instanceType may name one.
  std::vector<InstanceType> absentTypes;

  const InstanceType* findType(const std::string& name) const;
  /// A type of the table, else of absentTypes (no prices), else nullptr: what a workload's
  /// current.instanceType may name.
  const InstanceType* findCurrentType(const std::string& name) const;
  const GpuModel* findGpu(const std::string& name) const;
  /// The node image family of render's --ami value, or nullptr.
  const AmiImage* findAmi(std::string_view ami) const;
  /// The newest driver branch that drives instance type `type`'s GPUs, or nullptr when any does.
  const DriverCeiling* driverCeilingOf(std::string_view type) const;
  /// The GPU model, and variant, that a workload's gpu.model names, compared without regard to
  /// case: a model's name or one of its names (model or variant). nullopt when none matches.
  std::optional<GpuName> findGpuName(std::string_view name) const;
  /// The memory of one GPU of `t`: NVML's total for its model and variant when the GPU table
  /// has one, else the price table's figure (fractional types: the slice's).
  GpuMemoryFigure gpuMemory(const InstanceType& t) const;
  /// GPU memory a pod may use per GPU (or slice) of `t`: gpuMemory's figure less `overheadMiB`
  /// per GPU (a fractional type pays its share of it, rounded up). The planner packs against
  /// it and render re-checks saved plans against it.
  std::int64_t usableMemoryMiB(const InstanceType& t, std::int64_t overheadMiB) const;
  /// The MIG GPU of an instance type, or nullptr when its GPUs have no MIG profiles.
  const MigGpu* findMigGpu(const std::string& instanceType) const;
  /// The price per hour at `capacity`, if the table has one.
  static std::optional<Micros> price(const InstanceType& t, Capacity capacity);
};

}  // namespace gpuslice
