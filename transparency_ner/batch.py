"""Many reports at once: input expansion, per-file errors, and worker processes.

A bad file never stops the batch: it becomes one line naming it and why, and the
caller's exit code turns non-zero. Workers load the pipeline once each.
"""
from __future__ import annotations

import glob
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterable, Iterator, List, Optional, Tuple, Union

from .reader import ReaderError

Source = Union[Path, str]
Outcome = Tuple[str, Optional[dict], Optional[str]]  # (source, report dict, error)
STDIN = "-"


def expand_inputs(args: Iterable[str]) -> Tuple[List[Source], List[str]]:
    """Files, directories (all files below), globs and '-' -> (sources, errors)."""
    sources: List[Source] = []
    errors: List[str] = []
    for arg in args:
        if arg == STDIN:
            sources.append(STDIN)
            continue
        path = Path(arg)
        if path.is_dir():
            sources.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")))
        elif path.exists() or path.is_symlink():
            sources.append(path)
        else:
            matches = sorted(glob.glob(arg, recursive=True))
            if matches:
                sources.extend(Path(m) for m in matches if Path(m).is_file())
            else:
                errors.append(f"{arg}: no such file or directory")
    return sources, errors


_NLP = None


def _init_worker(model: Optional[str]) -> None:
    global _NLP
    from .report import load_pipeline

    _NLP = load_pipeline(model)


def _tag_one(source: Source) -> Outcome:
    from .report import tag_report

    name = str(source)
    try:
        if source == STDIN:
            data = sys.stdin.buffer.read()
            report = tag_report(data, _NLP)
            report.source = "<stdin>"
        else:
            report = tag_report(Path(source), _NLP)
        return name, report.to_dict(), None
    except ReaderError as err:
        return name, None, str(err)
    except (OSError, ValueError, UnicodeError) as err:
        return name, None, f"{name}: {err}"


def tag_many(sources: List[Source], model: Optional[str], n_process: int = 1) -> Iterator[Outcome]:
    """Tag every source, in order, with ``n_process`` workers."""
    if n_process <= 1 or len(sources) <= 1 or STDIN in sources:
        _init_worker(model)
        for source in sources:
            yield _tag_one(source)
        return
    with ProcessPoolExecutor(n_process, initializer=_init_worker, initargs=(model,)) as pool:
        yield from pool.map(_tag_one, sources, chunksize=1)


def write_mixed_inputs(raw_dir: Path, dest: Path) -> Path:
    """The seed reports plus what real archives also hold: a GB18030 copy of seed 000,
    an empty file and a binary file. The README's ``tag`` example and the CLI tests run
    on this directory, so they show the same behaviour."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for seed in sorted(Path(raw_dir).glob("0*.txt")):
        shutil.copy(seed, dest / seed.name)
    raw = (Path(raw_dir) / "000_cdb2113075a9b1ff.txt").read_text(encoding="utf-8")
    (dest / "000_copy_gb18030.txt").write_bytes(raw.encode("gb18030"))
    (dest / "empty.txt").write_bytes(b"")
    (dest / "binary.bin").write_bytes(bytes(range(256)) * 8)
    return dest
