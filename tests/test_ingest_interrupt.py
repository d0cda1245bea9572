"""kill -9 in the middle of an ingest transaction leaves the store consistent; re-running
completes it with no duplicates.

The child process reports each batch it has written (``ingest_paths(on_flush=...)``) and
then waits on its stdin, so the kill provably lands after rows of the big file were written
inside its open transaction and before that transaction could commit: no fixed sleep."""

import os
import signal
import subprocess
import sys
import textwrap

from sqlalchemy import func, select

from hydrawatch.ingest import ingest_paths
from hydrawatch.store import open_store
from hydrawatch.store.schema import IngestedFile
from tests.helpers import counts, write_jsonl

CHILD = textwrap.dedent("""
    import sys
    from hydrawatch.ingest import ingest_paths
    from hydrawatch.store import open_store

    def flushed(path, records):
        print(f"flushed {records} {path}", flush=True)
        if path.endswith("b_big.jsonl"):
            sys.stdin.readline()  # hold the transaction open until killed

    ingest_paths(open_store(sys.argv[1]), sys.argv[2:], on_flush=flushed)
    print("finished", flush=True)
""")


def _big_records(n_posts: int):
    yield from ({"kind": "account", "platform": "x", "id": f"a{i}", "handle": f"user{i}"}
                for i in range(200))
    for i in range(n_posts):
        yield {"kind": "post", "platform": "x", "id": f"p{i}", "account_id": f"a{i % 200}",
               "created_at": "2026-03-01T00:00:00Z", "text": f"post {i} #tag",
               "mentions": [{"id": f"a{(i * 7) % 200}", "handle": f"user{(i * 7) % 200}"}]}


def test_kill_9_mid_transaction_then_rerun(db_url, tmp_path):
    small = write_jsonl(tmp_path / "a_small.jsonl",
                        [{"kind": "account", "platform": "x", "id": "s1", "handle": "small"}])
    big = write_jsonl(tmp_path / "b_big.jsonl", _big_records(50_000))
    store = open_store(db_url)
    proc = subprocess.Popen([sys.executable, "-c", CHILD, db_url, small, big],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=os.getcwd())
    lines = []
    try:
        for line in proc.stdout:  # blocks until the child reports; no sleep
            lines.append(line.strip())
            if line.startswith("flushed") and line.rstrip().endswith("b_big.jsonl"):
                break
        else:
            raise AssertionError(f"child ended without writing the big file: {lines} "
                                 f"{proc.stderr.read()}")
        # the big file's first batch is written inside its open transaction
        assert proc.poll() is None
        written = int(lines[-1].split()[1])
        assert 0 < written < 50_200
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert "finished" not in lines
    with store.session(readonly=True) as db:
        assert db.scalar(select(func.count()).select_from(IngestedFile)) == 1  # the small file
    after_kill = counts(store)
    assert after_kill["accounts"] == 1 and after_kill["posts"] == 0  # big file rolled back whole

    ingest_paths(store, [small, big])
    done = counts(store)
    assert done["accounts"] == 201 and done["posts"] == 50_000 and done["edges"] == 50_000
    ingest_paths(store, [small, big])
    assert counts(store) == done
    store.dispose()
