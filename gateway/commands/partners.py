"""``edigw partners list|validate|test``: the partner manager's onboarding commands.

``validate`` is the gate before a profile is committed: schema, references, identity
collisions with the other profiles of the folder, and rule paths checked against the
canonical model (:func:`translators.rules.check_rules`, which the partners layer cannot
run itself). Every problem is one line ``file: field.path: message``.

``test`` replays the partner's samples (:mod:`gateway.commands.partners_replay`).

Exit codes: 0 valid / all samples pass, 1 invalid / a sample fails, 2 the path,
partner or samples do not exist.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from partners.errors import ProfileError, display_path
from partners.profile import Profile
from partners.registry import Registry, check_path, default_folder
from translators.pipeline import partner_validator
from translators.result import TranslationResult
from translators.rules import check_rules
from translators.translate import translate_bytes

from .partners_replay import Translate, replay_partner

__all__ = ["run_list", "run_validate", "run_test", "format_table", "check"]


def check(path: Path) -> tuple[list[Profile], list[ProfileError]]:
    """Everything ``validate`` checks: :func:`partners.registry.check_path` plus rule paths."""
    profiles, errors = check_path(path)
    for profile in profiles:
        shown = display_path(profile.source) if profile.source else profile.id
        errors.extend(ProfileError(shown, where, msg) for where, msg in check_rules(profile))
    bad = {e.file for e in errors}
    return [p for p in profiles if not p.source or display_path(p.source) not in bad], errors


def format_table(rows: Sequence[dict[str, str]], columns: Sequence[str]) -> str:
    """Plain left-aligned text table (no dependency, stable for tests and shell pipes)."""
    widths = {c: max([len(c), *(len(r.get(c, "")) for r in rows)]) for c in columns}
    lines = ["  ".join(c.upper().ljust(widths[c]) for c in columns).rstrip()]
    lines += ["  ".join(r.get(c, "").ljust(widths[c]) for c in columns).rstrip() for r in rows]
    return "\n".join(lines)


def _folder(path: str | None) -> Path | None:
    folder = Path(path) if path else default_folder()
    if not folder.exists():
        print(f"edigw partners: {path or folder}: no such file or folder", file=sys.stderr)
        return None
    return folder


def run_validate(path: str | None) -> int:
    folder = _folder(path)
    if folder is None:
        return 2
    profiles, errors = check(folder)
    for error in errors:
        print(error)
    files = len({e.file for e in errors})
    if errors:
        print(f"{len(errors)} problem(s) in {files} file(s)", file=sys.stderr)
        return 1
    print(f"{len(profiles)} profile(s) valid: {', '.join(p.id for p in profiles) or 'none'}", file=sys.stderr)
    return 0


def _checked(path: str | None) -> tuple[Path, list[Profile]] | int:
    """The folder and its profiles when all are valid; else the exit code (problems on stderr)."""
    folder = _folder(path)
    if folder is None:
        return 2
    profiles, errors = check(folder)
    for error in errors:
        print(error, file=sys.stderr)
    return 1 if errors else (folder, profiles)


def run_list(path: str | None) -> int:
    checked = _checked(path)
    if isinstance(checked, int):
        return checked
    _, profiles = checked
    rows = [p.summary() for p in sorted(profiles, key=lambda p: p.id)]
    print(format_table(rows, ("id", "name", "status", "transports", "documents")))
    return 0


def run_test(partner_id: str, path: str | None, update: bool, translate: Translate | None = None) -> int:
    checked = _checked(path)
    if isinstance(checked, int):
        return checked
    folder, _ = checked
    registry = Registry.load(folder)
    if partner_id not in registry:
        print(f"edigw partners test: no partner {partner_id!r} in {display_path(folder)}", file=sys.stderr)
        return 2
    if translate is None:

        def translate(data: bytes, pid: str) -> TranslationResult:
            return translate_bytes(data, partner=pid, validator=partner_validator(registry.get(pid)))

    outcomes = replay_partner(registry, partner_id, translate, write_goldens=update)
    if not outcomes:
        samples = registry.get(partner_id).samples_dir
        print(f"edigw partners test: no sample files in {samples}", file=sys.stderr)
        return 2
    columns = ("sample", "standard", "partner", "validate", "ack", "documents", "errors", "routes", "result")
    print(format_table([o.row() for o in outcomes], columns))
    if update:
        print(f"goldens written for {len(outcomes)} sample(s); review them before committing", file=sys.stderr)
        return 0
    for outcome in outcomes:
        for diff in outcome.diffs:
            print(diff)
    failed = sum(not o.passed for o in outcomes)
    print(f"{len(outcomes) - failed} passed, {failed} failed", file=sys.stderr)
    return 1 if failed else 0
