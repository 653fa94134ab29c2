"""Post an admin change form back as a browser would: every field of the form and of its
inlines with the value it was rendered with, so that a test changes one field and nothing else."""

from django import forms


def _field_values(form) -> dict:
    data = {}
    for name, field in form.fields.items():
        bound = form[name]
        widget = field.widget
        if isinstance(field, forms.FileField):
            continue
        value = bound.value()
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
            continue
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list) else widget.decompress(value)
            for index, part in enumerate(parts):
                data[f"{bound.html_name}_{index}"] = "" if part is None else str(part)
            continue
        if isinstance(widget, forms.SelectMultiple) and not value:
            continue  # a browser posts nothing for a multiple select with nothing chosen
        if value is None:
            data[bound.html_name] = ""
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(getattr(v, "pk", v)) for v in value]
        else:
            data[bound.html_name] = str(getattr(value, "pk", value))
    return data


def form_data(response) -> dict:
    """The data a browser would post back from an admin add/change page, unchanged."""
    context = response.context
    data = _field_values(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_field_values(formset.management_form))
        for form in formset.forms:
            data.update(_field_values(form))
    data["_save"] = "Save"
    return data


def main_form(response):
    return response.context["adminform"].form
