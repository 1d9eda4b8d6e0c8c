import codecs

import pytest

from pipeline.read import ReadError, decode, read_file


def test_utf8_and_bom_and_utf16_decode_to_the_same_text():
    text = "Số: 7432 /UBND-XD\nLào Cai, ngày 21 tháng 7 năm 2026\n"
    assert decode(text.encode("utf-8")) == text
    assert decode(codecs.BOM_UTF8 + text.encode("utf-8")) == text
    assert decode(text.encode("utf-16")) == text  # with BOM
    assert decode(codecs.BOM_UTF16_BE + text.encode("utf-16-be")) == text


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(256)) * 4, "binary"),
        ("Thông báo kết luận".encode("cp1258", errors="replace") + b"\xff\xfe\xfa ok", "encoding"),
    ],
)
def test_bad_bytes_raise_a_read_error_with_its_kind(data, kind):
    with pytest.raises(ReadError) as err:
        decode(data)
    assert err.value.kind == kind
    assert err.value.message


def test_unsupported_suffix_and_size_limit(tmp_path):
    doc = tmp_path / "slides.odp"
    doc.write_bytes(b"not a presentation")
    with pytest.raises(ReadError) as err:
        read_file(doc)
    assert err.value.kind == "unsupported"
    big = tmp_path / "big.txt"
    big.write_text("a" * 2000, encoding="utf-8")
    with pytest.raises(ReadError) as err:
        read_file(big, max_bytes=1000)
    assert err.value.kind == "too_large"
