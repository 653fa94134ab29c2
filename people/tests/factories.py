import factory

from catalog.tests.factories import TitleFactory
from people.enums import RelationKind
from people.models import (
    Credit,
    Organization,
    OrganizationAlias,
    OrganizationFormerSlug,
    OrganizationLogo,
    Person,
    PersonAlias,
    PersonFormerSlug,
    PersonPortrait,
    PersonRelation,
    Role,
)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.Sequence(lambda n: f"person-{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")


class PersonAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonAlias

    owner = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")


class OrganizationAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationAlias

    owner = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Company alias {n}")


class PersonFormerSlugFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonFormerSlug

    owner = factory.SubFactory(PersonFactory)
    slug = factory.Sequence(lambda n: f"former-person-{n}")


class OrganizationFormerSlugFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationFormerSlug

    owner = factory.SubFactory(OrganizationFactory)
    slug = factory.Sequence(lambda n: f"former-company-{n}")


class PersonRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonRelation

    person = factory.SubFactory(PersonFactory)
    kind = RelationKind.CHILD_OF
    other = factory.SubFactory(PersonFactory)


class PersonPortraitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonPortrait

    person = factory.SubFactory(PersonFactory)
    image = factory.django.ImageField(width=40, height=60, format="PNG")


class OrganizationLogoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationLogo

    organization = factory.SubFactory(OrganizationFactory)
    image = factory.django.ImageField(width=60, height=40, format="PNG")


def role(slug: str) -> Role:
    """A role of the seeded vocabulary (migration 0003)."""
    return Role.objects.get(slug=slug)


class CreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credit

    title = factory.SubFactory(TitleFactory)
    person = factory.SubFactory(PersonFactory)
    role = factory.LazyFunction(lambda: role("director"))
    order = factory.Sequence(lambda n: n)
