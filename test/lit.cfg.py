# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "QAT"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "unit"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qat_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%qat_src", config.qat_src_root))
config.substitutions.append(("%qat_obj", config.qat_obj_root))
config.substitutions.append(("%fmnist", config.fashion_mnist_dir))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

tool_dirs = [config.qat_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["qat-opt", "qat-run", "qat-compile", "qat-import", "qat-export"], tool_dirs)
llvm_config.with_environment("PATH", config.qat_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

import shutil
if shutil.which("gnuplot"):
    config.available_features.add("gnuplot")

# The x86 int8 kernel sets this CPU can run (tests of the others skip).
try:
    with open("/proc/cpuinfo") as f:
        flags = set(next((l for l in f if l.startswith("flags")), "").split())
except OSError:
    flags = set()
for isa, needs in {"avx2": ["avx2"], "avxvnni": ["avx_vnni"],
                   "avx512vnni": ["avx512_vnni", "avx512bw", "avx512vl"]}.items():
    if all(n in flags for n in needs):
        config.available_features.add(isa)

# Cross-compiled aarch64 objects run under qemu-user.
if shutil.which("qemu-aarch64") and shutil.which("aarch64-linux-gnu-gcc"):
    config.available_features.add("aarch64-cross")

# LLVM's OpenMP runtime, for code compiled for more than one thread.
if config.omp_lib and os.path.exists(config.omp_lib):
    config.available_features.add("openmp")
    config.substitutions.append(("%omp_dir", os.path.dirname(config.omp_lib)))

if os.path.isdir(config.fashion_mnist_dir):
    config.available_features.add("fashion-mnist")

# GoogleTest binaries run through lit's googletest format from a sub-suite
# (test/unit/lit.cfg.py), so one `lit` invocation prints one summary.

# The importer's libFuzzer target (built when clang-22 and
# libclang-rt-22-dev are installed).
if os.path.exists(os.path.join(config.qat_tools_dir, "qat-import-fuzzer")):
    config.available_features.add("qat-import-fuzzer")

# ONNX Runtime (npm onnxruntime-node, installed by scripts/setup.sh in
# %ort_dir) runs the models qat-export writes, under node.
node = shutil.which("node")
if node:
    config.available_features.add("node")
    config.substitutions.append(("%node", node))
    config.substitutions.append(("%ort_dir", config.ort_node_dir))
else:
    lit_config.note("node not found: the ONNX Runtime tests of qat-export "
                    "(test/Export, REQUIRES: node) are skipped")

# Debian's python3-onnx (onnx.checker), under the system Python.
import subprocess
if subprocess.call(["/usr/bin/python3", "-c", "import onnx"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0:
    config.available_features.add("python3-onnx")
else:
    lit_config.note("python3-onnx not found under /usr/bin/python3: the "
                    "onnx.checker tests of qat-export are skipped")
