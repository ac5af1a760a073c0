"""`make run`: the development server, one background-job worker beside it (imports, the
pool's automatic return) and the scheduler that queues the periodic jobs, stopped together:
`db_worker`, or `rqworker` with POOLCRM_TASKS=rq (config/settings.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]

WORKER = ["rqworker"] if os.environ.get("POOLCRM_TASKS") == "rq" else ["db_worker", "--no-reload"]

helpers = [subprocess.Popen([*MANAGE, *command], cwd=ROOT) for command in (WORKER, ["schedule"])]
try:
    sys.exit(subprocess.call([*MANAGE, "runserver", *sys.argv[1:]], cwd=ROOT))
except KeyboardInterrupt:
    sys.exit(0)
finally:
    for helper in helpers:
        helper.terminate()
    for helper in helpers:
        helper.wait(timeout=30)
