//===- Print.cpp - the model summary as a table ---------------------------===//

#include "qat/Summary/Summary.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::qat;

/// 1234567 -> "1,234,567".
static std::string withCommas(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

static std::string formatFloat(double v) {
  std::string s;
  llvm::raw_string_ostream(s) << llvm::format("%.4g", v);
  return s;
}

/// "0.0235" or, over channels, "1.2e-03..4.5e-03".
template <typename T>
static std::string formatRange(ArrayRef<T> values, bool isFloat) {
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  auto fmt = [&](T v) {
    return isFloat ? formatFloat(v) : std::to_string(int64_t(v));
  };
  return *lo == *hi ? fmt(*lo) : fmt(*lo) + ".." + fmt(*hi);
}

/// "ui8[0,127] per-tensor affine moving_average: scale 0.0235 zp 0".
static std::string formatQuant(const QuantSummary &q) {
  std::string s = q.dtype;
  s += q.axis ? " per-channel(axis " + std::to_string(*q.axis) + ")"
              : " per-tensor";
  s += q.symmetric ? " symmetric " : " affine ";
  s += q.observer + ": ";
  if (!q.observed || q.scales.empty())
    s += "unobserved";
  else
    s += "scale " + formatRange<float>(q.scales, true) + " zp " +
         formatRange<int64_t>(q.zeroPoints, false);
  if (q.scales.size() > 1)
    s += " (" + std::to_string(q.scales.size()) + " channels)";
  return q.sameAsInput ? s + " (its input's)" : s;
}

static StringRef kindName(ModelKind kind) {
  switch (kind) {
  case ModelKind::Float:
    return "float";
  case ModelKind::FakeQuant:
    return "fake-quant (prepared or trained)";
  case ModelKind::Int8:
    return "int8 (converted)";
  }
  llvm_unreachable("unknown model kind");
}

/// The cells of one row.
static SmallVector<std::string, 6> formatRow(const LayerSummary &l,
                                             ModelKind kind) {
  std::string none = kind == ModelKind::Float ? "-" : "float";
  bool hasWeight = l.params > 0 && l.op != "batch_norm";
  std::string shape =
      l.shape.empty() ? "scalar"
                      : llvm::join(llvm::map_range(l.shape,
                                                   [](int64_t d) {
                                                     return std::to_string(d);
                                                   }),
                                   "x");
  return {l.name,
          l.op,
          shape,
          withCommas(l.params),
          l.weight ? formatQuant(*l.weight) : (hasWeight ? none : "-"),
          l.activation ? formatQuant(*l.activation) : none};
}

void qat::printModelSummary(const ModelSummary &s, llvm::raw_ostream &os) {
  SmallVector<SmallVector<std::string, 6>> rows = {
      {"Layer", "Op", "Output", "Params", "Weight", "Activation"}};
  for (const LayerSummary &l : s.layers)
    rows.push_back(formatRow(l, s.kind));
  size_t widths[6] = {};
  for (auto &row : rows)
    for (auto [i, cell] : llvm::enumerate(row))
      widths[i] = std::max(widths[i], cell.size());
  os << "@" << s.entry << ": " << kindName(s.kind) << " model\n";
  for (auto [r, row] : llvm::enumerate(rows)) {
    std::string line;
    for (auto [i, cell] : llvm::enumerate(row)) {
      // Params right-aligned, the rest left-aligned; no trailing spaces.
      size_t pad = widths[i] - cell.size();
      if (i == 3)
        line += std::string(pad, ' ') + cell;
      else
        line += cell + (i + 1 < row.size() ? std::string(pad, ' ') : "");
      if (i + 1 < row.size())
        line += "  ";
    }
    os << line << "\n";
    if (r == 0)
      os << std::string(line.size(), '-') << "\n";
  }
  int64_t layers = llvm::count_if(
      s.layers, [](const LayerSummary &l) { return l.op != "input"; });
  os << "Total: " << layers << " layers, " << withCommas(s.params)
     << " parameters (" << llvm::format("%.1f", s.paramBytes / 1024.0)
     << " KiB), " << withCommas(s.stateElements) << " state elements\n";
  if (s.kind == ModelKind::FakeQuant)
    os << "Observers: " << s.observedObservers << " of " << s.observers
       << " have seen data\n";
}
