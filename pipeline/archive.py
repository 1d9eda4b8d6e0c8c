"""Safe reading of zip containers: ``.zip`` archives and the zip inside a ``.docx``.

Every member is checked before a byte of it is inflated:

* its name is relative and stays inside the archive (no ``/abs``, ``C:``, ``..``,
  backslashes or NUL) and it is not a symbolic link;
* it is not encrypted;
* its declared size is under ``max_member_bytes``, the archive's total under
  ``max_total_bytes``, and a large member inflates at most ``MAX_RATIO`` times
  its compressed size (a zip bomb inflates a thousand times).

Inflating then stops at the declared size and at the limit, whatever the
header says, so a member that lies about its size cannot fill the memory.
"""

from __future__ import annotations

import re
import stat
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.read import ReadError

MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200
"""Largest inflation ratio allowed for a member over ``RATIO_FLOOR`` bytes (text zips to about 1:5-1:20)."""
RATIO_FLOOR = 1024 * 1024
CHUNK = 1 << 16


def open_zip(path: str | Path) -> zipfile.ZipFile:
    """Open a zip file; a broken or truncated one raises ``ReadError('corrupt')``."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError("corrupt", f"not a readable zip container ({_reason(exc)})") from exc
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        archive.close()
        raise ReadError("zip_bomb", f"{len(members):,} members, over the {MAX_MEMBERS:,}-member limit")
    return archive


def unsafe_name(name: str) -> str | None:
    """Why a member name is unsafe to use as a path, or None when it is safe."""
    if not name or "\x00" in name:
        return "an empty name or a NUL byte in it"
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "an absolute path"
    if "\\" in name:
        return "a backslash in the path"
    if any(part == ".." for part in name.split("/")):
        return "a '..' that climbs out of the archive"
    return None


def check_member(
    info: zipfile.ZipInfo, max_member_bytes: int = MAX_MEMBER_BYTES
) -> None:
    """Raise :class:`ReadError` when a member must not be read (see the module doc)."""
    reason = unsafe_name(info.filename)
    if reason:
        raise ReadError("unsafe_path", f"member {info.filename!r} has {reason}")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ReadError("unsafe_path", f"member {info.filename!r} is a symbolic link")
    if info.flag_bits & 0x1:
        raise ReadError("encrypted", f"member {info.filename!r} is encrypted")
    if info.file_size > max_member_bytes:
        raise ReadError("zip_bomb", f"member {info.filename!r} inflates to {info.file_size:,} bytes, "
                                    f"over the {max_member_bytes:,}-byte limit")
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        raise ReadError("zip_bomb", f"member {info.filename!r} inflates {ratio:,} times (limit {MAX_RATIO})")


def read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_bytes: int = MAX_MEMBER_BYTES
) -> bytes:
    """Inflate one checked member, never past ``max_bytes``."""
    check_member(info, max_bytes)
    out = bytearray()
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(CHUNK):
                out += chunk
                if len(out) > max_bytes:
                    raise ReadError("zip_bomb", f"member {info.filename!r} inflates past {max_bytes:,} bytes")
    except ReadError:
        raise
    except Exception as exc:  # BadZipFile (CRC), zlib.error, EOFError, unsupported compression
        raise ReadError("corrupt", f"member {info.filename!r} cannot be inflated ({_reason(exc)})") from exc
    return bytes(out)


def check_archive(
    path: str | Path, max_member_bytes: int = MAX_MEMBER_BYTES, max_total_bytes: int = MAX_TOTAL_BYTES
) -> list[str]:
    """Check every member's name and declared size without inflating anything; return the file names."""
    with open_zip(path) as archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
    total = 0
    for info in members:
        check_member(info, max_member_bytes)
        total += info.file_size
        if total > max_total_bytes:
            raise ReadError("zip_bomb", f"the members inflate to more than {max_total_bytes:,} bytes")
    return [info.filename for info in members]


def iter_zip_members(
    path: str | Path,
    max_member_bytes: int = MAX_MEMBER_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    on_unsafe: Callable[[str, ReadError], None] | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Yield ``(name, data)`` for each file in a ``.zip``, in archive order, after the safety checks.

    Folders are skipped. A member with an unsafe name, an encrypted one or one
    over the limits is refused: with ``on_unsafe`` it is reported there and
    skipped, without it the whole archive is refused (``ReadError`` before any
    member is yielded, since the names and declared sizes are checked first).
    Names are the archive's own, relative, with ``/`` separators; nested
    archives are yielded as bytes, not opened.
    """
    with open_zip(path) as archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        refused: set[int] = set()
        total = 0
        for index, info in enumerate(members):
            try:
                check_member(info, max_member_bytes)
            except ReadError as exc:
                if on_unsafe is None:
                    raise
                on_unsafe(info.filename, exc)
                refused.add(index)
                continue
            total += info.file_size
            if total > max_total_bytes:
                raise ReadError("zip_bomb", f"the members inflate to more than {max_total_bytes:,} bytes")
        for index, info in enumerate(members):
            if index in refused:
                continue
            try:
                data = read_member(archive, info, max_member_bytes)
            except ReadError as exc:
                if on_unsafe is None:
                    raise
                on_unsafe(info.filename, exc)
                continue
            yield info.filename, data


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
