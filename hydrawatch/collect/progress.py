"""A rich progress display on stderr: accounts started (of the budget) and pages fetched,
per platform. Silent when ``enabled`` is False (tests, ``--json``)."""

from __future__ import annotations


class CrawlProgress:
    def __init__(self, enabled: bool, budget: int):
        self.enabled, self.budget = enabled, budget
        self.bar = None
        self.tasks: dict[str, int] = {}
        self.pages: dict[str, int] = {}
        self.accounts: dict[str, int] = {}

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("accounts · {task.fields[pages]} pages"), TimeElapsedColumn(),
                                console=Console(stderr=True), transient=False)
            self.bar.start()
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()

    def _task(self, platform: str) -> int | None:
        if self.bar is None:
            return None
        if platform not in self.tasks:
            self.tasks[platform] = self.bar.add_task(platform, total=self.budget, pages=0)
        return self.tasks[platform]

    def update(self, counts: dict) -> None:
        for platform, c in counts.items():
            self.pages[platform] = c["pages"]
            self.accounts[platform] = sum(n for s, n in c["accounts"].items() if s != "queued")
            task = self._task(platform)
            if task is not None:
                self.bar.update(task, completed=self.accounts[platform], pages=self.pages[platform])

    def page(self, platform: str) -> None:
        self.pages[platform] = self.pages.get(platform, 0) + 1
        task = self._task(platform)
        if task is not None:
            self.bar.update(task, pages=self.pages[platform])
