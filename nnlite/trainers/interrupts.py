"""Ctrl-C during a compiled epoch, delivered between chunks of C work."""
import signal
import threading


class DeferredInterrupt:
    """Holds a Ctrl-C (SIGINT) that arrives while a chunk of batches runs in C
    until `check()` is called between chunks, where the model, its optimizer
    counter and its metrics agree with each other; `check()` then raises
    `KeyboardInterrupt`. Only the main thread with Python's default handler
    installed is affected; anywhere else this does nothing."""

    def __init__(self):
        self.pending = False
        self._previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread() \
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self._previous = signal.signal(signal.SIGINT, self._note)
        return self

    def _note(self, signum, frame):
        self.pending = True

    def check(self):
        if self.pending:
            self.pending = False
            self._restore()
            raise KeyboardInterrupt

    def _restore(self):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None

    def __exit__(self, exc_type, exc, tb):
        self._restore()
        if self.pending and exc_type is None:
            self.pending = False
            raise KeyboardInterrupt
        return False
