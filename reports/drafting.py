"""What changed since the previous paper, while this one is a draft (issue 13, item 3).

The same comparison as the published page (reports.changes.compare), over two
snapshots: the previous paper's latest publication (as published), or, if it was
never published, its gather(); against this paper's gather().

    since = changes_since_previous(paper, restricted=True, current=data)
    # None (no previous paper) or {"previous": {...}, "changes": {...}, "has_changes": bool}
"""

from reports.changes import compare, has_changes


def previous_snapshot(previous, *, restricted):
    """(snapshot, published version or None) of the paper before this one."""
    from reports import rendering

    publication = previous.publications.order_by("-version").first()
    if publication is not None:
        return publication.snapshot("restricted" if restricted else "public"), publication.version
    # Never published: as it would print now (without its own changes section, so no chain of papers).
    return rendering.gather(previous, restricted=restricted, with_changes=False), None


def changes_since_previous(paper, *, restricted, current=None):
    from reports import rendering

    previous = paper.previous()
    if previous is None:
        return None
    before, version = previous_snapshot(previous, restricted=restricted)
    if current is None:
        current = rendering.gather(paper, restricted=restricted, with_changes=False)
    found = compare(before, current)
    return {
        "previous": {
            "meeting_date": previous.meeting_date.isoformat(),
            "meeting_date_display": rendering.short_date(previous.meeting_date),
            "version": version,
        },
        "changes": found,
        "has_changes": has_changes(found),
    }
