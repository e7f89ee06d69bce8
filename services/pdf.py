"""Word to PDF through LibreOffice (municipal archives journal PDF), when it is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from core.i18n import t

TIMEOUT_S = 120
NAMES = ("soffice", "libreoffice")


class PdfError(RuntimeError):
    """No LibreOffice, or its conversion failed; str() is Norwegian for the user."""


def find_soffice() -> str | None:
    """The LibreOffice program on PATH, if any."""
    return next((found for name in NAMES if (found := shutil.which(name))), None)


def docx_to_pdf(docx: bytes, *, soffice: str | None) -> bytes:
    """The PDF LibreOffice makes of these DOCX bytes, with a throw-away profile so two
    conversions at once (or a running desktop LibreOffice) never share one."""
    if not soffice:
        raise PdfError(t("pdf.service.libreoffice_mangler"))
    with tempfile.TemporaryDirectory(prefix="faggruppe-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "referat.docx"
        source.write_bytes(docx)
        command = [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                   "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(source)]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT_S)
        except (OSError, subprocess.SubprocessError):
            raise PdfError(t("pdf.service.konverteringen_feilet")) from None
        made = folder / "referat.pdf"
        if not made.is_file():
            raise PdfError(t("pdf.service.konverteringen_feilet"))
        return made.read_bytes()
