#include "mig/geometry.h"

#include <fmt/format.h>
#include <algorithm>
#include <tuple>

namespace gpuslice {

namespace {

bool placementLess(const MigPlacement& a, const MigPlacement& b) {
  return std::tie(a.start, a.profile) < std::tie(b.start, b.profile);
}

bool geometryLess(const MigGeometry& a, const MigGeometry& b) {
  return std::lexicographical_compare(a.placements.begin(), a.placements.end(), b.placements.begin(),
                                      b.placements.end(), placementLess);
}

std::string placementName(const MigGpu& gpu, const MigPlacement& p) {
  return fmt::format("{}@{}", gpu.profiles[p.profile].name, p.start);
}

/// What one GPU holds while instances are added: which memory slices are taken, how many of
/// each profile, whether a +me instance exists, the compute slices used.
struct Occupancy {
  std::vector<bool> taken;
  std::vector<int> counts;
  bool media = false;
  int compute = 0;

  explicit Occupancy(const MigGpu& gpu)
      : taken(static_cast<std::size_t>(std::max(gpu.memorySlices, 0)), false), counts(gpu.profiles.size(), 0) {}

  bool canPlace(const MigGpu& gpu, std::size_t profile, int start) const {
    const MigProfile& p = gpu.profiles[profile];
    if (std::find(p.starts.begin(), p.starts.end(), start) == p.starts.end()) return false;
    if (start < 0 || start + p.memorySlices > gpu.memorySlices) return false;
    for (int s = start; s < start + p.memorySlices; ++s) {
      if (taken[static_cast<std::size_t>(s)]) return false;
    }
    if (counts[profile] >= p.maxCount) return false;
    if (p.mediaExtensions && media) return false;
    return compute + p.computeSlices <= gpu.computeSlices;
  }

  void set(const MigGpu& gpu, std::size_t profile, int start, bool on) {
    const MigProfile& p = gpu.profiles[profile];
    for (int s = start; s < start + p.memorySlices; ++s) taken[static_cast<std::size_t>(s)] = on;
    counts[profile] += on ? 1 : -1;
    if (p.mediaExtensions) media = on;
    compute += on ? p.computeSlices : -p.computeSlices;
  }

  bool maximal(const MigGpu& gpu) const {
    for (std::size_t i = 0; i < gpu.profiles.size(); ++i) {
      for (int start : gpu.profiles[i].starts) {
        if (canPlace(gpu, i, start)) return false;
      }
    }
    return true;
  }
};

/// Depth first over memory slices, left to right: at `slot`, either start an instance of some
/// profile there or leave the slot empty. Every valid geometry is reached exactly once.
void enumerate(const MigGpu& gpu, Occupancy& occ, int slot, std::vector<MigPlacement>& current,
               std::vector<MigGeometry>& out) {
  if (slot >= gpu.memorySlices) {
    if (occ.maximal(gpu)) out.push_back(MigGeometry{current});
    return;
  }
  for (std::size_t i = 0; i < gpu.profiles.size(); ++i) {
    if (!occ.canPlace(gpu, i, slot)) continue;
    occ.set(gpu, i, slot, true);
    current.push_back({i, slot});
    enumerate(gpu, occ, slot + gpu.profiles[i].memorySlices, current, out);
    current.pop_back();
    occ.set(gpu, i, slot, false);
  }
  enumerate(gpu, occ, slot + 1, current, out);
}

std::string startList(const std::vector<int>& starts) { return fmt::format("{}", fmt::join(starts, ", ")); }

}  // namespace

MigGeometry MigGeometry::of(std::vector<MigPlacement> placements) {
  std::sort(placements.begin(), placements.end(), placementLess);
  return MigGeometry{std::move(placements)};
}

std::optional<std::string> whyInvalid(const MigGpu& gpu, const MigGeometry& geometry) {
  // Which placement holds each memory slice, -1 for none.
  std::vector<long> owner(static_cast<std::size_t>(std::max(gpu.memorySlices, 0)), -1);
  for (std::size_t i = 0; i < geometry.placements.size(); ++i) {
    const MigPlacement& pl = geometry.placements[i];
    if (pl.profile >= gpu.profiles.size()) {
      return fmt::format("placement {} refers to profile {}, but {} has {} profiles", i, pl.profile, gpu.name,
                         gpu.profiles.size());
    }
    const MigProfile& p = gpu.profiles[pl.profile];
    if (std::find(p.starts.begin(), p.starts.end(), pl.start) == p.starts.end()) {
      return fmt::format("{} cannot start at memory slice {} (allowed: {})", p.name, pl.start, startList(p.starts));
    }
    const int end = pl.start + p.memorySlices;
    if (pl.start < 0 || end > gpu.memorySlices) {
      return fmt::format("{} needs memory slices {} to {}, but {} has slices 0 to {}", placementName(gpu, pl), pl.start,
                         end - 1, gpu.name, gpu.memorySlices - 1);
    }
    for (int s = pl.start; s < end; ++s) {
      long& o = owner[static_cast<std::size_t>(s)];
      if (o >= 0) {
        return fmt::format("{} and {} overlap on memory slice {}",
                           placementName(gpu, geometry.placements[static_cast<std::size_t>(o)]), placementName(gpu, pl),
                           s);
      }
      o = static_cast<long>(i);
    }
  }
  const std::vector<int> counts = profileCounts(gpu, geometry);
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] > gpu.profiles[i].maxCount) {
      return fmt::format("{} instances of {}, at most {} allowed", counts[i], gpu.profiles[i].name,
                         gpu.profiles[i].maxCount);
    }
  }
  std::vector<std::string> media;
  for (const MigPlacement& pl : geometry.placements) {
    if (gpu.profiles[pl.profile].mediaExtensions) media.push_back(placementName(gpu, pl));
  }
  if (media.size() > 1) {
    return fmt::format("{} media-extension (+me) instances ({}), at most one per GPU", media.size(),
                       fmt::join(media, ", "));
  }
  const int compute = computeSlicesUsed(gpu, geometry);
  if (compute > gpu.computeSlices) {
    return fmt::format("uses {} compute slices, {} has {}", compute, gpu.name, gpu.computeSlices);
  }
  return std::nullopt;
}

std::vector<MigGeometry> maximalGeometries(const MigGpu& gpu) {
  std::vector<MigGeometry> out;
  if (gpu.memorySlices < 1) return out;
  Occupancy occ(gpu);
  std::vector<MigPlacement> current;
  enumerate(gpu, occ, 0, current, out);
  std::sort(out.begin(), out.end(), geometryLess);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<int> profileCounts(const MigGpu& gpu, const MigGeometry& geometry) {
  std::vector<int> counts(gpu.profiles.size(), 0);
  for (const MigPlacement& pl : geometry.placements) {
    if (pl.profile < counts.size()) ++counts[pl.profile];
  }
  return counts;
}

double gpuShare(const MigGpu& gpu, std::size_t profile) {
  const MigProfile& p = gpu.profiles[profile];
  return std::max(static_cast<double>(p.computeSlices) / std::max(gpu.computeSlices, 1),
                  static_cast<double>(p.memorySlices) / std::max(gpu.memorySlices, 1));
}

std::int64_t instanceMemoryMiB(const MigGpu& gpu, std::size_t profile, std::int64_t gpuMemoryMiB) {
  const MigProfile& p = gpu.profiles[profile];
  return std::min(p.usableMiB, gpuMemoryMiB * p.memorySlices / gpu.memorySlices);
}

ComputeFraction computeFraction(const MigGpu& gpu, std::size_t profile) {
  const MigProfile& p = gpu.profiles[profile];
  if (p.sms && gpu.sms > 0) return ComputeFraction{*p.sms, gpu.sms, true};
  return ComputeFraction{p.computeSlices, std::max(gpu.computeSlices, 1), false};
}

int computeSlicesUsed(const MigGpu& gpu, const MigGeometry& geometry) {
  int sum = 0;
  for (const MigPlacement& pl : geometry.placements) {
    if (pl.profile < gpu.profiles.size()) sum += gpu.profiles[pl.profile].computeSlices;
  }
  return sum;
}

std::string describe(const MigGpu& gpu, const MigGeometry& geometry) {
  std::string out;
  for (const MigPlacement& pl : geometry.placements) {
    if (!out.empty()) out += ' ';
    out += pl.profile < gpu.profiles.size() ? placementName(gpu, pl) : fmt::format("?@{}", pl.start);
  }
  return out;
}

std::vector<const MigGpu*> findMigGpus(const std::vector<MigGpu>& gpus, std::string_view name) {
  auto same = [name](std::string_view s) {
    return s.size() == name.size() && std::equal(s.begin(), s.end(), name.begin(), [](char a, char b) {
             auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
             return lower(a) == lower(b);
           });
  };
  std::vector<const MigGpu*> found;
  for (const MigGpu& g : gpus) {
    if (same(g.name)) found.push_back(&g);
  }
  if (!found.empty()) return found;
  for (const MigGpu& g : gpus) {
    if (same(g.model)) found.push_back(&g);
  }
  if (!found.empty()) return found;
  for (const MigGpu& g : gpus) {
    if (std::any_of(g.instanceTypes.begin(), g.instanceTypes.end(), same)) found.push_back(&g);
  }
  return found;
}

}  // namespace gpuslice
