// From a pod to the workload that owns it: kube-state-metrics where its series were given,
// else the pod's name.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace gpuslice {

/// A workload a pod belongs to, and how that was found.
struct Owner {
  std::string kind;  ///< Deployment, StatefulSet, Job, CronJob, DaemonSet, ReplicaSet; empty from a name
  std::string name;
};

/// The name a pod's controller gave it, without the suffixes Kubernetes adds: a Deployment's
/// pod "infer-7d9f8b6c5-x2x7k" -> "infer" (ReplicaSet hash and pod suffix), a StatefulSet's
/// "db-0" -> "db", a Job's or DaemonSet's "train-x2x7k" -> "train". Other names as they are.
std::string workloadFromPodName(std::string_view pod);

/// Owner references from kube-state-metrics: kube_pod_owner (pod -> ReplicaSet, StatefulSet,
/// Job, ...), kube_replicaset_owner (ReplicaSet -> Deployment), kube_job_owner (Job -> CronJob).
class OwnerIndex {
 public:
  void addPod(const std::string& ns, const std::string& pod, const std::string& kind, const std::string& name);
  void addReplicaSet(const std::string& ns, const std::string& rs, const std::string& kind, const std::string& name);
  void addJob(const std::string& ns, const std::string& job, const std::string& kind, const std::string& name);
  bool empty() const { return pods_.empty(); }
  /// The top owner of a pod (a ReplicaSet's Deployment, a Job's CronJob), if known.
  std::optional<Owner> find(const std::string& ns, const std::string& pod) const;

 private:
  using Key = std::pair<std::string, std::string>;  // namespace, name
  std::map<Key, Owner> pods_, replicaSets_, jobs_;
};

}  // namespace gpuslice
