"""Platforms, their plans, and offers of titles on them.

Availability is never stored: ``OfferQuerySet.available_on(date)`` and its siblings compute it
from the window (``available_from`` inclusive, ``available_until`` exclusive) at request time.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog import fields
from catalog.images import ImageRecord
from catalog.language import LocalizedNameMixin, localized
from catalog.models import Country, Title, title_and_below
from catalog.money import PRICE_VALIDATORS, currency_validator, price_constraints
from catalog.publishing import Publishable, PublishableQuerySet
from catalog.statements import Statement
from catalog.text import NameKeyMixin, search_terms
from catalog.versioning import VersionedModel

from .enums import (
    AudienceMetric,
    BillingPeriod,
    DeviceKind,
    DiscountAudience,
    InstitutionKind,
    OfferType,
    PlanKind,
    PlatformKind,
    Quality,
)

CENTS = Decimal("0.01")


def today() -> datetime.date:
    return timezone.localdate()


class PlatformQuerySet(models.QuerySet):
    def search(self, query: str):
        """Platforms whose name contains every word of ``query``, accents and case aside."""
        for term in search_terms(query):
            self = self.filter(name_key__contains=term)
        return self

    def for_listing(self):
        """Preloads operator, logo, countries and plans (for "from €4.95")."""
        return self.select_related("operator", "logo").prefetch_related("countries", "plans")

    def for_detail(self):
        """Preloads operator, logo, countries, plans, devices (with their provider) and
        audience figures. The catalogue is read separately (``OfferQuerySet.current_or_future``)."""
        return self.select_related("operator", "logo").prefetch_related(
            "countries",
            "plans",
            Prefetch("devices", queryset=Device.objects.select_related("provider")),
            "audience_figures",
            "statements",
        )


class Platform(NameKeyMixin, VersionedModel):
    """A service where titles can be watched: POP – Paris Opera Play, OCS, a TV channel."""

    name = fields.CharField(_("name"), max_length=120)
    slug = fields.SlugField(_("slug"), max_length=120)
    name_key = fields.CharField(max_length=120, editable=False, db_index=True, default="")
    operator = models.ForeignKey(
        "people.Organization",
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        related_name="platforms",
        null=True,
        blank=True,
    )
    kind = fields.CharField(_("kind"), max_length=16, choices=PlatformKind.choices)
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="platforms", help_text=_("Where it can be used.")
    )
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    website = fields.URLField(_("website"), blank=True)
    description_en = fields.TextField(_("description (English)"), blank=True)
    description_fr = fields.TextField(_("description (French)"), blank=True)
    simultaneous_screens = models.PositiveSmallIntegerField(
        _("simultaneous screens"), null=True, blank=True, help_text=_("Screens one account can use at once.")
    )
    trial_days = models.PositiveSmallIntegerField(_("free trial (days)"), null=True, blank=True)
    subscription_includes_live = models.BooleanField(
        _("subscription includes live shows"),
        default=False,
        help_text=_("Subscribers watch live shows at no extra cost."),
    )
    subscription_includes_archive = models.BooleanField(
        _("subscription includes past recordings"),
        default=False,
        help_text=_("Recordings of past shows are included, without limit, in the subscription."),
    )
    subscription_includes_exclusive = models.BooleanField(
        _("subscription includes exclusive content"),
        default=False,
        help_text=_("Content made for the platform, found nowhere else, is included in the subscription."),
    )
    catalogue_enriched_regularly = models.BooleanField(
        _("catalogue enriched regularly"),
        default=False,
        help_text=_("The platform says it adds to its catalogue regularly."),
    )
    live_replay_days = models.PositiveSmallIntegerField(
        _("replay after a live show (days)"), null=True, blank=True, help_text=_("e.g. 30")
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = PlatformQuerySet.as_manager()

    class Meta:
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")
        permissions = [("export_platform", _("Can export platforms as CSV"))]
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("slug"),
                name="platform_slug_unique",
                violation_error_message=_(
                    "Another platform already has this slug (the end of its web address): choose another one."
                ),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("streaming:platform_detail", kwargs={"slug": self.slug})

    @property
    def description(self) -> str:
        return localized(self, "description")

    def cheapest_plan(self):
        """The lowest paid recurring plan open to everyone (no age condition), among the
        prefetched plans (no query when prefetched)."""
        paid = [
            p
            for p in self.plans.all()
            if p.price
            and p.kind == PlanKind.SUBSCRIPTION
            and p.period != BillingPeriod.ONCE
            and p.min_age is None
            and p.max_age is None
        ]
        return min(paid, key=lambda p: p.price, default=None)

    def from_prices(self):
        """What "from … a month" says (docs/streaming.md): the subscription open to everyone
        with the lowest price per month (a yearly plan at 99 € is 8.25 € a month), and the
        plans with an age condition that cost less a month than it, cheapest first. Reads the
        prefetched plans (no query when prefetched)."""
        recurring = [
            p
            for p in self.plans.all()
            if p.price
            and p.currency
            and p.kind == PlanKind.SUBSCRIPTION
            and p.period != BillingPeriod.ONCE
            and not p.institutions
            and not p.partner_pass
        ]
        open_to_all = [p for p in recurring if p.min_age is None and p.max_age is None]
        best = min(open_to_all, key=lambda p: (p.price_per_month(), p.period != BillingPeriod.MONTH), default=None)
        restricted = sorted(
            (
                p
                for p in recurring
                if p not in open_to_all and (best is None or p.price_per_month() < best.price_per_month())
            ),
            key=lambda p: p.price_per_month(),
        )
        return best, restricted


class PlatformLogo(ImageRecord):
    platform = models.OneToOneField(Platform, on_delete=models.CASCADE, related_name="logo")

    class Meta:
        verbose_name = _("logo")
        verbose_name_plural = _("logos")

    def __str__(self):
        return f"{self.platform_id}"


class Device(models.Model):
    """Where the platform can be watched: the app "Apple TV", the decoders of "Orange" (channel
    109); pages add the kind in the reader's language ("Orange TV decoders", "décodeurs TV Orange")."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="devices")
    kind = fields.CharField(_("kind"), max_length=10, choices=DeviceKind.choices)
    name = fields.CharField(
        _("name"),
        max_length=120,
        help_text=_("The app or the decoders’ operator as the page names it: “Apple TV”, “Orange”."),
    )
    provider = models.ForeignKey(
        "people.Organization",
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The operator of the decoder or store, e.g. Orange."),
    )
    channel = fields.CharField(_("channel number"), max_length=10, blank=True)
    can_subscribe = models.BooleanField(_("subscription possible from it"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("device or channel")
        verbose_name_plural = _("devices and channels")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "kind", "name"],
                name="device_unique",
                violation_error_message=_("This platform already lists a device of this kind with this name."),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.channel})" if self.channel else self.name


class PlatformStatement(Statement):
    """What someone said about a platform: "POP s’impose comme la plateforme de référence…"."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="statements")

    class Meta(Statement.Meta):
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")


class AudienceFigure(models.Model):
    """A figure the platform stated on a date: "about 6,000 subscribers (28 January 2026)"."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="audience_figures")
    metric = fields.CharField(_("figure"), max_length=16, choices=AudienceMetric.choices)
    value = models.PositiveBigIntegerField(_("value"))
    approximate = models.BooleanField(_("approximate"), default=True, help_text=_("“about”, “près de”"))
    stated_on = models.DateField(_("stated on"))
    source = fields.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("audience figure")
        verbose_name_plural = _("audience figures")
        ordering = ["-stated_on", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "metric", "stated_on"],
                name="audience_figure_unique",
                violation_error_message=_(
                    "This platform already has this figure for this date: change that one instead."
                ),
            )
        ]

    def __str__(self):
        return f"{self.get_metric_display()}: {self.value} ({self.stated_on})"


class Plan(LocalizedNameMixin, VersionedModel):
    """A way to pay for a platform: a subscription, a gift card, a rental, a pass."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="plans")
    kind = fields.CharField(_("kind"), max_length=16, choices=PlanKind.choices, default=PlanKind.SUBSCRIPTION)
    name_en = fields.CharField(_("name (English)"), max_length=120)
    name_fr = fields.CharField(_("name (French)"), max_length=120, blank=True)
    price = models.DecimalField(
        _("price"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PRICE_VALIDATORS,
        help_text=_("Leave empty when the price is not published (e.g. on request)."),
    )
    currency = fields.CharField(_("currency"), max_length=3, blank=True, validators=[currency_validator])
    period = fields.CharField(_("billing period"), max_length=5, choices=BillingPeriod.choices)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), null=True, blank=True, help_text=_("For gift cards and passes: 3, 6, 12.")
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, help_text=_("Inclusive: “under 28” is 27, “18–20” is 20.")
    )
    institutions = models.JSONField(
        _("for institutions"),
        default=list,
        blank=True,
        help_text=_("Kinds of institutions that can subscribe (schools, conservatories, media libraries)."),
    )
    partner_pass = fields.CharField(_("partner pass"), max_length=80, blank=True, help_text=_("e.g. pass Culture"))
    discount_percent = models.PositiveSmallIntegerField(
        _("discount (%)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    discount_audience = fields.CharField(_("discount for"), max_length=20, choices=DiscountAudience.choices, blank=True)
    discount_season = fields.CharField(_("discount season"), max_length=20, blank=True, help_text=_("e.g. 2025/26"))
    no_commitment = models.BooleanField(_("no commitment"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        permissions = [("export_plan", _("Can export plans as CSV"))]
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "name_en"],
                name="plan_name_unique",
                violation_error_message=_("This platform already has a plan with this English name."),
            ),
            *price_constraints("plan"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(max_age__gte=F("min_age")),
                name="plan_age_range_ordered",
                violation_error_message=_("The maximum age cannot be below the minimum age."),
            ),
        ]

    def __str__(self):
        return f"{self.platform} – {self.name_en}"

    def clean(self):
        super().clean()
        unknown = set(self.institutions or []) - set(InstitutionKind.values)
        if unknown:
            raise ValidationError({"institutions": _("Unknown institution kinds: %s") % ", ".join(sorted(unknown))})
        if bool(self.discount_percent) != bool(self.discount_audience):
            raise ValidationError({"discount_audience": _("Give both the discount and who gets it.")})

    @property
    def discounted_price(self) -> Decimal | None:
        """The price after ``discount_percent``, rounded half up to the cent: 29 € -50% → 14.50 €."""
        if self.price is None or not self.discount_percent:
            return None
        return (self.price * (100 - self.discount_percent) / 100).quantize(CENTS, rounding=ROUND_HALF_UP)

    def institution_labels(self) -> list[str]:
        labels = dict(InstitutionKind.choices)
        return [str(labels[k]) for k in self.institutions or [] if k in labels]

    def price_per_month(self) -> Decimal | None:
        """Monthly equivalent for comparison: 99 € a year → 8.25 €; gift cards over their months."""
        if not self.price:
            return None
        if self.period == BillingPeriod.MONTH:
            return self.price
        months = 12 if self.period == BillingPeriod.YEAR else self.duration_months
        return (self.price / months).quantize(CENTS, rounding=ROUND_HALF_UP) if months else None


class OfferQuerySet(PublishableQuerySet):
    """Availability windows read at request time. ``on`` defaults to today in the site's zone;
    tests and callers that care pass it explicitly."""

    def available_on(self, on: datetime.date | None = None):
        """Offers whose window contains ``on`` (from inclusive, until exclusive). Preloads nothing."""
        on = on or today()
        return self.filter(Q(available_from__isnull=True) | Q(available_from__lte=on)).filter(
            Q(available_until__isnull=True) | Q(available_until__gt=on)
        )

    def coming_soon(self, on: datetime.date | None = None):
        """Offers that start after ``on``, earliest first. Preloads nothing."""
        on = on or today()
        return self.filter(available_from__gt=on).order_by("available_from", "pk")

    def new(self, days: int = 30, on: datetime.date | None = None):
        """Offers available on ``on`` that started within the last ``days`` days, newest first."""
        on = on or today()
        # ``available_on`` with its start known: no "or no start" branch, so the index on
        # (available_from, id), read backwards, gives the order and the walk stops at the limit.
        return (
            self.filter(available_from__gt=on - datetime.timedelta(days=days), available_from__lte=on)
            .filter(Q(available_until__isnull=True) | Q(available_until__gt=on))
            .order_by("-available_from", "-pk")
        )

    def leaving_soon(self, days: int = 30, on: datetime.date | None = None):
        """Offers available on ``on`` whose last day falls within the next ``days`` days."""
        on = on or today()
        return (
            self.available_on(on)
            .filter(available_until__lte=on + datetime.timedelta(days=days + 1))
            .order_by("available_until", "pk")
        )

    def current_or_future(self, on: datetime.date | None = None):
        """Offers available on ``on`` or later (not yet ended). Preloads nothing."""
        on = on or today()
        return self.filter(Q(available_until__isnull=True) | Q(available_until__gt=on))

    def applying_to(self, title_ids):
        """Offers that apply to the titles ``title_ids`` (ids or a values queryset): on the title
        itself, on its season or on its series (an offer on a series counts for every episode)."""
        titles = Title.objects.filter(pk__in=title_ids)
        return self.filter(
            Q(title__in=title_ids) | Q(title__in=titles.values("parent")) | Q(title__in=titles.values("parent__parent"))
        )

    def around(self, title: Title):
        """Offers on ``title``, on its ancestors (which count for it) and on its descendants
        (shown as "episodes 1–2 available…" on a series or season page)."""
        return self.filter(title__in=title_and_below(title, *title.ancestors()))

    def for_display(self):
        """Preloads what a list row shows: platform, country, the title with its parent and
        grandparent, and their localized names (three prefetch queries)."""
        return self.select_related("platform", "country", "title__parent__parent").prefetch_related(
            "title__localized_titles",
            "title__parent__localized_titles",
            "title__parent__parent__localized_titles",
        )

    def for_title_page(self):
        """Preloads platform (with its plans, for "from €9.90 a month"), country, and the title
        with its parent (episode numbers and seasons are all the page needs of them)."""
        return self.select_related("platform", "country", "title__parent").prefetch_related("platform__plans")


class Offer(Publishable, VersionedModel):
    """A title (any level) on a platform in a country, of one type, within a window."""

    title = models.ForeignKey(Title, verbose_name=_("title"), on_delete=models.PROTECT, related_name="offers")
    #: The top-level work of ``title`` (its series, or itself), kept by database triggers on every
    #: write path (catalog.toplevel, ``hooks.OFFER_WORK``); ``None`` on an instance not yet reloaded.
    work = models.ForeignKey(
        Title,
        verbose_name=_("work"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the index on (work, platform) serves it
        related_name="+",
    )
    platform = models.ForeignKey(Platform, verbose_name=_("platform"), on_delete=models.PROTECT, related_name="offers")
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="offers")
    offer_type = fields.CharField(_("type"), max_length=12, choices=OfferType.choices, db_index=True)
    price = models.DecimalField(
        _("price"), max_digits=9, decimal_places=2, null=True, blank=True, validators=PRICE_VALIDATORS
    )
    currency = fields.CharField(_("currency"), max_length=3, blank=True, validators=[currency_validator])
    quality = fields.CharField(_("quality"), max_length=3, choices=Quality.choices, blank=True)
    available_from = models.DateField(
        _("available from"), null=True, blank=True, db_index=True, help_text=_("First day; empty: always was.")
    )
    available_until = models.DateField(
        _("available until"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("First day it is no longer available; empty: no end announced."),
    )
    exclusive = models.BooleanField(_("exclusive"), default=False)
    url = fields.URLField(_("link"), max_length=500, blank=True, help_text=_("Deep link to the title on the platform."))
    live_at = models.DateTimeField(_("live on"), null=True, blank=True, help_text=_("Start of a live show."))
    replay_days = models.PositiveSmallIntegerField(
        _("replay (days)"), null=True, blank=True, help_text=_("Days the live show stays available after it.")
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        permissions = [("export_offer", _("Can export offers as CSV"))]
        ordering = ["available_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_until__isnull=True)
                | Q(available_until__gt=F("available_from")),
                name="offer_window_ordered",
                violation_error_message=_("“Available until” must be after “available from”."),
            ),
            *price_constraints("offer"),
            models.CheckConstraint(
                condition=~Q(offer_type=OfferType.LIVE) | Q(live_at__isnull=False),
                name="offer_live_has_date",
                violation_error_message=_("A live offer needs the date and time of the live show."),
            ),
        ]
        indexes = [
            # A platform's offers in page order (``available_from``, then id; walked either way).
            models.Index(fields=["platform", "available_from", "id"], name="offer_platform_from_id"),
            # The admin changelist's order (available_from, pk), walked instead of sorted.
            models.Index(fields=["available_from", "id"], name="offer_from_id"),
            # The works on a platform, or watchable now (title list filters): one probe per work.
            models.Index(fields=["work", "platform"], name="offer_work_platform"),
        ]

    def __str__(self):
        return f"{self.title} – {self.platform} ({self.country_id}, {self.get_offer_type_display()})"

    def save(self, *args, **kwargs):
        self.fill_window()
        super().save(*args, **kwargs)

    @classmethod
    def public_q(cls, prefix: str = "", now=None) -> Q:
        """Public: published, of a published title (with its season and series)."""
        return cls.own_q(prefix, now) & Title.public_q(f"{prefix}title__", now)

    def fill_window(self):
        """A live show is available from its day for ``replay_days`` more days; a broadcast on
        its day only. Explicit dates entered by the editor win."""
        if self.live_at and not self.available_from:
            self.available_from = timezone.localdate(self.live_at)
        if self.live_at and self.replay_days and not self.available_until:
            self.available_until = self.available_from + datetime.timedelta(days=self.replay_days + 1)
        if self.offer_type == OfferType.BROADCAST and self.available_from and not self.available_until:
            self.available_until = self.available_from + datetime.timedelta(days=1)

    def clean(self):
        super().clean()
        if self.offer_type in (OfferType.RENT, OfferType.BUY) and self.price is None:
            raise ValidationError({"price": _("A rental or purchase needs its price.")})
        if self.offer_type == OfferType.LIVE and not self.live_at:
            raise ValidationError({"live_at": _("A live offer needs the date and time of the live show.")})

    def is_available_on(self, on: datetime.date | None = None) -> bool:
        """The same rule as ``OfferQuerySet.available_on``, for one row already loaded."""
        on = on or today()
        return (self.available_from is None or self.available_from <= on) and (
            self.available_until is None or on < self.available_until
        )

    @property
    def last_day(self) -> datetime.date | None:
        return self.available_until - datetime.timedelta(days=1) if self.available_until else None
