"""The README documents every command, and every make target a user can call."""

import re

from pipeline.cli import main
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_in_the_readme():
    missing = [name for name in main.commands if f"nhiemvu {name}" not in README]
    assert not missing, f"undocumented commands: {missing}"


def test_every_make_target_is_in_the_readme():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = re.findall(r"^([a-z][a-z-]*):", makefile, re.M)
    internal = {"evaluate-split"}
    missing = [t for t in targets if t not in internal and f"make {t}" not in README]
    assert not missing, f"undocumented make targets: {missing}"
