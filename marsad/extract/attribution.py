"""Attribution (claimed/confirmed/accused/suspected/unknown), hedging and who said it."""
from __future__ import annotations

from marsad.extract.clause import Clause
from marsad.extract.roles import Role
from marsad.resolve.actors import announces
from marsad.types import Candidate, Mention

SPEECH_WINDOW = 25  # characters between a source and the reporting verb that makes it the speaker
AGENT_RULES = ("agent-after-attack-word", "subject-before-attack-verb", "adjective-after-strike", "responder")


def target_speaks(clause: Clause, cand: Candidate) -> Mention | None:
    """A source of the sentence that speaks for the target side, if any."""
    if cand.target_actor is None:
        return None
    speech = [c for c in clause.sentence_cues if c.data.get("type") == "speech"]

    def speaks(src: Mention) -> bool:  # "قالت القيادة…", "…بحسب سنتكوم", "CENTCOM said"
        return any(0 <= src.start - c.end <= SPEECH_WINDOW or 0 <= c.start - src.end <= SPEECH_WINDOW for c in speech)
    return next((s for s in clause.sentence_sources if s.data.get("actor") == cand.target_actor and speaks(s)), None)


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
    elif target_speaks(clause, cand):
        # The side that was hit names who fired (CENTCOM: "Iran-backed militants launched…").
        speaker = target_speaks(clause, cand)
        cand.attribution = "confirmed"
        cand.cite("attribution", speaker, f"target-side-names-attacker:{speaker.entry_id}")
    elif announces(attacker.actor) and attacker.rule in AGENT_RULES:
        # A state force named as the one who struck: such forces announce their own strikes.
        cand.attribution = "claimed"
        cand.cite("attribution", attacker.mention, f"actor-announces:{attacker.rule}")
    else:
        cand.attribution = "accused"
        cand.cite("attribution", attacker.mention, f"named-attacker:{attacker.rule}")
