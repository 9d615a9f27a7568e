"""nbval runs these notebooks with the same hash seed they were executed with
(scripts/execute_notebooks.py), so nothing that depends on str hashing can drift between runs."""

import os

os.environ.setdefault("PYTHONHASHSEED", "0")
