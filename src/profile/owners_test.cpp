#include "profile/owners.h"

#include <doctest/doctest.h>

using namespace gpuslice;

TEST_CASE("owners: workload names from pod names") {
  CHECK(workloadFromPodName("infer-7d9f8b6c5-x2x7k") == "infer");
  CHECK(workloadFromPodName("chat-api-6b8c9d7f4-zz9kx") == "chat-api");
  CHECK(workloadFromPodName("db-0") == "db");
  CHECK(workloadFromPodName("kafka-broker-12") == "kafka-broker");
  CHECK(workloadFromPodName("train-x2x7k") == "train");
  CHECK(workloadFromPodName("notebook") == "notebook");
  CHECK(workloadFromPodName("my-app-server") == "my-app-server");  // "server" has vowels: not generated
  CHECK(workloadFromPodName("-0") == "-0");
}

TEST_CASE("owners: kube-state-metrics, up to the Deployment or CronJob") {
  OwnerIndex o;
  o.addPod("ml", "infer-abc-x2x7k", "ReplicaSet", "infer-abc");
  o.addReplicaSet("ml", "infer-abc", "Deployment", "inference");
  o.addPod("ml", "db-0", "StatefulSet", "postgres");
  o.addPod("ml", "nightly-28-zz9kx", "Job", "nightly-28");
  o.addJob("ml", "nightly-28", "CronJob", "nightly");
  o.addPod("ml", "bare", "<none>", "<none>");
  o.addPod("ml", "orphan-rs-x2x7k", "ReplicaSet", "orphan-rs");
  CHECK(o.find("ml", "infer-abc-x2x7k")->name == "inference");
  CHECK(o.find("ml", "infer-abc-x2x7k")->kind == "Deployment");
  CHECK(o.find("ml", "db-0")->kind == "StatefulSet");
  CHECK(o.find("ml", "nightly-28-zz9kx")->name == "nightly");
  CHECK(o.find("ml", "orphan-rs-x2x7k")->kind == "ReplicaSet");
  CHECK_FALSE(o.find("ml", "bare"));
  CHECK_FALSE(o.find("other", "db-0"));
}
