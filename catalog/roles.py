"""The staff roles (SPEC §5): groups Editor, Programmer and Viewer and their permissions.

``setup_roles()`` creates or corrects the three groups from ``roles()`` (what each app
registered in catalog.extensions.role_permissions); it is idempotent and runs
after every ``migrate`` (``catalog.apps``) and by ``python manage.py setup_roles``. A group's
permissions are set exactly: a permission added to a role by hand in the admin is removed on
the next run, so that this file stays the one description of the roles (docs/security.md).

CSV import needs a model's add and change permissions; export needs view plus the model's
``export_<model>`` permission (``catalog.csvadmin``). Export permissions are looked up by
codename, so a model without one (yet) is simply skipped.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from . import extensions

EDITOR, PROGRAMMER, VIEWER = "Editor", "Programmer", "Viewer"
ROLE_NAMES = (EDITOR, PROGRAMMER, VIEWER)
ALL_ACTIONS = ("add", "change", "delete", "view", "export")
READ = ("view",)

# Reference data seeded by migrations (ISO codes): read-only for every role.
REFERENCE_MODELS = {"catalog.country", "catalog.language"}


def roles() -> dict[str, dict[str, tuple[str, ...]]]:
    """{role: {app label: actions}}, from what each app registered in
    ``catalog.extensions.role_permissions``; an app not named is invisible to the role."""
    return {
        role: {entry.name: entry.actions[role] for entry in extensions.role_permissions if role in entry.actions}
        for role in ROLE_NAMES
    }


def role_permissions(role: str):
    """The permissions ``role`` holds, as a queryset (one query when evaluated)."""
    wanted = Q(pk__in=[])
    for app_label, actions in roles()[role].items():
        for model in apps.get_app_config(app_label).get_models():
            key = f"{app_label}.{model._meta.model_name}"
            allowed = READ if key in REFERENCE_MODELS else actions
            codenames = [f"{action}_{model._meta.model_name}" for action in allowed]
            wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
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
