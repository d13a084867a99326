"""cffi builder for nnlite's C core (API mode, out-of-line).

Wires the one public header (`nnlite.h`) as the cdef and every `csrc/*.c` file
as a source. Paths are relative to this file so the build works from a clean
checkout and from the sdist alike.
"""
import glob
import os
import re
import sys

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))


def _cdef_from_header(path):
    """Turns nnlite.h into text cffi's cdef parser accepts.

    Comments, include guards and includes go; `#define NL_X <int>` constants
    become `static const int` declarations.
    """
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        m = re.match(r"#define\s+(NL_\w+)\s+(-?\d+)\s*$", stripped)
        if m:
            out.append("static const int %s;" % m.group(1))
        elif not stripped.startswith("#"):
            out.append(line)
    return "\n".join(out)


# NNLITE_SANITIZE=1 builds the core with AddressSanitizer and
# UndefinedBehaviorSanitizer (CI's sanitizer stage; not for releases).
SANITIZE = os.environ.get("NNLITE_SANITIZE", "") not in ("", "0")
_SANITIZE_FLAGS = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer",
                   "-fno-sanitize-recover=undefined"]


def _compile_args():
    if sys.platform == "win32":
        return ["/O2"]
    # Portable: no machine-specific -march flag; SIMD code is chosen at run time.
    # The sanitizer build drops -O3 and puts its flags last, so they win over
    # the optimization level setuptools itself passes (from CFLAGS / sysconfig).
    opt = [] if SANITIZE else ["-O3"]
    tail = ["-O1", "-g"] + _SANITIZE_FLAGS if SANITIZE else []
    return opt + [ "-std=c99", "-Wall", "-Wextra", "-fno-strict-aliasing", "-fno-math-errno",
            # no implicit FMA contraction: GCC may contract a loop's vector body
            # and its scalar peel/epilogue differently, which made elementwise
            # results depend on where NumPy placed the arrays (1-ulp differences
            # between identical runs); the GEMM kernels use FMA intrinsics
            "-ffp-contract=off",
            "-pthread"] + tail


def _link_args():
    if sys.platform == "win32":
        return []
    return ["-pthread"] + (_SANITIZE_FLAGS if SANITIZE else [])


def _rel(paths):
    """Paths relative to the project root, '/'-separated, as setuptools requires."""
    root = os.path.dirname(HERE)
    return [os.path.relpath(p, root).replace(os.sep, "/") for p in sorted(paths)]


ffibuilder = FFI()
ffibuilder.cdef(_cdef_from_header(os.path.join(HERE, "nnlite.h")))
ffibuilder.set_source(
    "nnlite._nnlite",
    '#include "nnlite.h"',
    sources=_rel(glob.glob(os.path.join(HERE, "*.c"))),
    include_dirs=_rel([HERE]),
    # templates are #included: list them so edits trigger a rebuild
    depends=_rel(glob.glob(os.path.join(HERE, "*.h"))),
    extra_compile_args=_compile_args(),
    libraries=[] if sys.platform == "win32" else ["m"],
    extra_link_args=_link_args(),
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
