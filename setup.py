"""Builds embargo's optional compiled kernels (``embargo/**/*.pyx``).

Everything else is in pyproject.toml. Each kernel is optional: where no C
compiler is available the install still succeeds and embargo runs the pure
Python version of the same code, only slower.
"""

from pathlib import Path

from setuptools import Extension, setup


def kernels() -> list[Extension]:
    sources = sorted(Path("embargo").rglob("*.pyx"))
    if not sources:
        return []
    from Cython.Build import cythonize

    extensions = [
        Extension(".".join(path.with_suffix("").parts), [str(path)], optional=True) for path in sources
    ]
    return cythonize(extensions, language_level=3, quiet=True)


setup(ext_modules=kernels())
