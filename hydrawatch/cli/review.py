"""`hydrawatch nominate`, `review`, `cases`, `case show`, `case known-answer`, `queue`."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from hydrawatch.verification import views as case_views
from hydrawatch.verification import review
from hydrawatch.cli.app import DbOption, app
from hydrawatch.cli.common import print_json, store_for
from hydrawatch.cli.output import safe
from hydrawatch.errors import InputError
from hydrawatch.verification.rules import load_rule

case_app = typer.Typer(help="One case: show it, mark a known answer.", no_args_is_help=True)
app.add_typer(case_app, name="case")

FormatOption = typer.Option("table", "--format", help="table or json.")
RulesOption = typer.Option(None, "--rules", envvar="HYDRAWATCH_RULES",
                           help="Verification rule file (default: the shipped rules_default.yaml).")


def _ints(values: list[str] | None) -> list[int]:
    out = []
    for value in values or []:
        for part in value.replace(",", " ").split():
            if not part.isdigit():
                raise InputError(f"evidence ids are numbers, got {part!r}")
            out.append(int(part))
    return out


@app.command()
def nominate(account: str = typer.Argument(..., help="PLATFORM:ID, PLATFORM:@handle or @handle."),
             by: str = typer.Option(..., "--by", help="The nominating user."),
             reason: str = typer.Option(..., "--reason", help="Why this account."),
             evidence: list[str] = typer.Option(None, "--post",
                                                help="Also capture this post (PLATFORM:ID) as evidence; repeatable."),
             db: str = DbOption) -> None:
    """Nominate an account: opens its case (or joins the open one) and captures evidence."""
    store = store_for(db)
    with store.session(readonly=True) as sess:
        platform, account_id = review.resolve_account(sess, account)
    res = review.nominate(store, platform, account_id, by_user=by, reason=reason, source="cli",
                          evidence=evidence or [])
    verb = "opened" if res.case_created else "joined"
    Console().print(f"nomination {res.nomination_id}: {verb} case {res.case_id} for "
                    f"{safe(platform)}:{safe(account_id)} ({res.state}); "
                    f"{len(res.evidence_ids)} evidence item(s) captured", highlight=False)


@app.command("review")
def review_cmd(case: int = typer.Argument(..., help="Case id."),
               by: str = typer.Option(..., "--by", help="The reviewing user."),
               verdict: str = typer.Option(..., "--verdict", help="confirm, reject or unsure."),
               category: str = typer.Option(None, "--category", help="Category (needed to confirm)."),
               evidence: list[str] = typer.Option(None, "--evidence",
                                                  help="Evidence id(s) cited; repeat or comma-separate."),
               note: str = typer.Option(None, "--note", help="Rationale."),
               rules: str = RulesOption, db: str = DbOption) -> None:
    """Cast a blind vote on a case; the verification rule decides its state."""
    res = review.cast_vote(store_for(db), case, by_user=by, verdict=verdict, category=category,
                           evidence_ids=_ints(evidence), note=note, rule=load_rule(rules))
    Console().print(f"vote {res.review_id} stored; case {res.case_id} is {res.state} "
                    f"({safe(res.reason)})", highlight=False)


@app.command()
def cases(state: str = typer.Option(None, "--state", help="Only cases in this state."),
          fmt: str = FormatOption, db: str = DbOption) -> None:
    """List cases with handle, state, score, review and evidence counts."""
    rows = case_views.list_cases(store_for(db), state=state)
    if fmt == "json":
        print_json([{k: r[k] for k in ("id", "platform", "account_id", "handle", "state", "score",
                                       "reviews", "evidence", "category", "opened_at",
                                       "verified_at")} for r in rows])
        return
    if fmt != "table":
        raise InputError("--format is table or json")
    table = Table("id", "account", "handle", "state", "score", "reviews", "evidence")
    for r in rows:
        score = "" if r["score"] is None else f"{r['score']:.2f}"
        table.add_row(str(r["id"]), safe(f"{r['platform']}:{r['account_id']}"),
                      safe(r["handle"] or ""), r["state"], score, str(r["reviews"]),
                      str(r["evidence"]))
    Console().print(table)


@case_app.command("show")
def case_show(case: int = typer.Argument(..., help="Case id."),
              as_user: str = typer.Option(None, "--as",
                                          help="View as this user (votes stay hidden until they have voted; admins see all)."),
              content: bool = typer.Option(False, "--content", help="Include evidence content."),
              fmt: str = FormatOption, db: str = DbOption) -> None:
    """Show one case: account, nominations, evidence, votes (blind until you vote), appeals."""
    view = case_views.case_view(store_for(db), case, viewer=as_user, with_content=content)
    if fmt == "json":
        print_json(view)
        return
    con = Console(highlight=False)
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


@case_app.command("known-answer")
def case_known_answer(case: int = typer.Argument(..., help="Case id."),
                      answer: str = typer.Argument(..., help="confirm, reject or none."),
                      by: str = typer.Option(..., "--by", help="An admin."),
                      db: str = DbOption) -> None:
    """Mark a case as a known-answer case used to calibrate reviewer reliability."""
    review.set_known_answer(store_for(db), case, None if answer == "none" else answer, by_user=by)
    Console().print(f"case {case}: known answer {answer}")


@app.command()
def queue(by: str = typer.Option(..., "--by", help="The reviewing user."),
          limit: int = typer.Option(50, "--limit"), db: str = DbOption) -> None:
    """Open cases this user may still vote on (not their own nominations)."""
    for case_id in review.review_queue(store_for(db), by, limit=limit):
        print(case_id)
