from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalog.admin_base import AfficheModelForm
from catalog.enums import TitleKind
from catalog.models import Country, Title
from catalog.money import currency_validator

from .enums import InstitutionKind, OfferType, Quality
from .models import Offer, Plan, Platform
from .services import parse_batches


class PlanForm(AfficheModelForm):
    institutions = forms.MultipleChoiceField(
        label=_("for institutions"),
        choices=InstitutionKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Plan
        fields = [
            "kind",
            "order",
            "name_en",
            "name_fr",
            "price",
            "currency",
            "period",
            "duration_months",
            "no_commitment",
            "min_age",
            "max_age",
            "institutions",
            "partner_pass",
            "discount_percent",
            "discount_audience",
            "discount_season",
        ]


class BatchReleaseForm(forms.Form):
    """A release plan: which episodes of a season (or miniseries) arrive on which date."""

    title = forms.ModelChoiceField(
        label=_("Season or series"),
        queryset=Title.objects.filter(kind__in=[TitleKind.SERIES, TitleKind.SEASON]),
        help_text=_("The episodes must already exist under it."),
    )
    platform = forms.ModelChoiceField(label=_("Platform"), queryset=Platform.objects.order_by("name"))
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all())
    offer_type = forms.ChoiceField(label=_("Type"), choices=OfferType.choices, initial=OfferType.SUBSCRIPTION)
    batches = forms.CharField(
        label=_("Batches"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 40}),
        # No placeholder: grey example dates in the box looked like values already filled in.
        help_text=_(
            "One line per batch: episode numbers, a colon, the first day (YYYY-MM-DD). "
            "For example “1-2: 2026-02-01”, then “3-4: 2026-03-01” on the next line."
        ),
    )
    exclusive = forms.BooleanField(label=_("Exclusive"), required=False)
    price = forms.DecimalField(label=_("Price"), required=False, min_value=0, max_digits=9, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3, validators=[currency_validator])
    quality = forms.ChoiceField(label=_("Quality"), choices=[("", "—"), *Quality.choices], required=False)
    available_until = forms.DateField(
        label=_("Available until"),
        required=False,
        widget=AdminDateWidget,
        help_text=_("First day no episode is available any more; empty: no end announced."),
    )
    url = forms.URLField(label=_("Link"), required=False, help_text=_("The season’s page on the platform."))

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        title = self.fields["title"]
        title.widget = AutocompleteSelect(Offer._meta.get_field("title"), admin_site or admin.site)
        title.widget.choices = title.choices
        self.fields["country"].initial = "FR"

    def clean_batches(self):
        return parse_batches(self.cleaned_data["batches"])

    def clean(self):
        data = super().clean()
        if data.get("price") is not None and not data.get("currency"):
            self.add_error("currency", _("A price needs its currency."))
        batches = data.get("batches") or []
        until = data.get("available_until")
        if until and any(b.starts >= until for b in batches):
            raise ValidationError(_("“Available until” must be after every batch’s date."))
        return data

    def offer_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "platform": data["platform"],
            "country": data["country"],
            "offer_type": data["offer_type"],
            "exclusive": data["exclusive"],
            "price": data["price"],
            "currency": (data["currency"] or "").upper(),
            "quality": data["quality"],
            "available_until": data["available_until"],
            "url": data["url"],
        }
