"""scheduler/ stays pure: importing it pulls in no web or database package."""

from __future__ import annotations

import json
import subprocess
import sys


def test_scheduler_imports_no_web_or_database_code() -> None:
    code = (
        "import json, sys\n"
        "import scheduler.cli, scheduler.solve, scheduler.check, scheduler.formats\n"
        "import scheduler.matching, scheduler.text\n"
        "import scheduler.resolve, scheduler.walkin\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    modules = json.loads(subprocess.check_output([sys.executable, "-c", code], text=True))
    forbidden = {"fastapi", "sqlmodel", "sqlalchemy", "starlette", "jinja2", "web", "psycopg"}
    assert {m.split(".")[0] for m in modules} & forbidden == set()
    assert "ortools" in {m.split(".")[0] for m in modules}  # the check can see real imports
