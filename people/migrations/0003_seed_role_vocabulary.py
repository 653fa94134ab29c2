"""The role vocabulary: departments, roles and the labels press kits use for them.

Editors can change all of it in the admin; this is the starting point. Label keys are
``catalog.text.normalize`` of the label (inlined here so that the migration never changes).
"""

import re
import unicodedata

from django.db import migrations

DEPARTMENTS = [
    ("directing", "Directing", "Réalisation"),
    ("writing", "Writing", "Scénario"),
    ("production", "Production", "Production"),
    ("camera", "Camera", "Image"),
    ("editing", "Editing", "Montage"),
    ("sound-music", "Sound & Music", "Son et musique"),
    ("cast", "Cast", "Interprétation"),
    ("dance", "Dance", "Danse"),
    ("distribution", "Distribution", "Diffusion et ventes"),
    ("funding", "Funding", "Financement"),
    ("partners", "Partners", "Partenaires"),
]

# (slug, department, English, French, target, is_cast, schema.org property, other labels)
ROLES = [
    ("director", "directing", "Director", "Réalisation", "person", False, "director", [
        "Directed by", "Réalisé par", "Réalisée par", "Réalisateur", "Réalisatrice", "Directors", "Direction",
        "A film by", "Un film de",
    ]),
    ("creator", "writing", "Creator", "Création", "person", False, "creator", [
        "Created by", "Créé par", "Créée par", "Series created by", "Créateur", "Créatrice", "Co-creator",
    ]),
    ("writer", "writing", "Writer", "Scénario", "person", False, "author", [
        "Written by", "Écrit par", "Écrite par", "Screenplay", "Screenplay by", "Scénariste", "Writers",
    ]),
    ("producer", "production", "Producer", "Producteur", "either", False, "producer", [
        "Produced by", "Produit par", "Produite par", "Producers", "Productrice", "Producer(s)",
    ]),
    ("executive-producer", "production", "Executive producer", "Producteur exécutif", "person", False, "", [
        "Executive producers", "Productrice exécutive", "Executive produced by",
    ]),
    ("production-company", "production", "Production company", "Société de production", "organization", False,
     "productionCompany", [
        "Production / Coproduction of the video work", "Production", "Coproduction", "Co-production",
        "Production companies", "Sociétés de production", "Production / Coproduction", "Une production",
        "Coproduced by", "Coproduit par",
    ]),
    ("cinematographer", "camera", "Cinematography", "Image", "person", False, "", [
        "Cinematographer", "Director of photography", "Photography", "Directeur de la photographie",
        "Directrice de la photographie", "Chef opérateur", "Cheffe opératrice", "DoP",
    ]),
    ("camera-operator", "camera", "Camera operator", "Cadre", "person", False, "", ["Cadreur", "Cadreuse", "Camera"]),
    ("editor", "editing", "Film editing", "Montage", "person", False, "", [
        "Editing", "Edited by", "Editor", "Editors", "Monteur", "Monteuse", "Monté par",
    ]),
    ("composer", "sound-music", "Original score", "Musique originale", "person", False, "musicBy", [
        "Music", "Music by", "Musique", "Composer", "Compositeur", "Compositrice", "Original music",
    ]),
    ("sound", "sound-music", "Sound", "Son", "person", False, "", ["Sound design", "Ingénieur du son", "Mixage"]),
    ("actor", "cast", "Cast", "Interprètes", "person", True, "actor", [
        "Actor", "Actress", "Starring", "With", "Avec", "Interprétation", "Acteur", "Actrice", "Cast of season",
    ]),
    ("choreographer", "dance", "Choreography", "Chorégraphie", "person", False, "", [
        "Choreographer", "Chorégraphe", "Choreographed by", "Chorégraphié par",
    ]),
    ("dancer", "dance", "Dancer", "Danseur", "person", True, "performer", ["Dancers", "Danseurs", "Danseuse", "Danseuses"]),
    ("ensemble", "dance", "Company", "Compagnie", "organization", False, "performer", [
        "Ballet company", "Dance company", "Ensemble", "Compagnie de ballet",
    ]),
    ("sales-agent", "distribution", "International sales", "Ventes internationales", "organization", False, "", [
        "International sales agent", "World sales", "Sales", "Sales agent", "Vendeur international",
    ]),
    ("distributor", "distribution", "Distributor", "Distributeur", "organization", False, "", [
        "Distributed by", "Distribué par", "Distribuée par", "Distributors",
    ]),
    ("funder", "funding", "Participation", "Participation", "organization", False, "funder", [
        "With the participation of", "Avec la participation de", "With the support of", "Avec le soutien de",
        "Funded by", "Financial support", "Soutien", "Support", "Funder", "Financeur",
    ]),
    ("patron", "funding", "Patron", "Mécène", "organization", False, "sponsor", [
        "Sponsor", "Sponsored by", "Mécénat", "Patronage", "Avec le mécénat de",
    ]),
    ("partner", "partners", "Presented in association with", "Présenté en association avec", "organization", False,
     "", [
        "In association with", "En association avec", "Partner", "Partners", "Partenaire", "Partenaires",
    ]),
]

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})


def _key(text):
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def seed(apps, schema_editor):
    Department = apps.get_model("people", "Department")
    Role = apps.get_model("people", "Role")
    RoleLabel = apps.get_model("people", "RoleLabel")
    departments = {}
    for order, (slug, en, fr) in enumerate(DEPARTMENTS):
        departments[slug], _created = Department.objects.update_or_create(
            slug=slug, defaults={"name_en": en, "name_fr": fr, "order": order}
        )
    for order, (slug, dept, en, fr, target, is_cast, prop, labels) in enumerate(ROLES):
        role, _created = Role.objects.update_or_create(
            slug=slug,
            defaults={
                "department": departments[dept],
                "name_en": en,
                "name_fr": fr,
                "target": target,
                "is_cast": is_cast,
                "schema_property": prop,
                "order": order,
            },
        )
        for label in [en, fr, *labels]:
            key = _key(label)
            if not RoleLabel.objects.filter(name_key=key).exists():
                RoleLabel.objects.create(role=role, label=label, name_key=key)


class Migration(migrations.Migration):
    dependencies = [("people", "0002_credits_roles_aliases_relations")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
