"""CSV resources of the streaming app (SPEC §6 "platforms", "plans", "offers"); the machinery
is in catalog.csvio and the cell formats are described in docs/csv.md."""

import re
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field

from catalog.csvio import (
    SEPARATOR,
    AfficheResource,
    BooleanCellWidget,
    CachedLookup,
    ManyToManyColumn,
    NaturalKeysWidget,
    NaturalKeyWidget,
    RelatedColumn,
    StrictDateWidget,
    TextWidget,
    boolean,
    check_values,
    computed,
    date,
    date_time,
    foreign,
    integer,
    price,
    text,
)
from catalog.models import Country, Title
from catalog.statements import StatementsColumn
from people.models import Organization
from screenings.localtime import parse_wall_time

from .enums import AudienceMetric, DeviceKind, DiscountAudience, InstitutionKind, PlanKind
from .models import AudienceFigure, Device, Offer, Plan, Platform, PlatformStatement


def parts(item: str, most: int) -> list[str]:
    """The ":"-separated parts of an item, at most ``most`` (the last keeps any further ":")."""
    return [part.strip() for part in item.split(":", most - 1)]


def trimmed(*values) -> str:
    """ "a:b" from ("a", "b", "", ""): trailing empty parts are left out."""
    values = [str(v) for v in values]
    while values and not values[-1]:
        values.pop()
    return ":".join(values)


def choice(value: str, choices, what: str) -> str:
    if value not in choices.values:
        raise ValidationError(
            _("Unknown %(what)s “%(value)s” (one of: %(choices)s).")
            % {"what": what, "value": value, "choices": ", ".join(choices.values)}
        )
    return value


class KeyedByColumns:
    """Records matched by a natural key of several columns (a platform's plan: platform and
    name; an offer: title, platform, country and type). Each key column is a related record
    by natural key (resolved by the chunk's prefetch) or a text compared case aside."""

    def key_of(self, instance) -> tuple:
        return tuple(str(self.fields[name].export(instance)).strip().lower() for name in self.get_import_id_fields())

    def key_of_row(self, row) -> tuple:
        return tuple(str(row.get(name, "")).strip().lower() for name in self.get_import_id_fields())

    def existing(self, rows):
        """One query for the chunk; keys that match several records are kept in ``ambiguous``."""
        filters, annotations = {}, {}
        for name in self.get_import_id_fields():
            field = self.fields[name]
            cells = {str(row.get(name, "")).strip() for row in rows} - {""}
            if isinstance(field.widget, NaturalKeyWidget):
                filters[f"{field.attribute}__in"] = {field.widget.lookup.get(c) for c in cells} - {None}
            else:
                annotations[f"_{name}"] = Lower(field.attribute)
                filters[f"_{name}__in"] = {c.lower() for c in cells}
        if not all(filters.values()):
            return {}
        found, self.ambiguous = {}, set()
        for record in self.get_export_queryset().annotate(**annotations).filter(**filters):
            key = self.key_of(record)
            if key in found:
                self.ambiguous.add(key)
            found[key] = record
        return found

    def apply(self, instance, row):
        errors, related = super().apply(instance, row)
        if self.key_of_row(row) in getattr(self, "ambiguous", ()):
            errors.setdefault("", []).append(
                _("Several records have this key in the database; edit them in the admin.")
            )
        return errors, related


# Platforms -------------------------------------------------------------------------


class DevicesColumn(RelatedColumn):
    """``devices``: "app:Apple TV|decoder:Orange:109:orange:subscribe", in order:
    kind, name, then optionally the channel, the provider (organisation slug) and "subscribe"
    when one can subscribe from it."""

    prefetch = ("devices__provider",)
    EXAMPLE = "decoder:Orange:109:orange:subscribe"

    def __init__(self):
        self.providers = CachedLookup(Organization)

    def parse(self, cell, row, resource):
        devices, seen = [], set()
        for item in NaturalKeysWidget.keys(cell):
            kind, name, channel, provider, subscribe = [*parts(item, 5), "", "", "", ""][:5]
            if not name:
                raise ValidationError(_("Write a device like %(example)s.") % {"example": self.EXAMPLE})
            choice(kind, DeviceKind, _("device kind"))
            if provider and self.providers.get(provider) is None:
                raise ValidationError(_("No organisation “%(value)s”.") % {"value": provider})
            if subscribe not in ("", "subscribe"):
                raise ValidationError(
                    _("Write “subscribe” or nothing after the provider (got “%(value)s”).") % {"value": subscribe}
                )
            if (kind, name.lower()) in seen:
                raise ValidationError(_("Device “%(name)s” is listed twice.") % {"name": name})
            seen.add((kind, name.lower()))
            check_values(Device, name=name, channel=channel)
            devices.append((kind, name, channel, provider.lower(), bool(subscribe)))
        return tuple(devices)

    def current(self, instance):
        if instance.pk is None:
            return ()
        return tuple(
            (d.kind, d.name, d.channel, d.provider.slug.lower() if d.provider_id else "", d.can_subscribe)
            for d in instance.devices.all()
        )

    def render(self, instance):
        return SEPARATOR.join(
            trimmed(kind, name, channel, provider, "subscribe" if subscribe else "")
            for kind, name, channel, provider, subscribe in self.current(instance)
        )

    def write(self, items):
        for platform, devices in items:
            existing = {(d.kind, d.name.lower()): d for d in platform.devices.all()}
            for order, (kind, name, channel, provider, subscribe) in enumerate(devices):
                device = existing.pop((kind, name.lower()), None) or Device(platform=platform, kind=kind)
                device.name, device.channel, device.can_subscribe, device.order = name, channel, subscribe, order
                device.provider = self.providers.get(provider) if provider else None
                device.save()
            Device.objects.filter(pk__in=[d.pk for d in existing.values()]).delete()


class AudienceColumn(RelatedColumn):
    """``audience``: figures the platform stated, "subscribers:~6000:2026-01-28:press release"
    (metric, value with "~" when approximate, date stated, optional source)."""

    prefetch = ("audience_figures",)
    EXAMPLE = "subscribers:~6000:2026-01-28:Press release"

    def parse(self, cell, row, resource):
        figures = set()
        for item in NaturalKeysWidget.keys(cell):
            metric, value, stated_on, source = [*parts(item, 4), "", "", ""][:4]
            choice(metric, AudienceMetric, _("figure"))
            number = value.removeprefix("~")
            if not number.isdigit():
                raise ValidationError(_("Write a figure like %(example)s.") % {"example": self.EXAMPLE})
            try:
                day = StrictDateWidget().clean(stated_on)
            except ValueError as exc:
                raise ValidationError(str(exc)) from exc
            if day is None:
                raise ValidationError(_("Write a figure like %(example)s.") % {"example": self.EXAMPLE})
            check_values(AudienceFigure, value=int(number), source=source)
            figures.add((metric, int(number), value.startswith("~"), day, source))
        return frozenset(figures)

    def current(self, instance):
        if instance.pk is None:
            return frozenset()
        return frozenset(
            (f.metric, f.value, f.approximate, f.stated_on, f.source) for f in instance.audience_figures.all()
        )

    def render(self, instance):
        figures = sorted(self.current(instance), key=lambda f: (-f[3].toordinal(), f[0]))
        return SEPARATOR.join(
            trimmed(metric, f"~{value}" if approximate else value, stated_on.isoformat(), source)
            for metric, value, approximate, stated_on, source in figures
        )

    def write(self, items):
        AudienceFigure.objects.filter(platform__in=[p.pk for p, _v in items]).delete()
        AudienceFigure.objects.bulk_create(
            AudienceFigure(platform=p, metric=m, value=v, approximate=a, stated_on=d, source=s)
            for p, figures in items
            for m, v, a, d, s in figures
        )


class PlatformResource(AfficheResource):
    export_filters = {"platform": ("slug__iexact",)}
    required_columns = ("slug", "name", "kind")
    derived_fields = ("name_key",)

    slug = text("slug")
    name = text("name")
    kind = text("kind")
    operator = foreign("operator", Organization, label=gettext_lazy("organisation"))
    countries = computed("countries")
    launched_on = date("launched_on")
    website = text("website")
    devices = computed("devices")
    simultaneous_screens = integer("simultaneous_screens")
    trial_days = integer("trial_days")
    description_en = text("description_en")
    description_fr = text("description_fr")
    subscription_includes_live = boolean("subscription_includes_live")
    subscription_includes_archive = boolean("subscription_includes_archive")
    subscription_includes_exclusive = boolean("subscription_includes_exclusive")
    catalogue_enriched_regularly = boolean("catalogue_enriched_regularly")
    live_replay_days = integer("live_replay_days")
    audience = computed("audience")
    statements = computed("statements")

    class Meta(AfficheResource.Meta):
        model = Platform
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "kind",
            "operator",
            "countries",
            "launched_on",
            "website",
            "devices",
            "simultaneous_screens",
            "trial_days",
            "description_en",
            "description_fr",
            "subscription_includes_live",
            "subscription_includes_archive",
            "live_replay_days",
            "audience",
            "subscription_includes_exclusive",
            "catalogue_enriched_regularly",
            "statements",
        ]
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.related_columns = {
            "countries": ManyToManyColumn("countries", Country, "code"),
            "devices": DevicesColumn(),
            "audience": AudienceColumn(),
            "statements": StatementsColumn(PlatformStatement, "platform"),
        }

    def get_export_queryset(self):
        return super().get_export_queryset().select_related("operator").order_by("slug")


# Plans -----------------------------------------------------------------------------

AGE = re.compile(r"^(?P<min>\d*)-(?P<max>\d*)$")


class EligibilityWidget(TextWidget):
    """``eligibility``: who may take the plan; empty is everyone. Items: "age:18-20" (inclusive;
    "age:-27" under 28, "age:60-" from 60), "institution:school" (one item per kind), "pass:pass Culture"."""

    EXAMPLE = "age:18-20|institution:school|pass:pass Culture"

    def clean(self, value, row=None, **kwargs) -> dict:
        found = {"min_age": None, "max_age": None, "institutions": [], "partner_pass": ""}
        for item in NaturalKeysWidget.keys(value):
            what, _sep, detail = (p.strip() for p in item.partition(":"))
            if what == "age" and (match := AGE.match(detail)) and (match["min"] or match["max"]):
                found["min_age"] = int(match["min"]) if match["min"] else None
                found["max_age"] = int(match["max"]) if match["max"] else None
            elif what == "institution" and detail:
                found["institutions"].append(choice(detail, InstitutionKind, _("institution kind")))
            elif what == "pass" and detail:
                found["partner_pass"] = detail
            else:
                raise ValueError(
                    _("Write eligibility like %(example)s (got “%(item)s”).") % {"example": self.EXAMPLE, "item": item}
                )
        return found

    @staticmethod
    def render_plan(plan) -> str:
        cells = []
        if plan.min_age is not None or plan.max_age is not None:
            cells.append(
                f"age:{plan.min_age if plan.min_age is not None else ''}-{plan.max_age if plan.max_age is not None else ''}"
            )
        cells += [f"institution:{kind}" for kind in plan.institutions or []]
        if plan.partner_pass:
            cells.append(f"pass:{plan.partner_pass}")
        return SEPARATOR.join(cells)


class DiscountWidget(TextWidget):
    """``discount``: "50%:season_subscribers:2025/26" (percent, who gets it, season)."""

    EXAMPLE = "50%:season_subscribers:2025/26"

    def clean(self, value, row=None, **kwargs) -> dict:
        value = (value or "").strip()
        if not value:
            return {"discount_percent": None, "discount_audience": "", "discount_season": ""}
        percent, audience, season = [*parts(value, 3), "", ""][:3]
        if not percent.removesuffix("%").isdigit() or not audience:
            raise ValueError(_("Write a discount like %(example)s.") % {"example": self.EXAMPLE})
        return {
            "discount_percent": int(percent.removesuffix("%")),
            "discount_audience": choice(audience, DiscountAudience, _("discount audience")),
            "discount_season": season,
        }

    @staticmethod
    def render_plan(plan) -> str:
        if not plan.discount_percent:
            return ""
        return trimmed(f"{plan.discount_percent}%", plan.discount_audience, plan.discount_season)


def _plan_of(names: str, values) -> SimpleNamespace:
    """The plan fields that a cell renders, read as values by the export."""
    return SimpleNamespace(**dict(zip(names.split(), values, strict=True)))


class PlanResource(KeyedByColumns, AfficheResource):
    """A platform's plans, by platform and English name. ``is_gift`` and ``kind`` say the same
    thing twice (kind "gift"); either may be given, and they must agree when both are."""

    export_filters = {"platform": ("platform__slug__iexact",)}

    required_columns = ("platform", "name", "period")

    platform = foreign("platform", Platform)
    name = text("name", "name_en")
    price = price("price")
    currency = text("currency")
    period = text("period")
    duration_months = integer("duration_months")
    eligibility = computed("eligibility")
    is_gift = computed("is_gift")
    name_fr = text("name_fr")
    kind = computed("kind")
    discount = computed("discount")
    no_commitment = boolean("no_commitment")
    order = integer("order")

    class Meta(AfficheResource.Meta):
        model = Plan
        import_id_fields = ["platform", "name"]
        fields = [
            "platform",
            "name",
            "price",
            "currency",
            "period",
            "duration_months",
            "eligibility",
            "is_gift",
            "name_fr",
            "kind",
            "discount",
            "no_commitment",
            "order",
        ]
        export_order = fields

    def apply(self, instance, row):
        errors, related = super().apply(instance, row)
        for column, widget in (("eligibility", EligibilityWidget()), ("discount", DiscountWidget())):
            if column in row:
                try:
                    for name, value in widget.clean(row[column]).items():
                        setattr(instance, name, value)
                except (ValueError, ValidationError) as exc:
                    errors[column] = [str(m) for m in getattr(exc, "messages", [exc])]
        try:
            instance.kind = self.kind_of(instance, row)
        except ValueError as exc:
            errors["is_gift"] = [str(exc)]
        return errors, related

    @staticmethod
    def kind_of(plan, row) -> str:
        kind = row.get("kind", "").strip()
        gift = BooleanCellWidget().clean(row["is_gift"]) if row.get("is_gift", "").strip() else None
        if kind:
            if gift is not None and gift != (kind == PlanKind.GIFT):
                raise ValueError(_("“is_gift” and “kind” disagree."))
            return kind
        if gift:
            return PlanKind.GIFT
        if gift is False and plan.kind == PlanKind.GIFT:
            return PlanKind.SUBSCRIPTION
        return plan.kind

    def _column(self, name):
        if name in ("min_age", "max_age", "institutions", "partner_pass"):
            return "eligibility"
        if name.startswith("discount_"):
            return "discount"
        return "kind" if name == "kind" else super()._column(name)

    export_cells = {
        "eligibility": (
            ("min_age", "max_age", "institutions", "partner_pass"),
            lambda *values: EligibilityWidget.render_plan(
                _plan_of("min_age max_age institutions partner_pass", values)
            ),
        ),
        "discount": (
            ("discount_percent", "discount_audience", "discount_season"),
            lambda *values: DiscountWidget.render_plan(
                _plan_of("discount_percent discount_audience discount_season", values)
            ),
        ),
        "is_gift": (("kind",), lambda kind: "true" if kind == PlanKind.GIFT else "false"),
        "kind": (("kind",), lambda kind: kind),
    }

    def dehydrate_eligibility(self, plan):
        return EligibilityWidget.render_plan(plan)

    def dehydrate_discount(self, plan):
        return DiscountWidget.render_plan(plan)

    def dehydrate_is_gift(self, plan):
        return "true" if plan.kind == PlanKind.GIFT else "false"

    def dehydrate_kind(self, plan):
        return plan.kind

    def get_export_queryset(self):
        return super().get_export_queryset().select_related("platform").order_by("platform__slug", "order", "name_en")


# Offers ----------------------------------------------------------------------------


class LiveTimeWidget(TextWidget):
    """``live_at``: an instant with its offset ("2026-02-01T19:30+01:00"); without an offset, a
    wall-clock time in the site's zone (settings.TIME_ZONE). Written with its offset."""

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        try:
            return parse_wall_time(value, settings.TIME_ZONE, any_offset=True)
        except ValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from exc

    value_render = True
    sql_kind = "datetime_minutes"

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else timezone.localtime(value).isoformat(timespec="minutes")


class OfferResource(KeyedByColumns, AfficheResource):
    export_filters = {
        "platform": ("platform__slug__iexact",),
        "title": ("title__slug__iexact", "title__parent__slug__iexact", "title__parent__parent__slug__iexact"),
    }
    required_columns = ("title", "platform", "country", "type")

    title = foreign("title", Title)
    platform = foreign("platform", Platform)
    country = foreign("country", Country, "code")
    type = text("type", "offer_type")
    price = price("price")
    currency = text("currency")
    quality = text("quality")
    available_from = date("available_from")
    available_until = date("available_until")
    exclusive = boolean("exclusive")
    url = text("url")
    live_at = Field(attribute="live_at", column_name="live_at", widget=LiveTimeWidget())
    replay_days = integer("replay_days")

    published_at = date_time("published_at")

    class Meta(AfficheResource.Meta):
        model = Offer
        import_id_fields = ["title", "platform", "country", "type"]
        fields = [
            "title",
            "platform",
            "country",
            "type",
            "price",
            "currency",
            "quality",
            "available_from",
            "available_until",
            "exclusive",
            "url",
            "live_at",
            "replay_days",
            "published_at",
        ]
        export_order = fields

    def apply(self, instance, row):
        """Empty window cells of a live show or broadcast are filled as on save."""
        errors, related = super().apply(instance, row)
        if not errors:
            instance.fill_window()
        return errors, related

    def get_export_queryset(self):
        return (
            super()
            .get_export_queryset()
            .select_related("title", "platform", "country")
            .order_by("platform__slug", "title__slug", "country", "offer_type", "available_from", "pk")
        )
