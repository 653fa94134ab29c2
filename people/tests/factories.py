import factory

from catalog.tests.factories import TitleFactory
from people.models import Credit, Organization, Person, PersonAlias, Role


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
