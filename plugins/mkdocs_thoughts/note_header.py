"""The facts shown under a note's title: status, dates, people, commit, history, tags, relations.

Built in Python rather than from a Jinja template: it is made for every note of every build, and a
template's fixed cost per render alone was a third of it. Every value that comes from a note or
from git passes through ``esc``; only markup built here or by the renderer's helpers (which
escape too) is trusted.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from .diagnostics import Diagnostic
from .escaping import esc
from .gitfacts import NoteGitFacts, Placement, Where
from .render import Renderer, commit_code, status_badge
from .site import Link, NoteRow, css_token


def note_header_html(
    row: NoteRow,
    renderer: Renderer,
    *,
    banner: list[Diagnostic],
    extra: Markup,
    researcher_url: str | None,
    drift_url: str,
    local_graph: str = "",
    show_tags: bool = True,
) -> str:
    """The header of the note ``row`` (whose ``url`` is the page it lands on).

    A line of chips (status, date, researcher, commit, how far it is behind, cited code, tags)
    says what a reader needs before the text; everything else (branch, commit subject, history,
    relations, runs: ``extra``) waits one click away, and so does the local graph, so the note's
    own text starts on the first screen. Each fact appears once: ``show_tags`` is off when
    Material's tags plugin shows the tags above the title.
    """
    assert row.url is not None
    renderer.page_url = row.url
    rel = renderer.rel
    chips = [_chip("Status", status_badge(row.status), "status")]
    if row.day:
        flag = ' <span class="th-flag">from file name</span>' if row.inferred else ""
        chips.append(_chip("Date", f"{esc(row.day)}{_stamp_commit(row, 'date')}{flag}", "date"))
    if row.researcher:
        name = esc(row.researcher)
        if researcher_url:
            name = f'<a href="{esc(rel(researcher_url))}">{name}</a>'
        chips.append(_chip("Researcher", name, "researcher"))
    if row.short_sha:
        remark = row.note.meta.commit_remark
        aside = f' <span class="th-commit-remark">({esc(remark)})</span>' if remark else ""
        chips.append(_chip("Commit", f"{commit_code(row)}{aside}", "commit"))
    if row.git is not None:
        chips += _drift_chips(row.git, rel(drift_url))
    if show_tags and row.tags:
        chips.append(_chip("Tags", renderer.tag_links(row.tags), "tags"))

    facts = []
    if row.branch:
        facts.append(_fact("Branch", f"<code>{esc(row.branch)}</code>"))
    commit = _commit_details(row.git) if row.git is not None else ""
    if commit:
        facts.append(_fact("Commit", commit))
    if row.last_updated:
        by = f" by {esc(row.last_updated_by)}" if row.last_updated_by else ""
        at = _stamp_commit(row, "last_updated")
        facts.append(_fact("Last updated", f"{esc(row.last_updated)}{at}{by}"))
    if row.git is not None:
        facts += _history(row.git)
    relations = [_relations(label, links, renderer) for label, links in row.relations]

    parts = ['<div class="th-note-header">']
    if banner:
        parts.append(_banner(banner))
    parts += ['<dl class="th-chips">', *chips, "</dl>"]
    if facts or relations or extra:
        counts = "".join(f" · {esc(label.lower())} {len(links)}" for label, links in row.relations)
        parts.append(f'<details class="th-details"><summary>Details{counts}</summary>')
        if facts:
            parts += ['<dl class="th-facts">', *facts, "</dl>"]
        parts += relations
        if extra:
            parts.append(extra)
        parts.append("</details>")
    if local_graph:
        parts.append(local_graph)
    parts.append("</div>\n")
    return "\n".join(parts)


def _stamp_commit(row: NoteRow, name: str) -> str:
    """`` at <sha>`` (linked when there is a forge) for a date field that names its commit."""
    stamp = row.stamp_commits.get(name)
    return f" at {commit_code(stamp)}" if stamp else ""


def _chip(term: str, description: str, kind: str) -> str:
    """A chip: a ``<dt>`` read out by screen readers (and shown on hover) and its ``<dd>``
    (``description`` is markup, already escaped)."""
    return (
        f'<div class="th-chip th-chip--{kind}" title="{term}">'
        f"<dt>{term}</dt><dd>{description}</dd></div>"
    )


def _fact(term: str, description: str) -> str:
    """A ``<dt>``/``<dd>`` pair; ``description`` is markup (already escaped)."""
    return f"<div><dt>{term}</dt><dd>{description}</dd></div>"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _banner(items: list[Diagnostic]) -> str:
    entries = "".join(
        f"<li><code>{esc(item.location())}</code> {esc(item.severity)} "
        f"<code>{esc(item.code)}</code> {esc(item.message)}"
        + (f" <em>{esc(item.hint)}</em>" if item.hint else "")
        + "</li>"
        for item in items
    )
    # Collapsed like the rest of the header: its title says how many, one click shows them.
    return (
        '<details class="warning th-banner"><summary>'
        f"This note has {_plural(len(items), 'problem')}</summary><ul>\n{entries}\n</ul></details>"
    )


def _commit_details(git: NoteGitFacts) -> str:
    details = []
    if git.commit is not None:
        commit = git.commit
        details.append(
            f'<span class="th-subject">{esc(commit.subject)}</span> '
            f"by {esc(commit.author_name)}, {commit.authored.date().isoformat()}"
        )
    if git.placement is not None and git.placement.where is Where.HEAD:
        details.append(_placement(git.placement))
    return " · ".join(details)


def _placement(placement: Placement) -> str:
    where = placement.where.value
    return (
        f'<span class="th-placement th-placement--{css_token(where)}">'
        f"{esc(_placement_text(placement))}</span>"
    )


def _drift_chips(git: NoteGitFacts, drift_href: str) -> list[str]:
    """How far the note's commit is from today's code: behind HEAD, off the branches, and how
    much of the code it cites changed since."""
    chips = []
    if git.placement is not None and git.placement.where is not Where.HEAD:
        # Not on the checked-out branch: worth seeing before reading (on HEAD, the usual case,
        # it waits in the details).
        chips.append(_chip("Commit placement", _placement(git.placement), "placement"))
    if git.behind_head:
        chips.append(
            _chip(
                "Drift",
                f'<span class="th-behind">{_plural(git.behind_head, "commit")} behind HEAD</span>',
                "behind",
            )
        )
    drift = git.drift
    if drift.references:
        chips.append(
            _chip(
                "Cited code",
                f'<a href="{esc(drift_href)}">{drift.drifted} of '
                f"{_plural(drift.references, 'cited path')} changed</a>",
                "cited",
            )
        )
    return chips


def _placement_text(placement: Placement) -> str:
    where = placement.where
    if where is Where.HEAD:
        return f"on {placement.ref_name or 'HEAD'}"
    if where is Where.OTHER_REF:
        return f"only on {placement.ref_name}"
    if where is Where.MISSING and placement.shallow:
        return "not in this shallow clone"  # maybe older than the cut, maybe never existed
    return {
        Where.UNREACHABLE: "on no branch",
        Where.AMBIGUOUS: "ambiguous",
        Where.MISSING: "not in this repository",
    }.get(where, "")


def _history(git: NoteGitFacts) -> list[str]:
    history = git.history
    if history.created is None:
        return []
    created = history.created
    text = f"created {created.authored.date().isoformat()} by {esc(created.author_name)}"
    if history.last_changed is not None and history.commits > 1:
        text += (
            f", last changed {history.last_changed.authored.date().isoformat()} "
            f"by {esc(history.last_changed.author_name)} ({history.commits} commits)"
        )
    return [_fact("History", text)]


def _relations(label: str, links: Iterable[Link], renderer: Renderer) -> str:
    return (
        f'<p class="th-relations"><strong>{esc(label)}:</strong> '
        + ", ".join(_relation_link(link, renderer) for link in links)
        + "</p>"
    )


def _relation_link(link: Link, renderer: Renderer) -> str:
    if link.external and link.url is not None:
        # Only http(s) URLs are made external links (site.py); the rest are text.
        return f'<a href="{esc(link.url)}" rel="nofollow noopener">{esc(link.label)}</a>'
    if link.url is not None:
        return (
            f'<a href="{esc(renderer.rel(link.url))}" title="{esc(link.title)}">'
            f"{esc(link.label)}</a>"
        )
    return f'<span class="th-unresolved">{esc(link.label)}</span>'
