"""Runs onnx.checker (with shape inference) on ONNX files; for the tests of
qat-export, with Debian's python3-onnx under /usr/bin/python3."""
import os
import sys

import onnx

for path in sys.argv[1:]:
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    opset = next(o.version for o in model.opset_import if o.domain == "")
    print(f"{os.path.basename(path)}: onnx.checker (full_check) OK, "
          f"opset {opset}, {len(model.graph.node)} nodes")
