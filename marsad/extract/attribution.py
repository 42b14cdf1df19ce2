"""Attribution (claimed/confirmed/accused/suspected/unknown), hedging and who said it."""
from __future__ import annotations

from marsad.extract.clause import Clause
from marsad.extract.roles import Role
from marsad.resolve.actors import announces
from marsad.types import Candidate

AGENT_RULES = ("agent-after-attack-word", "subject-before-attack-verb", "adjective-after-strike", "responder")


def fill_attribution(cand: Candidate, clause: Clause, attacker: Role | None) -> None:
    hedges = clause.cue("hedge", whole_sentence=True)
    if hedges:
        cand.hedged = True
        cand.cite("hedged", hedges[0], "cues:hedge")
    for src in clause.sentence_sources:
        if src.entry_id not in cand.said_by:
            cand.said_by.append(src.entry_id)
            cand.cite("said_by", src, f"sources:{src.entry_id}")
    if attacker is None:
        cand.attribution = "unknown"
        return
    claims = [] if clause.cue("no_claim") else clause.cue("claim")
    if claims:
        cand.attribution = "claimed"
        cand.cite("attribution", claims[0], "cues:claim")
    elif hedges:
        cand.attribution = "suspected"
        cand.cite("attribution", hedges[0], "cues:hedge")
    elif announces(attacker.actor) and attacker.rule in AGENT_RULES:
        # A state force named as the one who struck: such forces announce their own strikes.
        cand.attribution = "claimed"
        cand.cite("attribution", attacker.mention, f"actor-announces:{attacker.rule}")
    else:
        cand.attribution = "accused"
        cand.cite("attribution", attacker.mention, f"named-attacker:{attacker.rule}")
