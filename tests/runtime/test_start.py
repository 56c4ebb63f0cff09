"""Start-up: overdue categories are spread out, host by host, within one interval."""

from __future__ import annotations

from pathlib import Path

import pytest

from syndicator.runtime.worker import START_STAGGER, Worker
from tests.support.clock import Clock
from tests.support.configs import SETTINGS, make_app


def many_sites(tmp_path: Path, sites: int, every: str) -> Path:
    lines = ["sites:"]
    for n in range(sites):
        lines += [
            f"  - id: s{n}",
            f"    name: Site {n}",
            f"    url: http://portal-{n}.test/",
            "    categories:",
        ]
        lines += [
            f"      - {{id: c{c}, name: C{c}, list_url: http://portal-{n}.test/{c}.html}}"
            for c in range(4)
        ]
    path = tmp_path / "syndicator.yaml"
    settings = SETTINGS.format(storage=f"sqlite:///{tmp_path / 'db.sqlite'}")
    path.write_text(settings.replace("every: 10m", f"every: {every}") + "\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(
    ("every", "interval"),
    [("10m", 600.0), ("1m", 60.0)],
)
def test_first_polls_take_turns_by_host_and_fit_in_one_interval(
    tmp_path: Path, clock: Clock, every: str, interval: float
) -> None:
    sites = 100
    worker = Worker(make_app(many_sites(tmp_path, sites, every), clock), clock=clock)
    worker.load_due()
    order = sorted(worker.due, key=lambda key: worker.due[key])
    # The first hundred polls go to a hundred different portals.
    assert len({key.split("/")[0] for key in order[:sites]}) == sites
    offsets = [(worker.due[key] - clock()).total_seconds() for key in order]
    count = len(offsets)
    step = min(START_STAGGER, interval / count)
    assert offsets[0] == 0
    assert offsets[-1] == pytest.approx((count - 1) * step)
    assert offsets[-1] < interval
    worker.stop()
