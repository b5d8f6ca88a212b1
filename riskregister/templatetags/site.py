"""Template helpers every page shares: `{% load site %}`.

scroll_region: a wide table scrolls sideways inside its own box on narrow
screens; a box that scrolls must take keyboard focus and have a name
(WCAG 2.1.1; axe's scrollable-region-focusable), so every such box is
written by this one tag:

    {% scroll_region labelledby="reviews-caption" %}<table>...</table>{% endscroll_region %}
    {% scroll_region label="Risks Appendix 2 may show" %}...{% endscroll_region %}

described_by: `{{ field|described_by:"some-hint" }}` links a hint written
beside the field (not its help_text) to its input, keeping Django's own links.

without_autofocus: a page that shows errors moves focus to its error summary
(static/js/error-summary.js); an `autofocus` field would take it back.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_block_tag
def scroll_region(content, labelledby="", label=""):
    if bool(labelledby) == bool(label):
        raise template.TemplateSyntaxError("scroll_region needs exactly one of labelledby= (an id) or label= (a name).")
    name = format_html('aria-labelledby="{}"', labelledby) if labelledby else format_html('aria-label="{}"', label)
    return format_html('<div class="table-wrap" role="region" tabindex="0" {}>{}</div>', name, content)


@register.filter
def without_autofocus(field):
    """The field's widget with no autofocus attribute (Django leaves out attributes set to False)."""
    return field.as_widget(attrs={"autofocus": False})


@register.filter
def described_by(field, hint_id):
    ids = [hint_id, *(field.aria_describedby or "").split()]  # None when the widget sets its own
    return field.as_widget(attrs={"aria-describedby": " ".join(ids)})
