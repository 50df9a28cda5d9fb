"""File or bytes -> clean report text, and what was detected on the way.

Reports arrive as scraped pages: UTF-8 (with or without BOM), GB18030/GBK, Big5,
sometimes whole HTML pages. Encodings are detected with charset-normalizer and
HTML is turned into text with selectolax, keeping table rows as ``a | b |`` lines
so they become units exactly as the scheme says. Nothing here knows about models.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Union

from .units import clean_text

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_HTML_SNIFF = re.compile(
    rb"<(!doctype\s+html|html|head|body|div|p|table|tr|td|br|span|meta)[\s>/]", re.I
)
_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody",
    "thead", "tfoot", "ul", "title", "caption",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "iframe", "svg", "head"}
_ENCODING_NAMES = {"utf_8": "utf-8", "gb2312": "gb18030", "gbk": "gb18030", "big5hkscs": "big5", "cp950": "big5"}


class ReaderError(ValueError):
    """Input that cannot be read as a report; the message is one line for the user."""


@dataclass
class ReadResult:
    """A report's clean text and how it was obtained."""

    text: str
    encoding: str
    html: bool
    source: str


def decode_bytes(data: bytes, source: str = "<bytes>") -> tuple[str, str]:
    """Decode report bytes -> (text, encoding name). Raise ReaderError for non-text."""
    if not data or not data.strip():
        raise ReaderError(f"{source}: empty file")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", source), "utf-8-sig"
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _strict(data[2:], enc, source), "utf-16"
    if b"\x00" in data[:65536]:
        raise ReaderError(f"{source}: binary file (NUL bytes), not a text report")
    try:
        return _text_only(data.decode("utf-8"), source), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=None).best()
    if best is None:
        raise ReaderError(f"{source}: not text in any known encoding")
    name = _ENCODING_NAMES.get(best.encoding, best.encoding)
    # Decode with the superset codec: GBK/GB2312 text is valid GB18030, Big5 valid cp950.
    codec = {"gb18030": "gb18030", "big5": "cp950"}.get(name, best.encoding)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        text = str(best)
    return _text_only(text, source), name


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise ReaderError(f"{source}: invalid {encoding} at byte {err.start}") from None


def _text_only(text: str, source: str) -> str:
    """Refuse decoded text that is mostly control characters (a binary file)."""
    sample = text[:20000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if bad > 0.05 * max(1, len(sample)):
        raise ReaderError(f"{source}: binary file, not a text report")
    return text


def looks_like_html(data: Union[bytes, str]) -> bool:
    head = data[:4096] if isinstance(data, bytes) else data[:4096].encode("utf-8", "ignore")
    return bool(_HTML_SNIFF.search(head))


def html_to_text(html: str) -> str:
    """HTML page -> text with one line per block and ``a | b |`` per table row."""
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(html)
    root = tree.body or tree.root
    if root is None:
        return ""
    out: List[str] = []
    _walk(root, out)
    lines = (line.strip() for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


def _walk(node, out: List[str]) -> None:
    child = node.child
    while child is not None:
        tag = child.tag
        if tag == "-text":
            out.append(re.sub(r"\s+", " ", child.text_content or ""))
        elif tag in _SKIP_TAGS or tag == "_comment":
            pass
        elif tag == "br":
            out.append("\n")
        elif tag == "tr":
            out.append("\n")
            _walk(child, out)
            out.append("\n")
        elif tag in ("td", "th"):
            _walk(child, out)
            out.append(" | ")
        elif tag in _BLOCK_TAGS:
            out.append("\n")
            _walk(child, out)
            out.append("\n")
        else:
            _walk(child, out)
        child = child.next


def read_bytes(data: bytes, source: str = "<bytes>") -> ReadResult:
    """Bytes of a report (plain text or HTML) -> clean text."""
    text, encoding = decode_bytes(data, source)
    is_html = looks_like_html(text)
    if is_html:
        text = html_to_text(text)
        if not text.strip():
            raise ReaderError(f"{source}: HTML page without text")
    return ReadResult(clean_text(text), encoding, is_html, source)


def read_report(
    source: Union[str, Path, bytes], max_bytes: int = DEFAULT_MAX_BYTES
) -> ReadResult:
    """A path or bytes -> ReadResult. Every failure is a ReaderError with one line."""
    if isinstance(source, (bytes, bytearray)):
        return read_bytes(bytes(source))
    path = Path(source)
    name = str(path)
    try:
        if path.is_dir():
            raise ReaderError(f"{name}: is a directory")
        size = path.stat().st_size
        if size > max_bytes:
            raise ReaderError(
                f"{name}: {size / 2**20:.0f} MB is over the {max_bytes / 2**20:.0f} MB limit for one report"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReaderError(f"{name}: no such file") from None
    except PermissionError:
        raise ReaderError(f"{name}: permission denied") from None
    except OSError as err:
        raise ReaderError(f"{name}: cannot read ({err.strerror or err})") from None
    return read_bytes(data, name)


def stream_report(path: Path, sample_bytes: int = 1 << 20):
    """A large plain-text report -> (ReadResult without text, iterator of units).

    The encoding is detected on the first megabyte; the file is then decoded line by
    line, so memory stays bounded whatever the file's size. HTML is not streamed (a page
    that large is not a report) and raises ReaderError.
    """
    from .units import iter_lines_units

    name = str(path)
    try:
        with open(path, "rb") as handle:
            sample = handle.read(sample_bytes)
    except OSError as err:
        raise ReaderError(f"{name}: cannot read ({err.strerror or err})") from None
    # cut the sample at a line end so no multibyte character is split
    cut = sample.rfind(b"\n")
    head = sample[: cut + 1] if cut > 0 else sample
    _, encoding = decode_bytes(head, name)
    if looks_like_html(head):
        raise ReaderError(f"{name}: HTML page too large to be a report")
    codec = {"utf-8-sig": "utf-8-sig", "gb18030": "gb18030", "big5": "cp950", "utf-16": "utf-16"}.get(encoding, encoding)

    def lines():
        try:
            with open(path, encoding=codec, errors="strict", newline="") as handle:
                for line in handle:
                    yield line
        except UnicodeDecodeError as err:
            raise ReaderError(f"{name}: not valid {encoding} further in the file (byte {err.start} of a line)") from None

    return ReadResult("", encoding, False, name), iter_lines_units(lines())
