"""Compiler flags for zring's own targets, kept in one place."""

ZRING_COPTS = [
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wno-missing-field-initializers",
]

# Tests and benchmarks include GoogleTest/Benchmark macros that trip a few
# extra warnings; they keep -Werror for everything else.
ZRING_TEST_COPTS = ZRING_COPTS + [
    "-Wno-sign-compare",
]
