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

}  // namespace

const AmiImage* amiImage(const RenderContext& c) { return c.catalog.findAmi(amiName(c.options.ami)); }

ErrorList driverProblems(const RenderContext& c) {
  ErrorList out;
  const AmiImage* image = amiImage(c);
  if (!c.options.amiSelector.empty() || !image) return out;
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
  const Pool* neediest = nullptr;
  const GpuModel* gpu = nullptr;
  for (const Pool& p : c.plan.pools) {
    const GpuModel* g = needsDriver(c, p);
    if (g && (!gpu || g->minDriver->branch > gpu->minDriver->branch)) {
      neediest = &p;
      gpu = g;
    }
  }
  if (neediest) {
    out.push_back(fmt::format("The image must carry NVIDIA driver {} or later: pool {}'s {} needs it.",
                              gpu->minDriver->branch, neediest->name, gpu->name));
  }
  return out;
}

}  // namespace detail

}  // namespace gpuslice
