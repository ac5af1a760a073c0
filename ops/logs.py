"""Log records as JSON lines. Imported by settings.LOGGING before the apps are loaded:
nothing here may import a model."""

import datetime
import json
import logging


class JsonLineFormatter(logging.Formatter):
    """A record as one JSON object: time (UTC, ISO 8601), level, logger, message, and the
    fields given in `extra={"fields": {...}}`."""

    def format(self, record):
        line = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)

    def formatTime(self, record, datefmt=None):
        moment = datetime.datetime.fromtimestamp(record.created, datetime.UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
