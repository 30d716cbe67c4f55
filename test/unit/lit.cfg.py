# -*- Python -*-
# Runs the GoogleTest binaries of test/unit; each test case is one lit test.
import lit.formats

config.name = "QAT-Unit"
config.test_format = lit.formats.GoogleTest(".", "Tests")
config.test_source_root = config.qat_unit_dir
config.test_exec_root = config.qat_unit_dir
config.environment["QAT_SOURCE_DIR"] = config.qat_src_root
