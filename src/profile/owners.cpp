#include "profile/owners.h"

#include <algorithm>

namespace gpuslice {

namespace {

/// The characters Kubernetes uses for generated suffixes (no vowels, no 0, 1, 3).
bool generatedChars(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::string_view("bcdfghjklmnpqrstvwxz2456789").find(c) != std::string_view::npos;
  });
}

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// `s` without its last "-part", and that part; no dash: nothing.
std::pair<std::string_view, std::string_view> splitLast(std::string_view s) {
  const std::size_t dash = s.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return {s, {}};
  return {s.substr(0, dash), s.substr(dash + 1)};
}

}  // namespace

std::string workloadFromPodName(std::string_view pod) {
  const auto [rest, last] = splitLast(pod);
  if (last.empty()) return std::string(pod);
  if (digits(last)) return std::string(rest);  // StatefulSet ordinal
  if (last.size() != 5 || !generatedChars(last)) return std::string(pod);
  const auto [base, hash] = splitLast(rest);
  // A ReplicaSet's pod-template hash: 6 to 10 generated characters.
  if (!hash.empty() && hash.size() >= 6 && hash.size() <= 10 && generatedChars(hash)) return std::string(base);
  return std::string(rest);
}

void OwnerIndex::addPod(const std::string& ns, const std::string& pod, const std::string& kind,
                        const std::string& name) {
  pods_[{ns, pod}] = Owner{kind, name};
}

void OwnerIndex::addReplicaSet(const std::string& ns, const std::string& rs, const std::string& kind,
                               const std::string& name) {
  replicaSets_[{ns, rs}] = Owner{kind, name};
}

void OwnerIndex::addJob(const std::string& ns, const std::string& job, const std::string& kind,
                        const std::string& name) {
  jobs_[{ns, job}] = Owner{kind, name};
}

std::optional<Owner> OwnerIndex::find(const std::string& ns, const std::string& pod) const {
  const auto p = pods_.find({ns, pod});
  if (p == pods_.end() || p->second.kind.empty() || p->second.kind == "<none>") return std::nullopt;
  const Owner& o = p->second;
  const auto& up = o.kind == "ReplicaSet" ? replicaSets_ : o.kind == "Job" ? jobs_ : pods_;
  if (&up == &pods_) return o;
  const auto u = up.find({ns, o.name});
  if (u == up.end() || u->second.kind.empty() || u->second.kind == "<none>") return o;
  return u->second;
}

}  // namespace gpuslice
