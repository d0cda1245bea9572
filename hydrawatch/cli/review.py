"""`hydrawatch nominate`, `review`, `cases`, `case show`, `case known-answer`, `queue`."""

from __future__ import annotations

from enum import Enum

import typer

from hydrawatch.cli.app import ACCOUNT_HELP, DbOption, Format, FormatOption, app
from hydrawatch.cli.common import resolve, store_for
from hydrawatch.cli.output import console, emit, print_json, safe
from hydrawatch.errors import InputError

case_app = typer.Typer(help="One case: show it, mark a known answer.")
app.add_typer(case_app, name="case")

RulesOption = typer.Option(None, "--rules", envvar="HYDRAWATCH_RULES",
                           help="Verification rule file (default: the shipped rules_default.yaml).")


class ShowFormat(str, Enum):
    table = "table"
    json = "json"


def _ints(values: list[str] | None) -> list[int]:
    out = []
    for value in values or []:
        for part in value.replace(",", " ").split():
            if not part.isdigit():
                raise InputError(f"evidence ids are numbers, got {part!r}")
            out.append(int(part))
    return out


@app.command()
def nominate(account: str = typer.Argument(..., help=ACCOUNT_HELP),
             by: str = typer.Option(..., "--by", help="The nominating user."),
             reason: str = typer.Option(..., "--reason", help="Why this account."),
             evidence: list[str] = typer.Option(None, "--post",
                                                help="Also capture this post (PLATFORM:ID) as evidence; repeatable."),
             db: str = DbOption) -> None:
    """Nominate an account: opens its case (or joins the open one) and captures evidence."""
    from hydrawatch.verification import review

    store = store_for(db)
    platform, account_id = resolve(store, account)
    res = review.nominate(store, platform, account_id, by_user=by, reason=reason, source="cli",
                          evidence=evidence or [])
    verb = "opened" if res.case_created else "joined"
    console().print(f"nomination {res.nomination_id}: {verb} case {res.case_id} for "
                    f"{safe(platform)}:{safe(account_id)} ({res.state}); "
                    f"{len(res.evidence_ids)} evidence item(s) captured")


@app.command("review")
def review_cmd(case: str = typer.Argument(..., help="Case id, or the account (" + ACCOUNT_HELP + ")"),
               by: str = typer.Option(..., "--by", help="The reviewing user."),
               verdict: str = typer.Option(..., "--verdict", help="confirm, reject or unsure."),
               category: str = typer.Option(None, "--category", help="Category (needed to confirm)."),
               evidence: list[str] = typer.Option(None, "--evidence",
                                                  help="Evidence id(s) cited; repeat or comma-separate."),
               note: str = typer.Option(None, "--note", help="Rationale."),
               rules: str = RulesOption, db: str = DbOption) -> None:
    """Cast a blind vote on a case; the verification rule decides its state."""
    from hydrawatch.verification import review
    from hydrawatch.verification.rules import load_rule

    store = store_for(db)
    res = review.cast_vote(store, case_id(store, case), by_user=by, verdict=verdict, category=category,
                           evidence_ids=_ints(evidence), note=note, rule=load_rule(rules))
    console().print(f"vote {res.review_id} stored; case {res.case_id} is {res.state} "
                    f"({safe(res.reason)})")


CASE_KEYS = ("id", "platform", "account_id", "handle", "state", "score", "reviews", "evidence",
             "category", "opened_at", "verified_at")


@app.command()
def cases(state: str = typer.Option(None, "--state", help="Only cases in this state."),
          account: str = typer.Option(None, "--account", help="Only this account's case. " + ACCOUNT_HELP),
          fmt: Format = FormatOption, db: str = DbOption) -> None:
    """List cases with handle, state, score, review and evidence counts."""
    from hydrawatch.verification import views as case_views

    store = store_for(db)
    rows = case_views.list_cases(store, state=state)
    if account is not None:
        key = resolve(store, account)
        rows = [r for r in rows if (r["platform"], r["account_id"]) == key]
    if fmt is Format.table:
        columns = {"id": lambda r: r["id"], "account": lambda r: f"{r['platform']}:{r['account_id']}",
                   "handle": lambda r: r["handle"], "state": lambda r: r["state"],
                   "score": lambda r: None if r["score"] is None else f"{r['score']:.2f}",
                   "reviews": lambda r: r["reviews"], "evidence": lambda r: r["evidence"]}
    else:
        columns = {k: (lambda r, k=k: r[k]) for k in CASE_KEYS}
    emit(fmt, rows, columns, json_rows=[{k: r[k] for k in CASE_KEYS} for r in rows])


@case_app.command("show")
def case_show(case: str = typer.Argument(..., help="Case id, or the account (" + ACCOUNT_HELP + ")"),
              as_user: str = typer.Option(None, "--as",
                                          help="View as this user (votes stay hidden until they have voted; admins see all)."),
              content: bool = typer.Option(False, "--content", help="Include evidence content."),
              fmt: ShowFormat = typer.Option(ShowFormat.table, "--format", help="table or json."),
              db: str = DbOption) -> None:
    """Show one case: account, nominations, evidence, votes (blind until you vote), appeals."""
    from hydrawatch.verification import views as case_views

    store = store_for(db)
    view = case_views.case_view(store, case_id(store, case), viewer=as_user, with_content=content)
    if fmt is ShowFormat.json:
        print_json(view)
        return
    con = console()
    con.print(f"[bold]case {view['id']}[/] {safe(view['platform'])}:{safe(view['account_id'])} "
              f"@{safe(view['handle'] or '?')} — {view['state']}")
    con.print(f"score {view['score']}  category {safe(str(view['category']))}  "
              f"opened {view['opened_at']}  verified {view['verified_at']}")
    for n in view["nominations"]:
        con.print(f"  nomination {n['id']} \\[{safe(n['source'])}] {safe(str(n['org']))}: "
                  f"{safe(n['reason'] or '')}")
    for e in view["evidence"]:
        con.print(f"  evidence {e['id']} {e['kind']} {safe(e['ref'] or '')} sha256 {e['sha256'][:16]}…")
    if view["votes_hidden"]:
        con.print(f"  {view['reviews']} vote(s) hidden: cast your own vote first (blind review)")
    else:
        for v in view["votes"]:
            con.print(f"  vote {v['id']} {safe(v['reviewer'])} ({safe(v['org'])}): {v['verdict']} "
                      f"{safe(str(v['category']))} evidence {v['evidence']} {safe(v['note'] or '')}")
    for a in view["appeals"]:
        con.print(f"  appeal {a['id']} {a['state']} {safe(a['note'] or '')}")


def case_id(store, case: str) -> int:
    """A case id, or the id of the case of the account ``case`` names."""
    from sqlalchemy import select

    from hydrawatch.errors import NotFound
    from hydrawatch.store.schema import Case

    if case.strip().isdigit():
        return int(case)
    platform, account_id = resolve(store, case)
    with store.session(readonly=True) as sess:
        found = sess.scalar(select(Case.id).where(Case.platform == platform,
                                                  Case.account_id == account_id))
    if found is None:
        raise NotFound(f"{platform}:{account_id} has no case (nominate it first)")
    return found


@case_app.command("known-answer")
def case_known_answer(case: int = typer.Argument(..., help="Case id."),
                      answer: str = typer.Argument(..., help="confirm, reject or none."),
                      by: str = typer.Option(..., "--by", help="An admin."),
                      db: str = DbOption) -> None:
    """Mark a case as a known-answer case used to calibrate reviewer reliability."""
    from hydrawatch.verification import review

    review.set_known_answer(store_for(db), case, None if answer == "none" else answer, by_user=by)
    console().print(f"case {case}: known answer {safe(answer)}")


@app.command()
def queue(by: str = typer.Option(..., "--by", help="The reviewing user."),
          limit: int = typer.Option(50, "--limit"), fmt: Format = FormatOption,
          db: str = DbOption) -> None:
    """Open cases this user may still vote on (not their own nominations), oldest first."""
    from hydrawatch.verification import review

    ids = review.review_queue(store_for(db), by, limit=limit)
    emit(fmt, [{"case": i} for i in ids], {"case": lambda r: r["case"]})
