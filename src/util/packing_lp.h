// A packing LP, small and dense: maximise c . y over y >= 0 with A y <= 1 on every row of A,
// where A and c are non-negative. Solved exactly enough for a bound (doubles, tolerance 1e-12)
// by the simplex method on a dense tableau; meant for a few dozen rows and columns.
#pragma once

#include <vector>

namespace gpuslice {

/// The y >= 0 that maximises `objective` . y subject to, for every row r of `rows`,
/// rows[r] . y <= 1. `rows` are all as long as `objective`; entries are >= 0, and every
/// column with a positive objective must have a positive entry in some row (else the LP is
/// unbounded; that column then stays 0). Columns of objective 0 stay 0.
///
/// The origin is a vertex (the slacks form the first basis), so no first phase is needed;
/// pivots follow Bland's rule (the first improving column, ties on the ratio broken by the
/// lowest basic index), so the method cannot cycle. At most 10000 pivots.
///
/// The answer is then scaled down so that no row's sum passes 1 after rounding: every row of
/// the returned y sums to below 1 by at least a factor 1e-9.
std::vector<double> maximizePacking(const std::vector<std::vector<double>>& rows, const std::vector<double>& objective);

}  // namespace gpuslice
