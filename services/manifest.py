"""The Teams app package: fill manifest/manifest.json and zip it with the files it names."""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.i18n import t

MANIFEST_DIR = Path(__file__).resolve().parent.parent / "manifest"
APP_ID_PLACEHOLDER = "{{MICROSOFT_APP_ID}}"
GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
SEMVER_RE = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
ICON_SIZES = {"color": 192, "outline": 32}
# A fixed timestamp makes two builds of the same input byte-identical.
ZIP_TIME = (2024, 1, 1, 0, 0, 0)


class ManifestError(ValueError):
    """The package cannot be built; the message is Norwegian and meant for the user."""


def is_guid(value: str) -> bool:
    """True for a GUID in the 8-4-4-4-12 form the manifest schema demands."""
    return bool(GUID_RE.match(value))


def load_template(source_dir: Path = MANIFEST_DIR) -> dict[str, Any]:
    """Read manifest.json from the source folder as a dict."""
    data: dict[str, Any] = json.loads((source_dir / "manifest.json").read_text(encoding="utf-8"))
    return data


def _replace(node: Any, values: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {key: _replace(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_replace(item, values) for item in node]
    if isinstance(node, str):
        for placeholder, value in values.items():
            node = node.replace(placeholder, value)
    return node


def fill_manifest(
    template: dict[str, Any], app_id: str, public_url: str = "", version: str | None = None
) -> dict[str, Any]:
    """Return a copy of the template with the app id, domain and version filled in."""
    if not is_guid(app_id):
        raise ManifestError(t("manifest.service.app_id_en", app_id=app_id))
    if version is not None and not SEMVER_RE.match(version):
        raise ManifestError(t("manifest.service.versjonen_ma_ha", version=version))
    manifest = _replace(template, {APP_ID_PLACEHOLDER: app_id.lower()})
    if version is not None:
        manifest["version"] = version
    host = urlsplit(public_url).hostname if public_url else None
    if host and host not in manifest.setdefault("validDomains", []):
        manifest["validDomains"].append(host)
    leftover = re.findall(r"\{\{[^}]*\}\}", json.dumps(manifest))
    if leftover:
        raise ManifestError(t("manifest.service.manifestet_har_plassholdere",
                              leftover=', '.join(leftover)))
    return manifest


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ManifestError(t("manifest.service.ikonet_er_ikke"))
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def package_files(manifest: dict[str, Any]) -> list[str]:
    """The files besides manifest.json that the manifest refers to (icons, language files)."""
    names = [manifest["icons"][kind] for kind in ("color", "outline")]
    localization = manifest.get("localizationInfo", {})
    names += [lang["file"] for lang in localization.get("additionalLanguages", [])]
    return names


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16  # readable after unzip; ZipInfo defaults to no permissions
    return info


def build_package(manifest: dict[str, Any], source_dir: Path = MANIFEST_DIR) -> bytes:
    """Zip manifest.json and the files it names, all at the root as Teams requires."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        archive.writestr(_entry("manifest.json"), text.encode("utf-8"))
        for name in package_files(manifest):
            path = source_dir / name
            if not path.is_file():
                raise ManifestError(t("manifest.service.filen_som_manifestet", name=name))
            data = path.read_bytes()
            for kind, size in ICON_SIZES.items():
                if name == manifest["icons"][kind] and png_size(data) != (size, size):
                    raise ManifestError(t("manifest.service.ikonet_ma_vaere", name=name, size=size))
            archive.writestr(_entry(name), data)
    return buffer.getvalue()


@lru_cache(maxsize=1)
def privacy_url() -> str:
    """The privacy statement's address, as the manifest gives it (`developer.privacyUrl`)."""
    return str(load_template().get("developer", {}).get("privacyUrl", ""))
