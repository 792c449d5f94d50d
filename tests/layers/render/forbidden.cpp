// A render source that includes the planner, which ARCHITECTURE.md forbids: the `layers` test
// runs cmake/CheckLayer.cmake over this folder and expects it to refuse this line.
#include "model/plan.h"
#include "planner/planner.h"
