"""kill -9 in the middle of an ingest leaves the store consistent; re-running completes it
with no duplicates."""

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import func, select

from hydrawatch.ingest import ingest_paths
from hydrawatch.store import open_store
from hydrawatch.store.schema import IngestedFile
from tests.helpers import counts, write_jsonl


def _big_records(n_posts: int):
    yield from ({"kind": "account", "platform": "x", "id": f"a{i}", "handle": f"user{i}"}
                for i in range(200))
    for i in range(n_posts):
        yield {"kind": "post", "platform": "x", "id": f"p{i}", "account_id": f"a{i % 200}",
               "created_at": "2026-03-01T00:00:00Z", "text": f"post {i} #tag",
               "mentions": [{"id": f"a{(i * 7) % 200}", "handle": f"user{(i * 7) % 200}"}]}


def test_kill_9_mid_ingest_then_rerun(db_url, tmp_path):
    small = write_jsonl(tmp_path / "a_small.jsonl",
                        [{"kind": "account", "platform": "x", "id": "s1", "handle": "small"}])
    big = write_jsonl(tmp_path / "b_big.jsonl", _big_records(50_000))
    store = open_store(db_url)
    proc = subprocess.Popen([sys.executable, "-m", "hydrawatch", "ingest", "--db", db_url, "-q",
                             small, big], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline:  # wait until the first file has committed
        with store.session(readonly=True) as db:
            if db.scalar(select(func.count()).select_from(IngestedFile)):
                break
        time.sleep(0.05)
    time.sleep(0.3)  # now in the middle of the big file
    assert proc.poll() is None, "the ingest finished before it could be interrupted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    after_kill = counts(store)
    assert after_kill["accounts"] == 1 and after_kill["posts"] == 0  # big file rolled back whole

    ingest_paths(store, [small, big])
    done = counts(store)
    assert done["accounts"] == 201 and done["posts"] == 50_000 and done["edges"] == 50_000
    ingest_paths(store, [small, big])
    assert counts(store) == done
    store.dispose()
