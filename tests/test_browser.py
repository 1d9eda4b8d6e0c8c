"""The drafting page in a real browser: Playwright for Python driving Debian's Chromium.

A uvicorn server runs the app on a free loopback port in a thread; Chromium
(``/usr/bin/chromium``, installed with apt by the fixture when missing, never
``playwright install``) types a notice into the page, and the test checks the
highlights, the task cards, a one-click insertion of a suggested lead unit
(the re-extracted task then has it as its lead), the JSON and CSV exports, and
that the page asked nothing of any other host. The screenshot is saved to
``out/test-artifacts/drafting.png``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import DRAFT_NOTICE, ROOT

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python package) is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="uvicorn is not installed")

from pipeline.serve import Settings, create_app  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "out" / "test-artifacts"

NOTICE = DRAFT_NOTICE
CANDIDATES = ["Sở Tài chính", "Sở Xây dựng", "Kho bạc Nhà nước tỉnh"]
READY = ("() => window.nhiemvu && window.nhiemvu.resultText === document.getElementById('draft').value "
         "&& document.body.dataset.state === 'ready'")


def _apt_install_chromium() -> str:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    log = ""
    for command in (["apt-get", "install", "-y", "chromium"], ["apt-get", "update"],
                    ["apt-get", "install", "-y", "chromium"]):
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=900, env=env, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{' '.join(command)}: {exc}"
        log = (done.stdout + done.stderr)[-400:]
        if command[1] == "install" and done.returncode == 0 and CHROMIUM.exists():
            return ""
    return log


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Debian's Chromium, installed with apt when missing; skip (with apt's words) only if that fails."""
    if not CHROMIUM.exists():
        if shutil.which("apt-get") is None:
            pytest.skip("no /usr/bin/chromium and no apt-get to install Debian's chromium package")
        failure = _apt_install_chromium()
        if not CHROMIUM.exists():
            pytest.skip(f"`apt-get install -y chromium` failed, no /usr/bin/chromium: {failure}")
    return CHROMIUM


@pytest.fixture(scope="module")
def server_url():
    """The app served by uvicorn on a free loopback port, in a thread."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(Settings(workers=0)), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the uvicorn server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def page(chromium: Path, server_url: str):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 980}, locale="vi-VN",
                                      accept_downloads=True)
        page = context.new_page()
        page.requests_seen = []
        page.on("request", lambda request: page.requests_seen.append(request.url))
        page.set_default_timeout(20_000)
        yield page
        context.close()
        browser.close()


def _cards(page) -> dict[str, dict]:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.task-card')].map(c => [
        c.dataset.taskId, {
          cls: c.className,
          leads: [...c.querySelectorAll('.chip.lead, .chip.inferred')].map(x => x.textContent),
          supports: [...c.querySelectorAll('.chip.support')].map(x => x.textContent),
          deadline: (c.querySelector('.deadline') || {}).textContent || null,
          iso: (c.querySelector('.iso') || {dataset: {}}).dataset.iso || null,
          references: [...c.querySelectorAll('.reference-item')].map(x => x.textContent),
          suggestions: [...c.querySelectorAll('button.suggestion')].map(x => x.dataset.unit),
        }]))""")


def _marks(page, kind: str) -> list[str]:
    return page.locator(f"#highlights mark.{kind}").all_text_contents()


def test_drafting_page(page, server_url: str) -> None:
    sent: list[dict] = []  # the page's /extract requests: it asks for units and offices, never persons by name
    page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/extract") else None)
    page.goto(server_url + "/")
    assert page.title().startswith("Trợ lý soạn thảo")
    page.locator("details.candidates summary").click()
    page.locator("#candidates").fill("\n".join(CANDIDATES))

    page.locator("#draft").press_sequentially(NOTICE)
    page.wait_for_function(READY)

    # the backdrop mirrors the text exactly, with one highlighted span per task
    assert page.locator("#highlights").text_content() == page.locator("#draft").input_value() + " "
    tasks = page.locator("#highlights mark.task")
    assert tasks.count() == 3
    assert tasks.nth(1).text_content().startswith("Tổng hợp, báo cáo tình hình giải ngân")
    assert _marks(page, "lead") == ["Sở Tài chính", "Sở Nông nghiệp và Môi trường"]
    assert _marks(page, "support") == ["Sở Xây dựng"]
    assert _marks(page, "deadline") == ["trước ngày 31/3/2026", "trong tháng 4/2026"]
    assert _marks(page, "reference") == ["Nghị định số 99/2021/NĐ-CP ngày 11/11/2021 của Chính phủ"]

    cards = _cards(page)
    assert list(cards) == ["T01", "T02", "T03"]
    assert cards["T01"]["leads"] == ["Sở Tài chính"] and cards["T01"]["supports"] == ["Sở Xây dựng"]
    assert cards["T01"]["iso"] == "2026-03-31" and "31/03/2026" in cards["T01"]["deadline"]
    assert cards["T03"]["iso"] == "2026-04-30"
    assert "Khẩn" in page.locator('.task-card[data-task-id="T03"] .badge.urgent').text_content()
    assert cards["T02"]["references"] == ["Nghị định số 99/2021/NĐ-CP ngày 11/11/2021 của Chính phủ"]
    assert "unassigned" in cards["T02"]["cls"] and "named" in cards["T01"]["cls"]
    assert set(cards["T02"]["suggestions"]) <= set(CANDIDATES) and cards["T02"]["suggestions"]
    assert page.locator("#task-count").text_content() == "3"
    assert sent and all(body["kinds"] == ["unit", "office"] for body in sent)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator('.task-card[data-task-id="T02"]').hover()
    page.screenshot(path=str(ARTIFACTS / "drafting.png"), full_page=True)

    # one click on the top suggestion puts "Giao <unit> chủ trì" before the task and re-extracts
    button = page.locator('.task-card[data-task-id="T02"] button.suggestion').first
    unit = button.get_attribute("data-unit")
    button.click()
    page.wait_for_function(READY)
    assert f"2. Giao {unit} chủ trì tổng hợp, báo cáo tình hình" in page.locator("#draft").input_value()
    cards = _cards(page)
    assert cards["T02"]["leads"] == [unit]
    assert "named" in cards["T02"]["cls"] and not cards["T02"]["suggestions"]
    assert unit in _marks(page, "lead")
    page.screenshot(path=str(ARTIFACTS / "drafting-after-insert.png"), full_page=True)

    # exports: the draft's tasks as JSON (contract fields) and as CSV
    with page.expect_download() as download:
        page.locator("#export-json").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [t["lead_units"] for t in exported["tasks"]] == [["Sở Tài chính"], [unit], ["Sở Nông nghiệp và Môi trường"]]
    assert exported["tasks"][0]["deadline"] == "2026-03-31" and "marks" not in exported["tasks"][0]
    with page.expect_download() as download:
        page.locator("#export-csv").click()
    raw = Path(download.value.path()).read_text(encoding="utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff"))))
    assert [r["task_id"] for r in rows] == ["T01", "T02", "T03"]
    assert rows[1]["lead_units"] == unit and rows[0]["main_action"] == "review"
    assert rows[1]["references"] == "Nghị định số 99/2021/NĐ-CP ngày 11/11/2021 của Chính phủ"

    # without a candidate list, the units the draft's other tasks name come first, marked as such
    page.locator("#candidates").fill("")
    page.locator("#draft").fill(NOTICE)
    page.wait_for_function(READY)
    buttons = page.locator('.task-card[data-task-id="T02"] button.suggestion')
    assert buttons.count() == 3
    first = buttons.first
    assert first.get_attribute("data-unit") in {"Sở Tài chính", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường"}
    assert "trong văn bản" in first.text_content() and "nhiệm vụ khác" in first.get_attribute("title")
    page.locator('.task-card[data-task-id="T02"]').hover()
    page.screenshot(path=str(ARTIFACTS / "drafting-document-units.png"), full_page=True)

    # offline: nothing but this server was asked for anything
    assert page.requests_seen and all(url.startswith((server_url, "blob:", "data:")) for url in page.requests_seen)


def test_page_reports_errors(page, server_url: str) -> None:
    page.goto(server_url + "/")
    page.locator("#draft").fill("x" * 210_000)
    page.wait_for_function("() => document.body.dataset.state === 'error'")
    assert "quá dài" in page.locator("#status").text_content()
    page.locator("#clear").click()
    page.wait_for_function("() => document.body.dataset.state === 'empty'")
    assert page.locator("#highlights mark").count() == 0
