"""Operating-system errors as Norwegian sentences (the user reads them, not a traceback)."""

from __future__ import annotations

import errno

from core.i18n import t

_REASONS = {
    errno.ENOENT: t("core.os_errors.finnes_ikke"),
    errno.EACCES: t("core.os_errors.ingen_tilgang"),
    errno.EPERM: t("core.os_errors.ikke_tillatt"),
    errno.ENOSPC: t("core.os_errors.disken_er_full"),
    errno.EROFS: t("core.os_errors.filsystemet_er_skrivebeskyttet"),
    errno.EISDIR: t("core.os_errors.er_en_mappe"),
    errno.ENOTDIR: t("core.os_errors.en_del_av"),
    errno.EEXIST: t("core.os_errors.finnes_allerede"),
    errno.EADDRINUSE: t("core.os_errors.adressen_er_allerede"),
    errno.EADDRNOTAVAIL: t("core.os_errors.adressen_finnes_ikke"),
    errno.ECONNREFUSED: t("core.os_errors.tilkoblingen_ble_avvist"),
    errno.ETIMEDOUT: "tidsavbrudd",
    errno.EMFILE: t("core.os_errors.for_mange_apne"),
}


def os_error_text(exc: OSError) -> str:
    """«<file>: ingen tilgang» — the path when known, the reason in bokmål."""
    reason = _REASONS.get(exc.errno or 0, f"systemfeil {exc.errno}" if exc.errno else str(exc))
    return f"{exc.filename}: {reason}" if exc.filename else reason
