"""Words other packages show on our pages but do not translate into Kazakh (or Russian):
marked here so `makemessages` keeps them in locale/*/django.po, whose translations win over
the packages' own (LOCALE_PATHS comes first)."""

from django.utils.translation import gettext_noop

VENDOR_TEXT = (
    # Django 6.1's empty choice of a select (django.db.models.fields.BLANK_CHOICE_LABEL).
    gettext_noop("- Select an option -"),
    # django-leaflet's map widget (leaflet/templatetags/leaflet_tags.py, leaflet_draw_i18n).
    gettext_noop("Reset view"),
    gettext_noop("Cancel drawing"),
    gettext_noop("Cancel"),
    gettext_noop("Delete last point drawn"),
    gettext_noop("Delete last point"),
    gettext_noop("Draw a polyline"),
    gettext_noop("Draw a polygon"),
    gettext_noop("Draw a rectangle"),
    gettext_noop("Draw a circle"),
    gettext_noop("Draw a marker"),
    gettext_noop("Click and drag to draw circle."),
    gettext_noop("Click map to place marker."),
    gettext_noop("Click to start drawing shape."),
    gettext_noop("Click to continue drawing shape."),
    gettext_noop("Click first point to close this shape."),
    gettext_noop("<strong>Error:</strong> shape edges cannot cross!"),
    gettext_noop("Click to start drawing line."),
    gettext_noop("Click to continue drawing line."),
    gettext_noop("Click last point to finish line."),
    gettext_noop("Click and drag to draw rectangle."),
    gettext_noop("Release mouse to finish drawing."),
    gettext_noop("Save changes."),
    gettext_noop("Save"),
    gettext_noop("Cancel editing, discards all changes."),
    gettext_noop("Edit layers"),
    gettext_noop("No layers to edit."),
    gettext_noop("Delete layers"),
    gettext_noop("No layers to delete."),
    gettext_noop("Drag handles, or marker to edit feature."),
    gettext_noop("Click cancel to undo changes."),
    gettext_noop("Click on a feature to remove"),
)
