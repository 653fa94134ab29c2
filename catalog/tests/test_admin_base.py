"""The form of ``catalog.admin_base``: its checks do not depend on where a subclass's ``clean()``
calls ``super()``, and a model without a version gets no version fields."""

import pytest

from catalog.admin_base import DIGEST_FIELD, VERSION_FIELD, AfficheModelForm
from catalog.models import Country, Genre

from .factories import GenreFactory

RTL_OVERRIDE = "harmless\u202egpj.exe"
BIDI_MESSAGE = "Remove the invisible text-direction characters (such as U+202E) from this field."


class GenreForm(AfficheModelForm):
    class Meta:
        model = Genre
        fields = ["slug", "name_en", "name_fr"]


class OwnCleanGenreForm(GenreForm):
    """A subclass that validates on its own and never calls ``super().clean()``."""

    def clean(self):
        return self.cleaned_data


class CountryForm(AfficheModelForm):
    class Meta:
        model = Country
        fields = ["code", "name_en"]


def posted(form_class, instance, **changes):
    loaded = form_class(instance=instance)
    data = {name: loaded[name].value() for name in loaded.fields}
    return form_class(data={**data, **changes}, instance=instance)


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", [GenreForm, OwnCleanGenreForm])
def test_form_refuses_bidi_controls_whatever_the_subclass_clean(form_class):
    form = posted(form_class, GenreFactory(), name_en=RTL_OVERRIDE)

    assert form.errors == {"name_en": [BIDI_MESSAGE]}


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", [GenreForm, OwnCleanGenreForm])
def test_form_refuses_a_stale_version_whatever_the_subclass_clean(form_class):
    genre = GenreFactory(name_en="Drama")
    form = posted(form_class, genre, name_en="Drama (new)")
    Genre.objects.get(pk=genre.pk).save()  # someone else saves meanwhile

    assert not form.is_valid()
    assert form.non_field_errors()[0].startswith("Someone else saved this record while you were editing it")
    assert form.data[VERSION_FIELD] == genre.version + 1


@pytest.mark.django_db
def test_form_of_a_model_without_version_has_no_version_fields():
    form = CountryForm()

    assert list(form.fields) == ["code", "name_en"]
    assert {VERSION_FIELD, DIGEST_FIELD} <= set(GenreForm().fields)
