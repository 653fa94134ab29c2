"""The staff roles (SPEC §5): groups Editor, Programmer and Viewer and their permissions.

``setup_roles()`` creates or corrects the three groups from ``roles()`` (what each app
registered in catalog.extensions.role_permissions); it is idempotent and runs
after every ``migrate`` (``catalog.apps``) and by ``python manage.py setup_roles``. A group's
permissions are set exactly: a permission added to a role by hand in the admin is removed on
the next run, so that this file stays the one description of the roles (docs/security.md).

An app registers ``{role: actions}`` for all its models and, where one model differs,
``{role: {model name: actions}}`` (``RolePermissions.models``): Programmers add titles, people,
organisations and credits (so that they can programme a new film) without changing or deleting
existing ones.

CSV import needs a model's add and change permissions; export needs view plus the model's
``export_<model>`` permission (``catalog.csvadmin``). Export is reading: every role exports what
it reads (``READ``). Export permissions are looked up by codename, so a model without one (yet)
is simply skipped.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from . import extensions

EDITOR, PROGRAMMER, VIEWER = "Editor", "Programmer", "Viewer"
ROLE_NAMES = (EDITOR, PROGRAMMER, VIEWER)
ALL_ACTIONS = ("add", "change", "delete", "view", "export")
#: Reading: seeing a record and exporting it as CSV (docs/security.md).
READ = ("view", "export")
#: Reading, and adding new records (never changing or deleting existing ones).
ADD = ("add", *READ)

# Reference data seeded by migrations (ISO codes): read-only for every role.
REFERENCE_MODELS = {"catalog.country", "catalog.language"}


def roles() -> dict[str, dict[str, tuple[str, ...]]]:
    """{role: {app label: actions}}, from what each app registered in
    ``catalog.extensions.role_permissions``; an app not named is invisible to the role."""
    return {
        role: {entry.name: entry.actions[role] for entry in extensions.role_permissions if role in entry.actions}
        for role in ROLE_NAMES
    }


def model_actions(role: str, model) -> tuple[str, ...]:
    """What ``role`` may do with ``model`` (a model class): its app's actions, or the model's
    own where the app registered them; reference data is read-only for everyone."""
    opts = model._meta
    if f"{opts.app_label}.{opts.model_name}" in REFERENCE_MODELS:
        return ("view",)
    if opts.app_label not in extensions.role_permissions:
        return ()
    entry = extensions.role_permissions[opts.app_label]
    per_model = entry.models.get(role, {})
    if opts.model_name in per_model:
        return tuple(per_model[opts.model_name])
    return tuple(entry.actions.get(role, ()))


def role_permissions(role: str):
    """The permissions ``role`` holds, as a queryset (one query when evaluated)."""
    wanted = Q(pk__in=[])
    for entry in extensions.role_permissions:
        for model in apps.get_app_config(entry.name).get_models():
            codenames = [f"{action}_{model._meta.model_name}" for action in model_actions(role, model)]
            wanted |= Q(content_type__app_label=entry.name, codename__in=codenames)
    return Permission.objects.filter(wanted)


def setup_roles() -> dict[str, int]:
    """Create or correct the three groups; returns {role: number of permissions}."""
    counts = {}
    for role in ROLE_NAMES:
        group, _created = Group.objects.get_or_create(name=role)
        permissions = list(role_permissions(role))
        group.permissions.set(permissions)
        counts[role] = len(permissions)
    return counts


def setup_roles_after_migrate(sender, **kwargs):
    """``post_migrate`` receiver: runs once, after the last app's permissions exist."""
    if sender.label != list(apps.get_app_configs())[-1].label:
        return
    setup_roles()
