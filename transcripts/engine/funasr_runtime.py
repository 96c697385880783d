"""Running funasr quietly, without quieting anyone else.

funasr prints notices when it is imported and when a model loads, and logs every load and
inference at INFO straight on the root logger. Its INFO records are dropped by a filter on the
root logger that looks at where a record comes from (its real warnings and errors stay); stdout is
captured only while funasr is imported or a model loads, never around inference, which runs on
worker threads beside other work.
"""
from __future__ import annotations

import contextlib
import io
import logging
import os
import threading
from collections.abc import Iterator

_FUNASR_FILES = f"{os.sep}funasr{os.sep}"
_installed = threading.Lock()
_filter_added = False


class _FunASRNotices(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if _FUNASR_FILES not in record.pathname:
            return True
        # "trust_remote_code: False" comes as a WARNING with every load: a notice, not a problem
        return record.levelno > logging.INFO and not str(record.msg).startswith("trust_remote_code")


def _drop_funasr_notices() -> None:
    global _filter_added
    with _installed:
        if not _filter_added:
            logging.getLogger().addFilter(_FunASRNotices())
            _filter_added = True


@contextlib.contextmanager
def quiet_funasr_load() -> Iterator[None]:
    """Around importing funasr or loading a model: its notices neither logged nor printed."""
    _drop_funasr_notices()
    with contextlib.redirect_stdout(io.StringIO()):
        yield


@contextlib.contextmanager
def quiet_funasr() -> Iterator[None]:
    """Around inference: its INFO records dropped; everything else logs and prints as usual."""
    _drop_funasr_notices()
    yield
