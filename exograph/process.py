"""Child processes that never outlive their parent (Linux: ``prctl(PR_SET_PDEATHSIG)``)."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable


def _load_prctl() -> Callable[..., int] | None:
    """libc's ``prctl`` (Linux only), resolved once, before any fork; ``None`` where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return prctl


_PRCTL = _load_prctl()
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(parent: int) -> None:
    """In a process just forked by ``parent``: be killed (SIGKILL) when the parent ends.

    The kernel sends the signal when the parent *thread* that forked us ends. ``parent`` may have
    ended before the request took effect (we are then already another process's child): exit at
    once. Without ``prctl`` (not Linux) only that check is made.
    """
    if _PRCTL is not None:
        zero = ctypes.c_ulong(0)
        _PRCTL(ctypes.c_int(_PR_SET_PDEATHSIG), ctypes.c_ulong(signal.SIGKILL), zero, zero, zero)  # a failure leaves today's behaviour
    if os.getppid() != parent:
        os._exit(1)
