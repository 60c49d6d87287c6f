"""The search's phases: each a function `run(ctx, until)` working on `ctx.incumbent`.

`scheduler.solve` lists them in order with their budgets and the condition under which each
runs (its PLAN); docs/solver.md describes what each does and how to add one.
"""
