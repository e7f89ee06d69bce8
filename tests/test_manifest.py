"""The Teams app package: contents, filled ids, icons and commands."""

from __future__ import annotations

import importlib.util
import io
import json
import re
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from services.manifest import (
    MANIFEST_DIR,
    ManifestError,
    build_package,
    fill_manifest,
    load_template,
)

APP_ID = "0F8FAD5B-D9CB-469F-A165-70867728950E"
GUID = re.compile(r"^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$")
COMMANDS = {"hjelp", "møter", "innspill", "runde", "eksport", "språk", "referat", "nominer",
            "min profil"}
SCOPES = {"personal", "team", "groupChat"}


def decode_png(data: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    """Width, height and RGBA pixels of an 8-bit RGBA PNG (all five row filters)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        chunks.append((data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    header = next(body for kind, body in chunks if kind == b"IHDR")
    width, height, depth, color_type = struct.unpack(">IIBB", header[:10])
    assert (depth, color_type) == (8, 6), "icons must be 8-bit RGBA"
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = width * 4
    prev, pixels = bytearray(stride), []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a, b, c = (line[i - 4] if i >= 4 else 0), prev[i], (prev[i - 4] if i >= 4 else 0)
            p = a + b - c
            paeth = min((abs(p - a), 0, a), (abs(p - b), 1, b), (abs(p - c), 2, c))[2]
            line[i] = (line[i] + (0, a, b, (a + b) // 2, paeth)[kind]) & 0xFF
        pixels += [tuple(line[i : i + 4]) for i in range(0, stride, 4)]
        prev = line
    return width, height, pixels


@pytest.fixture
def package() -> zipfile.ZipFile:
    manifest = fill_manifest(load_template(), APP_ID, "https://faggruppe.example.no/api/messages")
    return zipfile.ZipFile(io.BytesIO(build_package(manifest)))


def test_zip_holds_exactly_the_package_files_at_its_root(package: zipfile.ZipFile) -> None:
    assert sorted(package.namelist()) == ["color.png", "en-us.json", "manifest.json", "nn-no.json",
                                          "outline.png"]


def test_app_id_is_filled_everywhere_as_a_guid(package: zipfile.ZipFile) -> None:
    for name in ("manifest.json", "en-us.json", "nn-no.json"):
        assert "{{" not in package.read(name).decode("utf-8")
    manifest = json.loads(package.read("manifest.json"))
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID.lower()
    assert GUID.match(manifest["id"])
    assert manifest["validDomains"] == ["faggruppe.example.no"]


def test_manifest_structure_follows_the_schema_version(package: zipfile.ZipFile) -> None:
    manifest = json.loads(package.read("manifest.json"))
    version = manifest["manifestVersion"]
    assert tuple(map(int, version.split("."))) >= (1, 19)
    assert manifest["$schema"].endswith(f"/teams/v{version}/MicrosoftTeams.schema.json")
    assert manifest["version"] == "1.0.0"
    assert manifest["name"] == {
        "short": "Faggruppe-bot",
        "full": "Faggruppe-bot for Osloregionens faggrupper",
    }
    assert len(manifest["description"]["short"]) <= 80
    assert len(manifest["description"]["full"]) <= 4000
    urls = [url for key, url in manifest["developer"].items() if key.endswith("Url")]
    assert len(urls) == 3 and all(url.startswith("https://") for url in urls)
    assert re.match(r"^#[0-9a-fA-F]{6}$", manifest["accentColor"])
    info = manifest["localizationInfo"]
    assert info["defaultLanguageTag"] == "nb-no"
    assert info["additionalLanguages"] == [{"languageTag": "en-us", "file": "en-us.json"},
                                           {"languageTag": "nn-no", "file": "nn-no.json"}]


def test_bot_has_every_scope_and_a_command_list_per_scope(package: zipfile.ZipFile) -> None:
    bot = json.loads(package.read("manifest.json"))["bots"][0]
    assert set(bot["scopes"]) == SCOPES
    assert bot["supportsFiles"] is False and bot["isNotificationOnly"] is False
    assert [s for lst in bot["commandLists"] for s in lst["scopes"]] == bot["scopes"]
    for command_list in bot["commandLists"]:
        assert {c["title"] for c in command_list["commands"]} == COMMANDS
        assert all(0 < len(c["description"]) <= 128 for c in command_list["commands"])


def test_meeting_events_are_asked_for_with_the_four_application_rsc_permissions(
        package: zipfile.ZipFile) -> None:
    manifest = json.loads(package.read("manifest.json"))
    info = manifest["webApplicationInfo"]
    assert info["id"] == APP_ID.lower() and info["resource"] == f"api://botid-{APP_ID.lower()}"
    permissions = manifest["authorization"]["permissions"]["resourceSpecific"]
    assert {(p["name"], p["type"]) for p in permissions} == {
        ("OnlineMeeting.ReadBasic.Chat", "Application"),
        ("OnlineMeetingParticipant.Read.Chat", "Application"),
        ("ChannelMeeting.ReadBasic.Group", "Application"),
        ("ChannelMeetingParticipant.Read.Group", "Application")}
    assert "configurableTabs" not in manifest and "staticTabs" not in manifest  # no tab


@pytest.mark.parametrize("name", ["en-us.json", "nn-no.json"])
def test_localised_strings_cover_every_command(package: zipfile.ZipFile, name: str) -> None:
    bot = json.loads(package.read("manifest.json"))["bots"][0]
    localised = json.loads(package.read(name))
    assert {"name.short", "description.short", "description.full"} <= localised.keys()
    keys = [k for k in localised if k.startswith("bots[0]")]
    assert len(keys) == len(COMMANDS) * len(SCOPES)
    for key in keys:
        lst, cmd = map(int, re.findall(r"\[(\d+)\]", key)[1:])
        assert bot["commandLists"][lst]["commands"][cmd]["description"] != localised[key]
        assert 0 < len(localised[key]) <= 128


def test_icons_have_teams_sizes_and_outline_is_white_on_transparent(
    package: zipfile.ZipFile,
) -> None:
    width, height, color = decode_png(package.read("color.png"))
    assert (width, height) == (192, 192)
    assert all(px[3] == 255 for px in color) and len(set(color)) > 2
    width, height, outline = decode_png(package.read("outline.png"))
    assert (width, height) == (32, 32)
    assert all(px[3] == 0 or px[:3] == (255, 255, 255) for px in outline)
    assert 0 < sum(px[3] == 255 for px in outline) < 32 * 32


def test_committed_outline_matches_the_generator() -> None:
    spec = importlib.util.spec_from_file_location("make_icons", MANIFEST_DIR / "make_icons.py")
    assert spec and spec.loader
    make_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_icons)
    assert make_icons.outline_icon() == (MANIFEST_DIR / "outline.png").read_bytes()


def test_build_refuses_wrong_icon_size_and_missing_files(tmp_path: Path) -> None:
    for name in ("manifest.json", "color.png", "en-us.json"):
        shutil.copy(MANIFEST_DIR / name, tmp_path / name)
    shutil.copy(MANIFEST_DIR / "color.png", tmp_path / "outline.png")
    manifest = fill_manifest(load_template(tmp_path), APP_ID)
    with pytest.raises(ManifestError, match="«outline.png» må være 32×32 piksler"):
        build_package(manifest, tmp_path)
    (tmp_path / "en-us.json").unlink()
    shutil.copy(MANIFEST_DIR / "outline.png", tmp_path / "outline.png")
    with pytest.raises(ManifestError, match="«en-us.json» som manifestet viser til, finnes ikke"):
        build_package(manifest, tmp_path)
