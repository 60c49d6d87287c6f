"""The exact break engine: the break problem as MaxSAT (encoding.py), solved by RC2 of
python-sat in worker processes (child.py) that a portfolio runs and stops (engine.py)."""
