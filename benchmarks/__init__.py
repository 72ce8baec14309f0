"""splice's benchmarks: ``python -m benchmarks`` from the repository root.

Each figure is printed with its goal, pass or fail, and a baseline measured in
the same run (bare sqlite3, networkx, kuzu), with splice's cost relative to
it. See ``benchmarks/README.md``.
"""
