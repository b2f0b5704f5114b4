"""Progress of long management commands: a bar on a terminal, plain lines anywhere else.

On a terminal (the stream's `isatty()`), a tqdm bar redrawn in place. Elsewhere (cron's mail,
systemd's journal, a file, a pipe) a bar's carriage returns would be noise, so one plain line
every PROGRESS_INTERVAL seconds (default 5):

    Importing posts: 120 of 300 (40%), 8 s

and a last line when it ends. A run shorter than the interval prints nothing, so quick runs keep
their output as it was. `--verbosity 0` prints nothing at all.

    for post in progress(posts, desc="Importing posts", stream=self.stdout, verbosity=verbosity):
        ...
"""

import os
from time import monotonic

from django.conf import settings
from tqdm import tqdm

DEFAULT_INTERVAL = 5  # seconds between plain lines


def _interval() -> float:
    return getattr(settings, "PROGRESS_INTERVAL", DEFAULT_INTERVAL)


def _raw(stream):
    # Django's OutputWrapper ends every write with a newline; a bar must write "\r" alone.
    return getattr(stream, "_out", stream)


def _is_terminal(stream) -> bool:
    raw = _raw(stream)
    try:
        if not raw.isatty():
            return False
    except (AttributeError, ValueError):  # no isatty, or a closed file
        return False
    try:
        size = os.get_terminal_size(raw.fileno())
    except (AttributeError, ValueError, OSError):  # a tty-like object without a descriptor
        return True
    # A pseudo-terminal with no size (`script` without a terminal, some CI runners): tqdm would
    # draw nothing there, so plain lines instead.
    return size.columns > 0 and size.lines > 0


class Progress:
    """Counts work done and shows it on `stream` (see the module docstring). Use as a context
    manager, calling `update()` per item done."""

    def __init__(self, *, desc, stream, total=None, verbosity=1, unit="item"):
        self.desc = desc
        self.total = total
        self.done = 0
        self.silent = stream is None or verbosity < 1
        self._stream = _raw(stream)
        self._bar = None
        self._started = self._last_line = monotonic()
        self._lines = 0
        if not self.silent and _is_terminal(stream):
            self._bar = tqdm(
                total=total, desc=desc, unit=unit, file=self._stream, dynamic_ncols=True
            )

    def update(self, n=1) -> None:
        self.done += n
        if self.silent:
            return
        if self._bar is not None:
            self._bar.update(n)
            return
        now = monotonic()
        if now - self._last_line >= _interval():
            self._last_line = now
            self._write_line(now)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif not self.silent and self._lines:
            # Only after periodic lines: a quick run stays quiet.
            self._write_line(monotonic(), ending="done in")

    def _write_line(self, now, ending="") -> None:
        done = f"{self.done:,}"
        if self.total:
            done += f" of {self.total:,} ({100 * self.done // self.total}%)"
        seconds = f"{now - self._started:.0f} s"
        self._stream.write(f"{self.desc}: {done}, {ending + ' ' if ending else ''}{seconds}\n")
        self._stream.flush()
        self._lines += 1

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def progress(iterable, *, desc, stream, total=None, verbosity=1, unit="item"):
    """Yields `iterable`'s items, showing progress on `stream` (see the module docstring)."""
    if total is None:
        try:
            total = len(iterable)
        except TypeError:  # a generator or an iterator: no total, a count
            total = None
    with Progress(desc=desc, stream=stream, total=total, verbosity=verbosity, unit=unit) as bar:
        for item in iterable:
            yield item
            bar.update()


def silent(iterable, **kwargs):
    """A stand-in for `progress` that shows nothing (the default of functions taking one)."""
    return iterable
