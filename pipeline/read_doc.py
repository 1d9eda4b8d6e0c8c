""".doc reader (Word 97-2003) through Debian's ``antiword``, or ``catdoc`` when antiword refuses the file.

Both run as child processes with a time limit. Neither installed: the file is
reported ``unsupported`` with the package to install. Text typed in legacy
fonts (``.VnTime``, ``VNI-Times``) comes out as Windows-1252 characters and is
converted by :func:`pipeline.legacy.fix_text`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

from pipeline import legacy
from pipeline.read import ReadError

DOC_TIMEOUT = float(os.environ.get("NHIEMVU_DOC_TIMEOUT", "60"))


def doc_tools() -> dict[str, str]:
    """The .doc converters found on this machine, by name."""
    return {name: path for name in ("antiword", "catdoc") if (path := shutil.which(name))}


def _commands(path: Path) -> list[list[str]]:
    tools = doc_tools()
    commands = []
    if "antiword" in tools:
        commands.append([tools["antiword"], "-m", "UTF-8.txt", "-w", "0", str(path)])
    if "catdoc" in tools:
        commands.append([tools["catdoc"], "-d", "utf-8", "-w", str(path)])
    return commands


TABLE_ROW = re.compile(r"^\|.*\|\s*$")


def untable(text: str) -> str:
    """antiword draws table rows as ``|cell  |cell  |``: keep the columns' layout, drop the rules.

    The cells stay padded to their column and are set 4 spaces apart, the way a
    PDF text layer lays out a two-column header, which :mod:`pipeline.normalise` reads column by column.
    """
    lines = []
    for line in text.split("\n"):
        if TABLE_ROW.match(line):
            cells = line.strip()[1:-1].split("|")
            line = "    ".join(cells).rstrip()
        lines.append(line)
    return "\n".join(lines)


def read_doc(path: str | Path, timeout: float | None = None) -> str:
    """Text of a Word 97-2003 ``.doc``; raises :class:`ReadError` (unsupported, corrupt, timeout, empty)."""
    path = Path(path)
    timeout = DOC_TIMEOUT if timeout is None else timeout
    commands = _commands(path)
    if not commands:
        raise ReadError("unsupported", "a Word 97-2003 .doc needs antiword or catdoc "
                                       "(Debian: apt install antiword catdoc)")
    failures = []
    for command in commands:
        name = Path(command[0]).name
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False,
                                  env={**os.environ, "LC_ALL": "C.UTF-8"})
        except subprocess.TimeoutExpired as exc:
            raise ReadError("timeout", f"{name} took over {timeout:g} s on the .doc; stopped") from exc
        text = done.stdout.decode("utf-8", "replace")
        if done.returncode == 0 and text.strip():
            text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
            if name == "antiword":
                text = untable(text)
            return legacy.fix_text(text)[0]
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        failures.append(f"{name}: {message[-1][:200] if message else f'exit status {done.returncode}'}")
    raise ReadError("corrupt", "not a readable Word .doc (" + "; ".join(failures) + ")")
