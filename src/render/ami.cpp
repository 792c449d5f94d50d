// The node image of the EC2NodeClass: the --ami family's alias or the user's own images
// (--ami-selector), and whether the image's NVIDIA driver drives every pool's GPU.
#include <fmt/format.h>

#include <algorithm>

#include "render/detail.h"

namespace gpuslice {

const char* amiName(Ami a) { return a == Ami::Bottlerocket ? "bottlerocket" : "al2023"; }

namespace {

constexpr const char* kSelectorForms = "id=ami-..., name=PATTERN or tag:KEY=VALUE";

Error badSelector(std::string_view text, const std::string& why) {
  return Error{ErrorKind::Usage, "", 0, "--ami-selector",
               fmt::format("\"{}\": {} (the forms: {})", text, why, kSelectorForms)};
}

bool amiId(std::string_view id) {
  if (id.size() <= 4 || id.substr(0, 4) != "ami-") return false;
  return std::all_of(id.begin() + 4, id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

}  // namespace

Result<AmiSelectorTerm> parseAmiSelector(std::string_view text) {
  const std::size_t eq = text.find('=');
  if (eq == std::string_view::npos) return badSelector(text, "no '='");
  const std::string_view what = text.substr(0, eq);
  const std::string value(text.substr(eq + 1));
  if (value.empty()) return badSelector(text, "the value after '=' is empty");
  if (what == "id") {
    if (!amiId(value)) return badSelector(text, "an id is ami- and lower-case letters and digits");
    return AmiSelectorTerm{AmiSelectorTerm::By::Id, "", value};
  }
  if (what == "name") return AmiSelectorTerm{AmiSelectorTerm::By::Name, "", value};
  if (what.substr(0, 4) == "tag:") {
    if (what.size() == 4) return badSelector(text, "the tag's key is empty");
    return AmiSelectorTerm{AmiSelectorTerm::By::Tag, std::string(what.substr(4)), value};
  }
  return badSelector(text, fmt::format("unknown selector \"{}\"", what));
}

namespace detail {

namespace {

/// The GPU model of pool p, when it needs a driver branch at least.
const GpuModel* needsDriver(const RenderContext& c, const Pool& p) {
  const GpuModel* gpu = c.catalog.findGpu(p.gpuModel);
  return gpu && gpu->minDriver ? gpu : nullptr;
}

std::string branchText(const DriverBranch& b) { return std::to_string(b.branch) + (b.observed ? "" : " (assumed)"); }

/// The pool whose GPUs need the newest driver, and that model; nulls when none needs one.
std::pair<const Pool*, const GpuModel*> neediestPool(const RenderContext& c) {
  std::pair<const Pool*, const GpuModel*> out{nullptr, nullptr};
  for (const Pool& p : c.plan.pools) {
    const GpuModel* g = needsDriver(c, p);
    if (g && (!out.second || g->minDriver->branch > out.second->minDriver->branch)) out = {&p, g};
  }
  return out;
}

/// The pool whose GPUs the fewest driver branches drive, and its ceiling; nulls when none has one.
std::pair<const Pool*, const DriverCeiling*> lowestCeilingPool(const RenderContext& c) {
  std::pair<const Pool*, const DriverCeiling*> out{nullptr, nullptr};
  for (const Pool& p : c.plan.pools) {
    const DriverCeiling* d = c.catalog.driverCeilingOf(p.instanceType);
    if (d && (!out.second || d->maxBranch.branch < out.second->maxBranch.branch)) out = {&p, d};
  }
  return out;
}

/// With --ami-selector every EC2NodeClass gets the same images: an error when no one driver
/// branch drives every pool (g7 needs 595 or later, p3dn's V100s and g6f's slices stop at 580).
std::optional<Error> oneImageForAll(const RenderContext& c) {
  const auto [needy, gpu] = neediestPool(c);
  const auto [capped, ceiling] = lowestCeilingPool(c);
  if (!gpu || !ceiling || gpu->minDriver->branch <= ceiling->maxBranch.branch) return std::nullopt;
  return Error{ErrorKind::BadInput, "", 0, "--ami-selector",
               fmt::format("no one image drives every pool: pool {}'s {} GPUs ({}) need NVIDIA driver {} or later, "
                           "but pool {}'s {} runs driver {} or older, and --ami-selector gives every EC2NodeClass the "
                           "same images; plan and render those workloads in separate runs",
                           needy->name, gpu->name, needy->instanceType, branchText(*gpu->minDriver), capped->name,
                           capped->instanceType, branchText(ceiling->maxBranch))};
}

}  // namespace

const AmiImage* amiImage(const RenderContext& c) { return c.catalog.findAmi(amiName(c.options.ami)); }

ErrorList driverProblems(const RenderContext& c) {
  ErrorList out;
  const AmiImage* image = amiImage(c);
  if (!c.options.amiSelector.empty()) {
    if (auto e = oneImageForAll(c)) out.push_back(std::move(*e));
    return out;
  }
  if (!image) return out;
  for (const Pool& p : c.plan.pools) {
    const DriverCeiling* ceiling = c.catalog.driverCeilingOf(p.instanceType);
    if (!ceiling || image->driver.branch <= ceiling->maxBranch.branch) continue;
    out.push_back(
        Error{ErrorKind::BadInput, "", 0, "pools." + p.name,
              fmt::format("its {} nodes run NVIDIA driver {} or older, but --ami {} ({}, {}) ships {}; "
                          "give an image with driver {} with --ami-selector ({})",
                          p.instanceType, branchText(ceiling->maxBranch), image->ami, image->alias, image->release,
                          branchText(image->driver), ceiling->maxBranch.branch, kSelectorForms)});
  }
  for (const Pool& p : c.plan.pools) {
    const GpuModel* gpu = needsDriver(c, p);
    if (!gpu || gpu->minDriver->branch <= image->driver.branch) continue;
    out.push_back(
        Error{ErrorKind::BadInput, "", 0, "pools." + p.name,
              fmt::format("its {} GPUs ({}) need NVIDIA driver {} or later, but --ami {} ({}, {}) ships {}; build an "
                          "AMI with driver {} or later and give it with --ami-selector ({})",
                          gpu->name, p.instanceType, branchText(*gpu->minDriver), image->ami, image->alias,
                          image->release, branchText(image->driver), gpu->minDriver->branch, kSelectorForms)});
  }
  return out;
}

Value amiSelectorTerms(const RenderContext& c) {
  Value terms = Value::list();
  if (c.options.amiSelector.empty()) {
    const AmiImage* image = amiImage(c);
    Value alias = Value::map();
    alias.set("alias", Value::string(image ? image->alias : std::string(amiName(c.options.ami)) + "@latest"));
    terms.push(std::move(alias));
    return terms;
  }
  for (const AmiSelectorTerm& t : c.options.amiSelector) {
    Value term = Value::map();
    switch (t.by) {
      case AmiSelectorTerm::By::Id: term.set("id", Value::string(t.value)); break;
      case AmiSelectorTerm::By::Name: term.set("name", Value::string(t.value)); break;
      case AmiSelectorTerm::By::Tag: term.set("tags", Value::map()).set(t.key, Value::string(t.value)); break;
    }
    terms.push(std::move(term));
  }
  return terms;
}

std::optional<Value> amiFamily(const RenderContext& c) {
  if (c.options.amiSelector.empty()) return std::nullopt;  // the alias says it
  return Value::string(c.options.ami == Ami::Bottlerocket ? "Bottlerocket" : "AL2023");
}

std::vector<std::string> customAmiComments(const RenderContext& c) {
  if (c.options.amiSelector.empty()) return {};
  std::vector<std::string> out;
  const AmiImage* image = amiImage(c);
  out.push_back(fmt::format("amiSelectorTerms: your own image (--ami-selector), not {}; amiFamily {} sets up",
                            image ? image->alias : amiName(c.options.ami), amiFamily(c)->text));
  out.push_back("its nodes as Karpenter does for that family.");
  const auto [neediest, gpu] = neediestPool(c);
  if (neediest) {
    out.push_back(fmt::format("The image must carry NVIDIA driver {} or later: pool {}'s {} needs it.",
                              gpu->minDriver->branch, neediest->name, gpu->name));
  }
  const auto [capped, ceiling] = lowestCeilingPool(c);
  if (capped) {
    out.push_back(fmt::format("The image's NVIDIA driver must be {} or older: pool {}'s {} runs no newer.",
                              ceiling->maxBranch.branch, capped->name, capped->instanceType));
  }
  return out;
}

}  // namespace detail

}  // namespace gpuslice
