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
from .gitinfo import NoteGitFacts, Placement, Where
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
) -> str:
    """The header of the note ``row`` (whose ``url`` is the page it lands on)."""
    assert row.url is not None
    renderer.page_url = row.url
    rel = renderer.rel
    facts = [_fact("Status", status_badge(row.status))]
    if row.day:
        flag = ' <span class="th-flag">from file name</span>' if row.inferred else ""
        facts.append(_fact("Date", f"{esc(row.day)}{_stamp_commit(row, 'date')}{flag}"))
    if row.researcher:
        name = esc(row.researcher)
        if researcher_url:
            name = f'<a href="{esc(rel(researcher_url))}">{name}</a>'
        facts.append(_fact("Researcher", name))
    if row.branch:
        facts.append(_fact("Branch", f"<code>{esc(row.branch)}</code>"))
    if row.short_sha:
        facts.append(_fact("Commit", f"{commit_code(row)}{_commit_details(row.git)}"))
    if row.last_updated:
        by = f" by {esc(row.last_updated_by)}" if row.last_updated_by else ""
        at = _stamp_commit(row, "last_updated")
        facts.append(_fact("Last updated", f"{esc(row.last_updated)}{at}{by}"))
    if row.git is not None:
        facts += _git_facts(row.git, rel(drift_url))
    if row.tags:
        facts.append(_fact("Tags", renderer.tag_links(row.tags)))
    parts = ['<div class="th-note-header">']
    if banner:
        parts.append(_banner(banner))
    parts += ['<dl class="th-facts">', *facts, "</dl>"]
    parts += (_relations(label, links, renderer) for label, links in row.relations)
    if extra:
        parts.append(extra)
    parts.append("</div>\n")
    return "\n".join(parts)


def _stamp_commit(row: NoteRow, name: str) -> str:
    """`` at <sha>`` (linked when there is a forge) for a date field that names its commit."""
    stamp = row.stamp_commits.get(name)
    return f" at {commit_code(stamp)}" if stamp else ""


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
    return (
        '<div class="admonition warning th-banner"><p class="admonition-title">'
        f"This note has {_plural(len(items), 'problem')}</p><ul>\n{entries}\n</ul></div>"
    )


def _commit_details(git: NoteGitFacts | None) -> str:
    if git is None:
        return ""
    details = ""
    if git.commit is not None:
        commit = git.commit
        details += (
            f' <span class="th-subject">{esc(commit.subject)}</span> '
            f"<small>{esc(commit.author_name)}, {commit.authored.date().isoformat()}</small>"
        )
    if git.placement is not None:
        where = git.placement.where.value
        details += (
            f' <span class="th-placement th-placement--{css_token(where)}">'
            f"{esc(_placement_text(git.placement))}</span>"
        )
    if git.behind_head:
        details += (
            f' <span class="th-behind">{_plural(git.behind_head, "commit")} behind HEAD</span>'
        )
    return details


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


def _git_facts(git: NoteGitFacts, drift_href: str) -> list[str]:
    facts = []
    history = git.history
    if history.created is not None:
        text = (
            f"created {history.created.authored.date().isoformat()} "
            f"by {esc(history.created.author_name)}"
        )
        if history.last_changed is not None and history.commits > 1:
            text += (
                f", last changed {history.last_changed.authored.date().isoformat()} "
                f"by {esc(history.last_changed.author_name)} ({history.commits} commits)"
            )
        facts.append(_fact("History", text))
    drift = git.drift
    if drift.references:
        facts.append(
            _fact(
                "Cited code",
                f"{_plural(drift.references, 'reference')}, "
                f'<a href="{esc(drift_href)}">{drift.drifted} changed</a> '
                "since the note's commit",
            )
        )
    return facts


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
