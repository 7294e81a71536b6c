"""The demo's year of disputes, on 商镇 of the test sample: a mix of types,
risks, levels and outcomes up to now, timelines the services could have
written, the households of unresolved ones coloured, given once."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

from django.utils import timezone

from wangge.disputes.demo import dispute_history_seed
from wangge.disputes.models import Dispute, DisputeEvent, FollowUp, Party, State, unresolved_q
from wangge.registry.models import Household
from wangge.territory.models import Area


def test_a_year_of_disputes(db: None) -> None:
    grids = list(Area.objects.filter(level="grid", is_active=True, code__startswith="611022109"))
    now = timezone.now()
    # Browser tests of the same session may have left disputes: not ours.
    earlier = list(Dispute.objects.values_list("pk", flat=True))
    started = time.monotonic()
    report = dispute_history_seed(grids, now=now, volume=400)
    elapsed = time.monotonic() - started
    assert elapsed < 30  # seconds for hundreds; the full county is measured in the decision
    disputes = Dispute.objects.exclude(pk__in=earlier)
    assert report.disputes == disputes.count() >= 390
    assert len(Counter(disputes.values_list("type", flat=True))) >= 6
    assert set(disputes.values_list("risk", flat=True)) == {"low", "medium", "high"}
    assert set(disputes.values_list("level", flat=True)) == {"grid", "village", "town"}
    states = Counter(disputes.values_list("state", flat=True))
    assert all(states[s] for s in (State.OPEN, State.FOLLOW_UP, State.CLOSED)), states
    outcomes = Counter(disputes.values_list("outcome", flat=True))
    assert outcomes["settled"] > outcomes["litigation"] > 0
    assert len(set(disputes.values_list("number", flat=True))) == report.disputes
    oldest = min(disputes.values_list("found_on", flat=True))
    assert oldest >= (now - dt.timedelta(days=366)).date()
    # Timelines: registered first, in time order, never after now; versions match.
    for d in disputes.prefetch_related("events"):  # every one: a random few missed a rare case
        events = sorted(d.events.all(), key=lambda e: (e.at, e.pk))
        assert [e.pk for e in events] == sorted(e.pk for e in events)  # written in time order
        assert events[0].action == "register"
        assert all(e.at <= now for e in events)
        assert d.version == len(events) - 1
        assert events[-1].state_after == d.state
    assert DisputeEvent.objects.filter(dispute__in=disputes, action="escalate").exists()
    assert FollowUp.objects.filter(dispute__in=disputes, result="stable").exists()
    # The households of unresolved disputes carry the reason.
    households = set(
        Party.objects.filter(
            unresolved_q("dispute__"), dispute__in=disputes, household__isnull=False
        ).values_list("household_id", flat=True)
    )
    assert households
    for h in Household.objects.filter(pk__in=list(households)[:30]):
        assert any("矛盾纠纷" in r for r in h.colour_reasons), h.colour_reasons
    # Outsiders' phones protected like the registry's.
    outsider = (
        Party.objects.filter(dispute__in=disputes, household__isnull=True)
        .exclude(phone_enc="")
        .first()
    )
    assert outsider is not None
    assert outsider.phone_enc.startswith("demo$")
    assert "*" in outsider.phone_masked
    # Given once.
    assert dispute_history_seed(grids, now=now, volume=400).already
    assert Dispute.objects.exclude(pk__in=earlier).count() == report.disputes
