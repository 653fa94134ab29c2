import datetime
from decimal import Decimal

from django.core.management import call_command

from streaming.models import AudienceFigure, Offer, Plan, Platform


def test_demo_is_complete_and_idempotent(demo):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    pop = Platform.objects.get(slug="pop-paris-opera-play")
    assert pop.launched_on == datetime.date(2023, 3, 29)
    assert (pop.trial_days, pop.simultaneous_screens, pop.live_replay_days) == (7, 2, 30)
    assert sorted(Plan.objects.filter(platform=pop).values_list("price", flat=True), key=lambda p: p or 0) == [
        None,
        Decimal("0.00"),
        Decimal("4.95"),
        Decimal("9.90"),
        Decimal("14.90"),
        Decimal("29.00"),
        Decimal("59.00"),
        Decimal("99.00"),
        Decimal("99.00"),
    ]
    assert AudienceFigure.objects.filter(platform=pop, stated_on=datetime.date(2026, 1, 28)).count() == 4
    batches = Offer.objects.filter(platform=pop, exclusive=True).order_by("title__number")
    assert [(o.title.number, o.available_from.isoformat()) for o in batches] == [
        (1, "2026-02-01"),
        (2, "2026-02-01"),
        (3, "2026-03-01"),
        (4, "2026-03-01"),
        (5, "2026-04-01"),
        (6, "2026-04-01"),
        (7, "2026-04-01"),
    ]
    broadcast = Offer.objects.get(platform__slug="ocs")
    assert (broadcast.title.slug, broadcast.offer_type, str(broadcast.available_from)) == (
        "l-opera-season-1",
        "broadcast",
        "2021-09-07",
    )
