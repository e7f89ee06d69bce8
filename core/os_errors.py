"""Operating-system errors as Norwegian sentences (the user reads them, not a traceback)."""

from __future__ import annotations

import errno

_REASONS = {
    errno.ENOENT: "finnes ikke",
    errno.EACCES: "ingen tilgang",
    errno.EPERM: "ikke tillatt",
    errno.ENOSPC: "disken er full",
    errno.EROFS: "filsystemet er skrivebeskyttet",
    errno.EISDIR: "er en mappe, ikke en fil",
    errno.ENOTDIR: "en del av stien er ikke en mappe",
    errno.EEXIST: "finnes allerede",
    errno.EADDRINUSE: "adressen er allerede i bruk",
    errno.EADDRNOTAVAIL: "adressen finnes ikke på denne maskinen",
    errno.ECONNREFUSED: "tilkoblingen ble avvist",
    errno.ETIMEDOUT: "tidsavbrudd",
    errno.EMFILE: "for mange åpne filer",
}


def os_error_text(exc: OSError) -> str:
    """«<file>: ingen tilgang» — the path when known, the reason in bokmål."""
    reason = _REASONS.get(exc.errno or 0, f"systemfeil {exc.errno}" if exc.errno else str(exc))
    return f"{exc.filename}: {reason}" if exc.filename else reason
