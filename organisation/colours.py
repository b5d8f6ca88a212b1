"""Colour arithmetic for the score bands: contrast with white (WCAG 2.2, 1.4.3) and the
light tint a heat-map cell is filled with."""

MINIMUM_CONTRAST = 4.5  # WCAG 1.4.3, normal-size text: a band's label is printed in its colour on white


def _channels(colour):
    return [int(colour[i:i + 2], 16) for i in (1, 3, 5)]


def _linear(channel):
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(colour):
    red, green, blue = (_linear(channel) for channel in _channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_with_white(colour):
    """The contrast ratio of `colour` (#rrggbb) against white, from 1 to 21."""
    return 1.05 / (relative_luminance(colour) + 0.05)


def low_contrast_message(label, colour):
    """A message if text in `colour` is too faint on white, else None."""
    ratio = contrast_with_white(colour)
    if ratio >= MINIMUM_CONTRAST:
        return None
    return (f"The colour of {label} ({colour}) contrasts only {ratio:.1f}:1 with white; band labels are printed in "
            f"their colour on white and need at least {MINIMUM_CONTRAST}:1 (WCAG 1.4.3): choose a darker colour.")


def tint(colour, strength=0.15):
    """`colour` mixed into white (`strength` of the colour): a background text stays readable on."""
    return "#" + "".join(f"{round(255 - (255 - channel) * strength):02x}" for channel in _channels(colour))
