"""The per-client time budget (http.Fairness) on a controlled clock: sliding window, running totals."""

from __future__ import annotations

import pytest

from axiskg.web import http
from axiskg.web.http import Fairness, HTTPError


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(http.time, "monotonic", c)
    return c


def test_budget_is_refused_with_retry_after_then_restored_as_the_window_slides(clock: Clock) -> None:
    f = Fairness(concurrency=0, budget=10.0, window=60.0)
    f.charge("a", 4.0)
    clock.now += 20
    f.charge("a", 7.0)  # 11 s used in the last minute
    f.check_budget("b")  # other clients are not affected
    with pytest.raises(HTTPError) as exc:
        f.check_budget("a")
    assert exc.value.status == 429
    # the first 4 s leave the window at t0+60, bringing the total (7 s) back under 10 s
    assert exc.value.headers["Retry-After"] == "40"
    clock.now += 40.5
    f.check_budget("a")  # 7 s left in the window: allowed again
    f.charge("a", 3.5)
    with pytest.raises(HTTPError):
        f.check_budget("a")  # 10.5 s
    clock.now += 61
    f.check_budget("a")  # everything expired: the client is forgotten
    assert "a" not in f._used and "a" not in f._total


def test_many_small_queries_add_up(clock: Clock) -> None:
    f = Fairness(concurrency=0, budget=1.0, window=60.0)
    for _ in range(999):
        f.check_budget("a")
        f.charge("a", 0.001)
        clock.now += 0.01
    f.charge("a", 0.002)  # 1.001 s
    with pytest.raises(HTTPError):
        f.check_budget("a")
    clock.now += 30  # nothing expired yet (the first query was ~10 s + 30 s ago)
    with pytest.raises(HTTPError):
        f.check_budget("a")
    clock.now += 25  # the first ~500 queries (0.5 s) have left the window
    f.check_budget("a")
    assert f._total["a"] == pytest.approx(sum(d for _, d in f._used["a"]))


def test_no_budget_means_no_bookkeeping(clock: Clock) -> None:
    f = Fairness(concurrency=0, budget=0.0)
    f.charge("a", 100.0)
    f.check_budget("a")
    assert not f._used


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        (b"203.0.113.9", "203.0.113.9"),
        (b"1.2.3.4, 203.0.113.9", "203.0.113.9"),  # a client's own claim, then what the proxy saw
        (b"5.6.7.8,1.2.3.4,  203.0.113.9 ", "203.0.113.9"),
        (b"1.2.3.4, ", "127.0.0.1"),  # nothing after the last comma: the peer
    ],
)
def test_the_client_is_the_address_the_proxy_appended(forwarded: bytes, expected: str) -> None:
    """With --client-header X-Forwarded-For the first address was taken: a client that sent a new one each
    time had a new query-time budget each time."""
    scope = {"client": ("127.0.0.1", 5000), "headers": [(b"x-forwarded-for", forwarded)]}
    assert http.client_id(scope, "X-Forwarded-For") == expected
    assert http.client_id(scope, None) == "127.0.0.1"
