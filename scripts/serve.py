"""`make run`: the development server and one background-job worker beside it (imports),
stopped together: `db_worker`, or `rqworker` with POOLCRM_TASKS=rq (config/settings.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]

WORKER = ["rqworker"] if os.environ.get("POOLCRM_TASKS") == "rq" else ["db_worker", "--no-reload"]

worker = subprocess.Popen([*MANAGE, *WORKER], cwd=ROOT)
try:
    sys.exit(subprocess.call([*MANAGE, "runserver", *sys.argv[1:]], cwd=ROOT))
except KeyboardInterrupt:
    sys.exit(0)
finally:
    worker.terminate()
    worker.wait(timeout=30)
