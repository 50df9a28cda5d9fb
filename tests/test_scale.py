"""The Ray path on a local cluster started by the test: same output as the single-process
CLI, one file per shard, and a rerun after a crash redoes only unfinished shards."""
import shutil
import subprocess
import sys

import pytest

ray = pytest.importorskip("ray")

from transparency_ner.baseline import rules_pipeline
from transparency_ner.scale import collect, run_ray, shard_paths


@pytest.fixture(scope="module")
def rules_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("rules") / "pipeline"
    rules_pipeline().to_disk(path)
    return path


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.mark.slow
def test_ray_output_equals_the_single_process_cli(tmp_path, root, rules_dir, cluster):
    inputs = tmp_path / "in"
    shutil.copytree(root / "corpus" / "raw", inputs)
    (inputs / "zz_empty.txt").write_bytes(b"")
    sources = sorted(inputs.glob("*.txt"))
    out = tmp_path / "shards"
    summary = run_ray(sources, str(rules_dir), out, shard_size=7)
    assert summary["shards"] == -(-len(sources) // 7) and summary["failed"] == 1
    serial = subprocess.run([sys.executable, "-m", "transparency_ner", "tag", *map(str, sources), "--model", str(rules_dir)],
                            capture_output=True, text=True)
    assert serial.returncode == 1  # the empty file
    assert collect(out) == serial.stdout.splitlines()
    errors = "".join(p.read_text() for p in sorted(out.glob("*.errors")))
    assert "zz_empty.txt: empty file" in errors

    # crash: one shard never finished (only its temporary file is left), the others did
    done, _ = shard_paths(out, 1)
    done.rename(done.with_suffix(".jsonl.tmp"))
    before = {p: p.stat().st_mtime_ns for p in out.glob("shard-*.jsonl")}
    again = run_ray(sources, str(rules_dir), out, shard_size=7)
    assert again["skipped"] == summary["shards"] - 1
    assert all(p.stat().st_mtime_ns == t for p, t in before.items())
    assert collect(out) == serial.stdout.splitlines()
