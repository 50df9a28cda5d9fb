"""Tagging a whole archive on a Ray cluster: one pipeline per worker, shards of files,
one output file per shard, resumable.

Inputs are sorted and cut into shards of ``shard_size`` files; shard ``i`` writes
``shard-<i>.jsonl`` (one report a line, as ``transparency-ner tag`` writes them) and
``shard-<i>.errors`` (one line per bad file). A shard's file appears only when the shard
is complete (write to a temporary name, then rename), so after a crash a rerun skips the
finished shards and redoes only the rest. Pointing it at a real cluster is
``--ray-address ray://head:10001`` (or ``auto`` on a node of the cluster); the inputs and
the output directory must then be on storage every node sees.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple


def shard(sources: Sequence[Path], size: int) -> List[List[Path]]:
    ordered = sorted(Path(s) for s in sources)
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def shard_paths(out_dir: Path, index: int) -> Tuple[Path, Path]:
    return Path(out_dir) / f"shard-{index:05d}.jsonl", Path(out_dir) / f"shard-{index:05d}.errors"


def tag_shard(nlp, paths: Sequence[Path], out_dir: Path, index: int) -> Dict:
    """Tag one shard's files and write its two files atomically; returns counts."""
    from .batch import _tag_one
    from . import batch

    batch._NLP = nlp
    out, err = shard_paths(out_dir, index)
    tmp_out, tmp_err = out.with_suffix(".jsonl.tmp"), err.with_suffix(".errors.tmp")
    ok = bad = 0
    with open(tmp_out, "w", encoding="utf-8") as o, open(tmp_err, "w", encoding="utf-8") as e:
        for path in paths:
            name, report, error = _tag_one(path)
            if error:
                e.write(error + "\n")
                bad += 1
            else:
                o.write(json.dumps(report, ensure_ascii=False) + "\n")
                ok += 1
    os.replace(tmp_err, err)
    os.replace(tmp_out, out)  # last: the .jsonl marks the shard as done
    return {"shard": index, "ok": ok, "failed": bad}


def pending_shards(shards: List[List[Path]], out_dir: Path) -> List[int]:
    return [i for i in range(len(shards)) if not shard_paths(out_dir, i)[0].exists()]


def run_ray(
    sources: Sequence[Path],
    model: Optional[str],
    out_dir: Path,
    shard_size: int = 50,
    num_workers: Optional[int] = None,
    address: Optional[str] = None,
    on_done=None,
) -> Dict:
    """Tag every source on Ray; finished shards (from an earlier run) are skipped."""
    import ray
    from ray.util import ActorPool

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shards = shard(sources, shard_size)
    todo = pending_shards(shards, out_dir)
    summary = {"shards": len(shards), "skipped": len(shards) - len(todo), "ok": 0, "failed": 0}
    if not todo:
        return summary
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=address, num_cpus=None if address else (num_workers or os.cpu_count()),
                 include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)

    @ray.remote
    class Tagger:
        """One pipeline per worker process, loaded once."""

        def __init__(self, model_name: Optional[str]) -> None:
            from transparency_ner.report import load_pipeline

            self.nlp = load_pipeline(model_name)

        def run(self, index: int, paths: List[str], out: str) -> Dict:
            return tag_shard(self.nlp, [Path(p) for p in paths], Path(out), index)

    try:
        n = max(1, min(num_workers or int(ray.available_resources().get("CPU", 1)), len(todo)))
        pool = ActorPool([Tagger.remote(model) for _ in range(n)])
        jobs = [(i, [str(p) for p in shards[i]]) for i in todo]
        for result in pool.map_unordered(lambda actor, job: actor.run.remote(job[0], job[1], str(out_dir.resolve())), jobs):
            summary["ok"] += result["ok"]
            summary["failed"] += result["failed"]
            if on_done:
                on_done(result)
    finally:
        if started_here:
            ray.shutdown()
    return summary


def collect(out_dir: Path) -> List[str]:
    """All report lines of a finished run, in input order."""
    lines: List[str] = []
    for path in sorted(Path(out_dir).glob("shard-*.jsonl")):
        lines.extend(l for l in path.read_text(encoding="utf-8").splitlines() if l)
    return lines
