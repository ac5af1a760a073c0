"""`make run`: the development server and one background-job worker beside it (imports),
stopped together."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]

worker = subprocess.Popen([*MANAGE, "db_worker", "--no-reload"], cwd=ROOT)
try:
    sys.exit(subprocess.call([*MANAGE, "runserver", *sys.argv[1:]], cwd=ROOT))
except KeyboardInterrupt:
    sys.exit(0)
finally:
    worker.terminate()
    worker.wait(timeout=30)
