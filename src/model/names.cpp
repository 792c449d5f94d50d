// The names of the model's enums, as the input files, the reports and the command line spell them.
#include "model/plan.h"

namespace gpuslice {

const char* archName(Arch a) { return a == Arch::Arm64 ? "arm64" : "amd64"; }

const char* typeStatusName(TypeStatus s) { return s == TypeStatus::Retired ? "retired" : "current"; }

const char* capacityName(Capacity c) { return c == Capacity::Spot ? "spot" : "on-demand"; }

const char* strategyName(Strategy s) {
  switch (s) {
    case Strategy::Auto: return "auto";
    case Strategy::Dedicated: return "dedicated";
    case Strategy::TimeSlicing: return "time-slicing";
    case Strategy::Mps: return "mps";
    case Strategy::Mig: return "mig";
  }
  return "?";
}

const char* modeName(Mode m) {
  switch (m) {
    case Mode::Dedicated: return "dedicated";
    case Mode::TimeSlicing: return "time-slicing";
    case Mode::Mps: return "mps";
    case Mode::Mig: return "mig";
  }
  return "?";
}

const char* isolationName(Isolation i) {
  switch (i) {
    case Isolation::None: return "none";
    case Isolation::Memory: return "memory";
    case Isolation::Full: return "full";
  }
  return "?";
}

const char* limitedByName(LimitedBy l) {
  switch (l) {
    case LimitedBy::Gpu: return "gpu";
    case LimitedBy::Cpu: return "cpu";
    case LimitedBy::Memory: return "memory";
    case LimitedBy::Pods: return "pods";
  }
  return "?";
}

const char* migStrategyName(MigStrategy s) {
  switch (s) {
    case MigStrategy::None: return "none";
    case MigStrategy::Single: return "single";
    case MigStrategy::Mixed: return "mixed";
  }
  return "?";
}

const char* oomName(OomKind k) {
  switch (k) {
    case OomKind::Isolated: return "isolated";
    case OomKind::EnforcedLimit: return "enforced-limit";
    case OomKind::Shared: return "shared";
  }
  return "?";
}

}  // namespace gpuslice
