"""Hostile files: each gives one clear error of its own kind, in bounded time and memory, and the batch goes on.

Every file is made here, in a temporary folder: empty, binary, invalid UTF-8,
a 50 MB text, truncated and corrupt .docx and .pdf, zip bombs, a .docx with
billion-laughs and external-entity XML, deeply nested HTML, a path-traversal
name inside a .zip, an encrypted PDF, a scanned PDF, a PDF that runs past its
time limit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from pipeline import extract
from pipeline.read import ReadError, read_file
from tests.conftest import SAMPLE
from tests.test_readers import FONT, build_docx, build_pdf, scanned_pdf

SEED = SAMPLE.read_text(encoding="utf-8")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SECONDS = 10  # any one hostile file (the PDF ones start a child process)


def _docx_with(path: Path, document_xml: str | bytes, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document_xml)
    return path


def billion_laughs() -> str:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)]
    return (f'<?xml version="1.0"?><!DOCTYPE lolz [{"".join(entities)}]>'
            f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')


def external_entity() -> str:
    return (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>')


def zip_bomb_docx(path: Path, inflated: int = 100 * 1024 * 1024) -> Path:
    """A .docx whose document.xml inflates to ``inflated`` bytes of blanks (about 230:1)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(f'<w:document xmlns:w="{W}"><w:body>'.encode())
            block = b" " * (1 << 20)
            for _ in range(inflated >> 20):
                member.write(block)
            member.write(b"</w:body></w:document>")
    return path


def zip_bomb_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(2):
            archive.writestr(f"part{i}.txt", b"\x00" * (20 * 1024 * 1024))  # 1000:1 each
    return path


def traversal_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notice.txt", SEED)
        archive.writestr("../../etc/cron.d/evil", "* * * * * root rm -rf /\n")
    return path


def ascii_pdf(path: Path, password: str | None = None) -> Path:
    """A small PDF in a core font (no TrueType file needed), encrypted when a password is given."""
    fpdf = pytest.importorskip("fpdf")
    from fpdf.enums import EncryptionMethod

    pdf = fpdf.FPDF()
    if password:
        pdf.set_encryption(owner_password="chu", user_password=password, encryption_method=EncryptionMethod.RC4)
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for line in ["THONG BAO", "Giao So Tai chinh chu tri thuc hien", "truoc ngay 30/6/2026."] * 20:
        pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def pdf_with_stream(path: Path, content: bytes) -> Path:
    """A one-page PDF whose content stream is ``content`` (already deflated), with a correct xref table."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def deflated_blanks(size: int) -> bytes:
    """``size`` bytes of spaces, deflated (about 230:1), made without holding them in memory."""
    deflate = zlib.compressobj(1)
    block = b" " * (1 << 20)
    return b"".join([*(deflate.compress(block) for _ in range(size >> 20)), deflate.flush()])


def write_big_text(path: Path, size: int = 50 * 1024 * 1024) -> Path:
    """A real text (the seed notice over and over) of a little more than ``size`` bytes."""
    chunk = SEED.encode() * 64
    with path.open("wb") as handle:
        for _ in range(size // len(chunk) + 1):
            handle.write(chunk)
    return path


def make_hostile(folder: Path) -> dict[str, str]:
    """Write every hostile file into ``folder``; return file name -> the error kind it must give."""
    folder.mkdir(parents=True, exist_ok=True)
    docx = build_docx(folder.parent / "good.docx").read_bytes()
    pdf = ascii_pdf(folder.parent / "good.pdf").read_bytes()
    files: dict[str, tuple[bytes | None, str]] = {
        "empty.txt": (b"", "empty"),
        "blank.txt": (b" \n\t\r\n" * 100, "empty"),
        "png.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(4000), "binary"),
        "random.txt": (os.urandom(64 * 1024), "binary"),
        "elf": (b"\x7fELF\x02\x01\x01" + os.urandom(2000), "binary"),
        "invalid-utf8.txt": ("Thông báo kết luận".encode() + b"\xff\xfe\xfd\xc3\x28 bad " * 50, "encoding"),
        "truncated.docx": (docx[: len(docx) // 2], "corrupt"),
        "not-a-docx.docx": (b"PK\x03\x04" + os.urandom(3000), "corrupt"),
        "garbage-xml.docx": (None, "corrupt"),
        "no-document.docx": (None, "corrupt"),
        "crc-error.docx": (None, "corrupt"),
        "billion-laughs.docx": (None, "unsafe_xml"),
        "external-entity.docx": (None, "unsafe_xml"),
        "zip-bomb.docx": (None, "zip_bomb"),
        "truncated.pdf": (pdf[: len(pdf) // 3], "corrupt"),
        "garbage.pdf": (b"%PDF-1.7\n" + os.urandom(20_000), "corrupt"),
        "no-header.pdf": (os.urandom(5000), "corrupt"),
        "encrypted.pdf": (None, "encrypted"),
        "flate-bomb.pdf": (None, "too_large"),
        "scanned.pdf": (None, "scanned_pdf"),
        "deep.html": (b"<html><body>" + b"<div>" * 200_000 + "Thông báo".encode() + b"</div>" * 200_000, "too_deep"),
        "zip-bomb.zip": (None, "zip_bomb"),
        "traversal.zip": (None, "unsafe_path"),
        "big.txt": (None, "too_large"),
        "prose.txt": ("Hôm nay trời đẹp. Chúng tôi đi chơi công viên.\n".encode(), "not_a_document"),
    }
    for name, (data, _) in files.items():
        if data is not None:
            (folder / name).write_bytes(data)
    _docx_with(folder / "garbage-xml.docx", "<w:document><w:body><w:p>unclosed")
    with zipfile.ZipFile(folder / "no-document.docx", "w") as archive:
        archive.writestr("hello.txt", "not word")
    good = bytearray(_docx_with(folder / "crc-error.docx", SEED.encode() * 3, zipfile.ZIP_STORED).read_bytes())
    at = good.index(b"Th", good.index(b"word/document.xml") + 20)
    good[at : at + 2] = b"XX"
    (folder / "crc-error.docx").write_bytes(bytes(good))
    _docx_with(folder / "billion-laughs.docx", billion_laughs())
    _docx_with(folder / "external-entity.docx", external_entity())
    zip_bomb_docx(folder / "zip-bomb.docx")
    ascii_pdf(folder / "encrypted.pdf", password="mat-khau")
    pdf_with_stream(folder / "flate-bomb.pdf", deflated_blanks(100 * 1024 * 1024))
    scanned_pdf(folder / "scanned.pdf", ["THÔNG BÁO", "Giao Sở Tài chính chủ trì"])
    zip_bomb_zip(folder / "zip-bomb.zip")
    traversal_zip(folder / "traversal.zip")
    write_big_text(folder / "big.txt")
    return {name: kind for name, (_, kind) in files.items()}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("hostile") / "files"
    return folder, make_hostile(folder)


def test_each_hostile_file_gives_its_own_clear_error_quickly(hostile, monkeypatch):
    monkeypatch.setenv("NHIEMVU_OCR", "0")
    folder, expected = hostile
    for name, kind in expected.items():
        started = time.perf_counter()
        with pytest.raises(ReadError) as err:
            extract(folder / name)
        seconds = time.perf_counter() - started
        assert (name, err.value.kind) == (name, kind), err.value.message
        assert len(err.value.message) > 10 and "\n" not in err.value.message, name
        assert seconds < SECONDS, f"{name} took {seconds:.1f} s"


def test_a_50_mb_text_is_refused_from_its_size_without_being_read(hostile):
    big = hostile[0] / "big.txt"
    assert big.stat().st_size > 50 * 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ReadError) as err:
            read_file(big)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert err.value.kind == "too_large" and "52," in err.value.message
    assert time.perf_counter() - started < 0.5
    assert peak < 1024 * 1024  # nothing of the file was read
    # a limit raised above the size reads it once: the text comes back whole
    assert len(read_file(big, max_bytes=60 * 1024 * 1024)) > 35_000_000


def test_a_pdf_past_its_time_limit_is_stopped(tmp_path, monkeypatch):
    from pipeline import read_pdf

    pdf = build_pdf(tmp_path / "slow.pdf")
    monkeypatch.setattr(read_pdf, "PDF_TIMEOUT", 0.05)
    started = time.perf_counter()
    with pytest.raises(ReadError) as err:
        read_file(pdf)
    assert err.value.kind == "timeout" and "0.05 s" in err.value.message
    assert time.perf_counter() - started < 2


def test_a_pdf_over_its_memory_limit_fails_cleanly(tmp_path, monkeypatch):
    from pipeline import read_pdf

    pdf = pdf_with_stream(tmp_path / "big-stream.pdf", deflated_blanks(60 * 1024 * 1024))  # under pypdf's limit
    monkeypatch.setattr(read_pdf, "PDF_MEMORY", 150 * 1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(ReadError) as err:
        read_file(pdf)
    assert err.value.kind == "too_large" and "memory" in err.value.message
    assert time.perf_counter() - started < 5


BATCH = """
import inspect, json, resource, sys, time
from pipeline import extract
from pipeline.dataset import run_batch


def peak_rss_kib():  # VmHWM: ru_maxrss would include the RSS of the parent that forked this process
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


options = {}
if "extract_file" in inspect.signature(run_batch).parameters:  # older run_batch takes the extractor
    options["extract_file"] = lambda f, doc_id: extract(f, doc_id=doc_id)
good_out, good, bad_out, bad = sys.argv[1:5]
run_batch([good], good_out, **options)  # the good files alone: the baseline, models loaded
baseline = peak_rss_kib()
started = time.perf_counter()
result = run_batch([good, bad], bad_out, **options)
print(json.dumps({"seconds": time.perf_counter() - started, "documents": result.documents, "errors": result.errors,
                  "baseline_rss_kib": baseline, "peak_rss_kib": peak_rss_kib(),
                  "children_peak_rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def test_a_batch_with_hostile_files_completes_with_one_error_line_each(hostile, tmp_path):
    """``run_batch`` over good and hostile files, in its own process so that its peak memory can be measured."""
    folder, expected = hostile
    # a batch unpacks archives member by member: it refuses traversal.zip's unsafe member alone (and reads
    # its notice.txt), and each over-inflating member of zip-bomb.zip
    expected = {name: kind for name, kind in expected.items() if not name.endswith(".zip")}
    expected |= {"evil": "unsafe_path", "zip-bomb.zip!part0.txt": "zip_bomb", "zip-bomb.zip!part1.txt": "zip_bomb"}
    good = tmp_path / "good"
    good.mkdir()
    (good / "seed.txt").write_text(SEED, encoding="utf-8")
    build_docx(good / "seed-docx.docx")
    good_ids = ["seed", "seed-docx"]
    if FONT.exists():  # a PDF of Vietnamese text needs a TrueType font
        build_pdf(good / "seed-pdf.pdf")
        good_ids.append("seed-pdf")
    out = tmp_path / "out"
    env = {**os.environ, "NHIEMVU_OCR": "0"}
    done = subprocess.run([sys.executable, "-c", BATCH, str(tmp_path / "baseline"), str(good), str(out), str(folder)],
                          capture_output=True, timeout=300, env=env, cwd=Path(__file__).resolve().parent.parent,
                          check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    stats = json.loads(done.stdout.decode().strip().splitlines()[-1])
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    by_file = {Path(e["path"]).name: e for e in errors}
    assert len(errors) == len(by_file) == len(expected)
    assert {name: e["kind"] for name, e in by_file.items()} == expected
    assert all(e["message"] and e["kind"] != "internal" for e in errors)
    documents = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    good_ids = sorted([*good_ids, "notice"])  # the safe member of traversal.zip
    assert sorted(d["doc_id"] for d in documents) == good_ids
    assert {len(d["tasks"]) for d in documents} == {24}
    assert (stats["documents"], stats["errors"]) == (len(good_ids), len(expected))
    extra = (stats["peak_rss_kib"] - stats["baseline_rss_kib"]) / 1024
    print(f"\nhostile batch: {len(expected)} bad + {len(good_ids)} good files in {stats['seconds']:.1f} s; "
          f"peak RSS {stats['peak_rss_kib'] / 1024:.0f} MiB, {extra:.0f} MiB over the good files alone; "
          f"PDF workers at most {stats['children_peak_rss_kib'] / 1024:.0f} MiB (with what they inherit at fork)")
    assert stats["seconds"] < 120
    assert extra < 100  # the bombs are refused before they inflate
    assert stats["children_peak_rss_kib"] < 1024 * 1024  # the PDF worker's address-space limit
