"""The paper's narrative sections, in the seed's order.

Each entry: (field or None, number printed before the heading, heading, kind).
Kinds: "prose" (paragraphs), "letters" (intro + lettered list, one item per
line), "numbered" (paragraphs numbered <section>.1, <section>.2 ...),
"appendices" (the generated list of appendices, then background papers).
"""

SECTIONS = (
    ("summary", "", "Report Summary", "prose"),
    ("key_considerations", "", "Key Considerations for the Panel", "prose"),
    ("interdependencies", "", "Interdependencies/Cross Cutting Issues", "prose"),
    ("recommendations", "", "Recommendations", "letters"),
    ("supporting_information", "1", "Supporting Information", "numbered"),
    ("equality_diversity", "2", "Equality and Diversity Impact", "prose"),
    ("financial", "3", "Financial Implications", "prose"),
    ("legal", "4", "Legal Implications", "prose"),
    ("risk_implications", "5", "Risk Implications", "prose"),
    ("contact_details", "6", "Contact Details", "prose"),
    ("background_papers", "7", "Appendices and Background Papers", "appendices"),
)

SUMMARY_SUBHEADING = "Overall Summary of the Purpose of the Report"


def appendix_titles(short_name):
    """(number, title in the list of appendices, heading of the appendix, restricted)."""
    return (
        (1, f"{short_name} risk overview", f"{short_name} corporate risk overview", False),
        (2, f"{short_name} summary risk position", f"{short_name} summary risk position", False),
        (3, f"{short_name} Internal Governance", f"{short_name} Internal Governance", True),
        (4, f"{short_name} Risk Register", f"{short_name} Risk Register", True),
    )
