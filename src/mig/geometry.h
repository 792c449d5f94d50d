// MIG (Multi-Instance GPU) geometry: which GPU-instance profiles a GPU offers, where each may
// start on the memory-slice axis, and which combinations of them fit one GPU.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpuslice {

/// One GPU-instance profile (`1g.10gb`, `3g.40gb`, `1g.10gb+me`, ...).
struct MigProfile {
  std::string name;
  int computeSlices = 0;         ///< SM slices the instance gets
  int memorySlices = 0;          ///< contiguous memory slices it occupies
  double memoryGiB = 0;          ///< nominal, as in the name; usable memory is a little less
  int maxCount = 0;              ///< instances of this profile one GPU allows
  std::vector<int> starts;       ///< memory slices where an instance may begin, ascending
  bool mediaExtensions = false;  ///< a `+me` profile; at most one of these per GPU
  std::int64_t usableMiB = 0;    ///< memory a process in the instance can allocate, per the data file
  std::optional<int> sms;        ///< streaming multiprocessors the instance gets; none where not known
};

/// Whether a GPU's starts were seen in real `nvidia-smi mig -lgipp` output or copied from
/// another GPU with the same slice fractions.
enum class PlacementsSource { Observed, Assumed };

/// Whether a GPU's usableMiB figures were read off a real `nvidia-smi mig -lgip` printout of that
/// GPU, or derived (NVIDIA's go-nvml mock, partly the nominal sizes): plans should treat the
/// latter as less certain.
enum class MemorySource { Observed, Assumed };

/// One MIG-capable GPU with its profiles.
struct MigGpu {
  std::string name;   ///< e.g. A100-40GB
  std::string model;  ///< the GPU model of the price and GPU tables, e.g. A100
  std::vector<std::string> instanceTypes;
  int memorySlices = 8;
  int computeSlices = 7;
  PlacementsSource placementsSource = PlacementsSource::Assumed;
  std::string placementsReason;
  std::vector<MigProfile> profiles;  ///< in catalog order; placements refer to them by index
  /// Where the profiles' usableMiB come from, with the reason given in the data file.
  MemorySource memorySource = MemorySource::Assumed;
  std::string memoryReason;
  /// SMs of the whole GPU (MIG off), against which a profile's SMs are its compute share; whether
  /// the SM counts were read off real printouts, and where from.
  int sms = 0;
  bool smsObserved = false;
  std::string smsReason;
};

/// One GPU instance: profile `profile` (an index into MigGpu::profiles) at memory slice
/// `start`, occupying [start, start + memorySlices).
struct MigPlacement {
  std::size_t profile = 0;
  int start = 0;

  friend bool operator==(const MigPlacement&, const MigPlacement&) = default;
};

/// A layout of one GPU: its instances, sorted by start, then profile.
struct MigGeometry {
  std::vector<MigPlacement> placements;

  /// Builds a geometry from placements in any order.
  static MigGeometry of(std::vector<MigPlacement> placements);

  friend bool operator==(const MigGeometry&, const MigGeometry&) = default;
};

/// Why `geometry` cannot be configured on `gpu` (a start not allowed for the profile, a range
/// outside the GPU or overlapping another instance, a profile over its max count, two +me
/// profiles, too many compute slices), or nullopt when it can.
std::optional<std::string> whyInvalid(const MigGpu& gpu, const MigGeometry& geometry);

/// Every valid geometry to which no further instance can be added, enumerated from the
/// profiles' starts (not from a hand-written list). Sorted by their placements, compared
/// lexicographically as (start, profile) pairs; each appears once.
std::vector<MigGeometry> maximalGeometries(const MigGpu& gpu);

/// How many instances of each profile `geometry` holds, indexed like `gpu.profiles`.
std::vector<int> profileCounts(const MigGpu& gpu, const MigGeometry& geometry);

/// Memory a process can allocate in one instance of `profile` on a GPU of `gpuMemoryMiB` (as
/// the price table gives it): the catalog's usable figure, but never more than the profile's
/// share of the whole GPU's memory (memory slices / the GPU's slices), since some catalog
/// figures are derived rather than observed.
std::int64_t instanceMemoryMiB(const MigGpu& gpu, std::size_t profile, std::int64_t gpuMemoryMiB);

/// The least share of a GPU one instance of `profile` takes: the larger of its compute slices
/// over the GPU's and its memory slices over the GPU's.
double gpuShare(const MigGpu& gpu, std::size_t profile);

/// A share of a whole GPU's compute as an exact fraction.
struct ComputeFraction {
  std::int64_t num = 0;
  std::int64_t den = 1;
  bool fromSms = false;  ///< SMs over SMs; else compute slices over the GPU's (SMs not known)
};

/// The compute one instance of `profile` gets, as a share of the whole GPU: its SMs over the
/// GPU's (H100 1g.10gb: 16 of 132), or, where the catalog does not know the profile's SMs, its
/// compute slices over the GPU's (an assumption; the plan says so).
ComputeFraction computeFraction(const MigGpu& gpu, std::size_t profile);

/// Compute slices the geometry's instances use together.
int computeSlicesUsed(const MigGpu& gpu, const MigGeometry& geometry);

/// `3g.40gb@0 2g.20gb@4 1g.10gb@6`: the placements in order, `profile@start`.
std::string describe(const MigGpu& gpu, const MigGeometry& geometry);

/// The GPUs a user's name picks, compared without regard to case: the GPU of that name
/// (`A100-80GB`), or else every GPU of that model (`A100` gives both A100s), or else the GPUs
/// of that instance type (`p5.48xlarge`). Empty when nothing matches.
std::vector<const MigGpu*> findMigGpus(const std::vector<MigGpu>& gpus, std::string_view name);

}  // namespace gpuslice
