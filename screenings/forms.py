"""Admin forms: screening times are typed as the venue's wall-clock time.

``LocalDateTimeField`` takes a date, a time and — only needed on the night the clocks go back —
which of the two identical wall times is meant. The form turns them into an aware datetime in
the chosen venue's IANA zone (never the server's or the browser's), refusing a time skipped by
a spring-forward change and asking for the choice when the time happens twice.
"""

from datetime import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from catalog.admin_base import AfficheModelForm
from catalog.models import Title

from . import services
from .enums import AmbiguousChoice
from .localtime import WallTime, make_local_aware, timezone_names, validate_timezone
from .models import Screening, Venue, VenueClosure, conflict_message
from .services import lock_room, lock_venue, running_time, set_titles


class TimeZoneInput(forms.TextInput):
    """A text box with the list of IANA zones as suggestions (a ``<datalist>``): typing "paris"
    or "los_ang" narrows the list; a name not in the list is refused by ``validate_timezone``."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", "size": 32, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs'].get('id') or name}-choices"
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id') or name}-choices"
        options = format_html_join("", '<option value="{}"></option>', ((zone,) for zone in timezone_names()))
        return format_html('{}<datalist id="{}">{}</datalist>', html, list_id, options)


class LocalDateTimeWidget(forms.MultiWidget):
    def __init__(self, attrs=None):
        widgets = [
            forms.DateInput(attrs={"type": "date", "aria-label": _("Date")}, format="%Y-%m-%d"),
            forms.TimeInput(attrs={"type": "time", "step": 60, "aria-label": _("Time")}, format="%H:%M"),
            forms.Select(
                choices=[("", _("(only if the time happens twice)")), *AmbiguousChoice.choices],
                attrs={"aria-label": _("Which one, when the clocks go back")},
            ),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        """A ``WallTime`` (or a datetime, naive, as the wall time) as [date, time, choice]."""
        if not value:
            return [None, None, ""]
        if isinstance(value, datetime):
            value = WallTime(value)
        return [value.date, value.time.replace(second=0, microsecond=0), value.choice]


class LocalDateTimeField(forms.MultiValueField):
    """A wall-clock date and time, plus the fall-back choice; cleans to a ``WallTime``."""

    widget = LocalDateTimeWidget

    def __init__(self, **kwargs):
        fields = [
            forms.DateField(input_formats=["%Y-%m-%d", "%d/%m/%Y"]),
            forms.TimeField(input_formats=["%H:%M", "%H:%M:%S"]),
            forms.ChoiceField(choices=AmbiguousChoice.choices, required=False),
        ]
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not data_list[0] or not data_list[1]:
            if data_list and (data_list[0] or data_list[1]):
                raise ValidationError(_("Give both the date and the time."), code="incomplete")
            return None
        return WallTime(datetime.combine(data_list[0], data_list[1]), data_list[2] or "")

    def display_value(self, value: WallTime) -> str:
        """The wall time in words, for the note beside a field a colleague changed."""
        shown = f"{value.naive:%Y-%m-%d %H:%M}"
        return f"{shown} ({AmbiguousChoice(value.choice).label})" if value.choice else shown


def local_initial(value, zone) -> WallTime | None:
    """What the form shows for the stored instant ``value``: its wall time in ``zone``."""
    return WallTime.of(value, zone)


class OrderedAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    """Shows the selected titles in programme order (the stock widget uses the database's)."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        order = {str(v): i for i, v in enumerate(value)}
        for _group_name, options, _index in groups:
            options.sort(key=lambda option: order.get(str(option["value"]), len(order)))
        return groups


class OrderedTitlesField(forms.ModelMultipleChoiceField):
    """Titles in the order they were chosen (the version check compares them in order)."""

    ordered = True

    def clean(self, value):
        queryset = super().clean(value)
        by_pk = {str(t.pk): t for t in queryset}
        return [by_pk[str(v)] for v in dict.fromkeys(value or []) if str(v) in by_pk]


class LocalTimesForm(AfficheModelForm):
    """Start and end typed in the venue's zone; the room rule checked under the room's lock."""

    starts = LocalDateTimeField(label=_("Starts (venue's local time)"))
    ends = LocalDateTimeField(
        label=_("Ends (venue's local time)"),
        required=False,
        help_text=_("Leave empty to add up the runtimes of the titles shown."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk and instance.venue_id:
            zone = instance.venue.zone
            self.initial.setdefault("starts", local_initial(instance.starts_at, zone))
            self.initial.setdefault("ends", local_initial(instance.ends_at, zone))
        if "venue" in self.fields:
            self.fields["venue"].help_text = _("Times below are in this venue's time zone.")

    def programme_titles(self):
        return list(self.instance.titles.all()) if self.instance.pk else []

    #: The model's time fields and the form's split fields that enter them.
    TIME_FIELDS = {"starts_at": "starts", "ends_at": "ends"}

    def _update_errors(self, errors):
        """The model speaks of ``starts_at``/``ends_at``; the form shows them as ``starts``/``ends``
        (a start outside the edition links to the edition's page to widen it)."""
        if hasattr(errors, "error_dict"):
            renamed = {}
            for name, messages in errors.error_dict.items():
                target = self.TIME_FIELDS.get(name, name)
                renamed.setdefault(target, []).extend(self._with_links(messages))
            errors = ValidationError(renamed)
        super()._update_errors(errors)

    @staticmethod
    def _with_links(messages):
        linked = []
        for error in messages:
            params = error.params or {}
            if error.code == "outside_edition" and "edition_url" in params:
                text = str(error.message) % {**params, "url": ""}
                error = ValidationError(
                    format_html(
                        '{} <a href="{}">{}</a>', text.rstrip(": "), params["edition_url"], _("Widen the edition")
                    ),
                    code=error.code,
                )
            linked.append(error)
        return linked

    def clean(self):
        cleaned = super().clean()
        venue: Venue | None = cleaned.get("venue")
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if venue is None or starts is None:
            return cleaned
        try:
            self.instance.starts_at = make_local_aware(starts.naive, venue.timezone, starts.choice)
        except ValidationError as error:
            self.add_error("starts", error)
            return cleaned
        if ends is not None:
            try:
                self.instance.ends_at = make_local_aware(ends.naive, venue.timezone, ends.choice)
            except ValidationError as error:
                self.add_error("ends", error)
                return cleaned
        else:
            try:
                self.instance.ends_at = self.instance.starts_at + running_time(self.programme_titles())
            except ValidationError as error:
                self.add_error("ends", error)
                return cleaned
            if not self.programme_titles():
                self.add_error("ends", _("Give the end time, or choose the titles shown."))
                return cleaned
        # Hold the room until this transaction ends, so that the overlap check that follows
        # (Screening.clean) cannot race with another booking of the same room.
        lock_room(venue.pk)
        return cleaned


def programme_field() -> OrderedTitlesField:
    """The titles of a screening, at least one, in running order (autocomplete)."""
    return OrderedTitlesField(
        label=_("Titles shown, in order"),
        queryset=Title.objects.select_related("parent__parent"),
        widget=OrderedAutocompleteSelectMultiple(Screening._meta.get_field("titles"), admin.site),
        help_text=_("One film, or several episodes shown together (pick them in running order)."),
        error_messages={"required": _("Choose at least one title shown.")},
    )


class ProgrammeFormMixin(forms.Form):
    """The programme field, filled with the saved programme in order."""

    programme = programme_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault(
                "programme",
                list(self.instance.screening_titles.order_by("order", "pk").values_list("title_id", flat=True)),
            )

    def programme_titles(self):
        return self.cleaned_data.get("programme") or []


class ScreeningForm(ProgrammeFormMixin, LocalTimesForm):
    class Meta:
        model = Screening
        fields = [
            "edition",
            "section",
            "venue",
            "label_en",
            "label_fr",
            "status",
            "premiere",
            "language",
            "subtitle_language",
            "partners",
            "note",
            "ticket_url",
            "price",
            "currency",
        ]

    def _save_m2m(self):
        super()._save_m2m()
        set_titles(self.instance, self.cleaned_data.get("programme") or [])


class EditionScreeningForm(ProgrammeFormMixin, LocalTimesForm):
    """A row of an edition's schedule, with its titles (a screening needs at least one)."""

    class Meta:
        model = Screening
        fields = ["venue", "section", "label_en", "status"]


class EditionScreeningFormSet(BaseInlineFormSet):
    """The edition's schedule, saved as one set through ``services.save_screenings``: two rows
    of one save that would share a room are refused like a row that meets a booked screening
    (each row's form compares it with the database)."""

    def clean(self):
        super().clean()
        rows = [
            form
            for form in self.forms
            if form.has_changed() and not form.errors and not (self.can_delete and self._should_delete_form(form))
        ]
        for screening, other in services.overlaps_within([form.instance for form in rows]):
            form = next(form for form in rows if form.instance is screening)
            form.add_error(None, ValidationError(conflict_message(other, screening=screening), code="overlap"))

    @transaction.atomic
    def save(self, commit=True):
        instances = super().save(commit=False)
        if commit:
            for screening in self.deleted_objects:
                screening.delete()
            titles = {id(form.instance): form.cleaned_data.get("programme") for form in self.forms if form.cleaned_data}
            services.save_screenings(
                [services.Booking(screening, titles.get(id(screening))) for screening in instances]
            )
            self.save_m2m()
        return instances


class VenueClosureForm(LocalTimesForm):
    """A closure's start and end typed in the venue's zone; the venue and its rooms locked
    before the model's check (no screening of them may meet the closure)."""

    ends = LocalDateTimeField(label=_("Ends (venue's local time)"))

    class Meta:
        model = VenueClosure
        fields = ["venue", "reason_en", "reason_fr"]

    def programme_titles(self):
        return []

    def clean(self):
        cleaned = AfficheModelForm.clean(self)
        venue: Venue | None = cleaned.get("venue") or (self.instance.venue if self.instance.venue_id else None)
        try:
            validate_timezone(venue.timezone if venue else "UTC")
        except ValidationError:
            return cleaned  # the venue's page, posted with a bad zone: its own field says so
        for name, attname in (("starts", "starts_at"), ("ends", "ends_at")):
            value = cleaned.get(name)
            if venue is None or value is None:
                return cleaned
            try:
                setattr(self.instance, attname, make_local_aware(value.naive, venue.timezone, value.choice))
            except ValidationError as error:
                self.add_error(name, error)
                return cleaned
        if venue.pk:
            lock_venue(venue.pk)
        return cleaned


class VenueClosureFormSet(BaseInlineFormSet):
    """The closures of a venue (its admin page), each saved through ``services.save_closure``."""

    def save_new(self, form, commit=True):
        closure = form.save(commit=False)
        setattr(closure, self.fk.name, self.instance)
        if commit:
            services.save_closure(closure)
        return closure

    def save_existing(self, form, obj, commit=True):
        closure = form.save(commit=False)
        if commit:
            services.save_closure(closure)
        return closure


class DuplicateForm(forms.Form):
    """Admin action: copy the chosen screenings to another day (same local time), maybe another room."""

    on_date = forms.DateField(label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}))
    venue = forms.ModelChoiceField(
        label=_("Room or venue"),
        queryset=Venue.objects.select_related("parent"),
        required=False,
        help_text=_("Leave empty to keep each screening's room."),
    )


class PostponeForm(forms.Form):
    """Admin action: move the chosen screening to a new local start; the old one is kept."""

    starts = LocalDateTimeField(label=_("New start (venue's local time)"))
